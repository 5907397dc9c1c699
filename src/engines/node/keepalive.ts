// Keepalive for every connection of an engine from ONE interval timer: a timer
// per connection costs memory and timer-list churn at 10,000+ connections, while
// one sweep over a list is a few microseconds per thousand connections.
//
// It holds every member added, pinged or not, so an engine can use it as its
// list of open connections too (the uws engine does): a second list of the same
// connections would cost memory per idle connection for nothing. The list is an
// array in which each member knows its index (swap-remove): ~8-12 B per member
// where a Set's hash table takes ~33 B at 10,000.

export interface KeepaliveMember {
  /** Its index in the keepalive's list; -1 when not in one. Owned by the Keepalive. */
  keepaliveIndex: number;
  readonly pingInterval: number;
  readonly pongTimeout: number;
  /** When the last ping went out, in ms on the keepalive's own clock (a small integer, see KeepaliveClock). */
  lastPingAt: number;
  /** A ping is out and nothing has been received since. */
  awaitingPong: boolean;
  sendPing(): void;
  /** Silent for pongTimeout after a ping: close it. */
  keepaliveExpired(): void;
}

/** The sweep runs often enough for the smallest interval in use, within these bounds (ms). */
const MIN_TICK = 10;
const MAX_TICK = 1000;
/**
 * Times are kept as ms since a moving epoch, below this: V8 stores such a
 * number inline in the member (a Smi), whereas Date.now() needs a 16-byte heap
 * number per idle connection. Past it, now() moves the epoch forward.
 */
const REBASE_AFTER = 2 ** 29;

export class Keepalive {
  private readonly members: KeepaliveMember[] = [];
  private timer: NodeJS.Timeout | null = null;
  private tick = MAX_TICK;
  private epoch = Date.now();

  /**
   * Ms since the epoch, as a small integer (`| 0`: a difference of two doubles
   * is a heap number even when whole, and storing one in a member makes every
   * member box that field). Past REBASE_AFTER the epoch moves to now; a time
   * from before reads as long ago, which is all a ping schedule needs.
   */
  private now(): number {
    const elapsed = Date.now() - this.epoch;
    if (elapsed < REBASE_AFTER) return elapsed | 0;
    for (const m of this.members) m.lastPingAt = Math.max(m.lastPingAt - elapsed, -REBASE_AFTER) | 0;
    this.epoch += elapsed;
    return 0;
  }

  /** Members added and not removed since (pinged or not). */
  get size(): number {
    return this.members.length;
  }

  /** The members now; removing one while iterating skips another, so copy first to close them. */
  [Symbol.iterator](): IterableIterator<KeepaliveMember> {
    return this.members.values();
  }

  /** Holds `member` until remove(); pings it when its pingInterval is above 0. */
  add(member: KeepaliveMember): void {
    if (member.keepaliveIndex >= 0 && this.members[member.keepaliveIndex] === member) return;
    member.lastPingAt = this.now();
    member.awaitingPong = false;
    member.keepaliveIndex = this.members.length;
    this.members.push(member);
    if (member.pingInterval <= 0) return;
    const wanted = Math.max(MIN_TICK, Math.min(MAX_TICK, Math.floor(Math.min(member.pingInterval, member.pongTimeout || member.pingInterval) / 4)));
    if (this.timer === null || wanted < this.tick) {
      this.tick = wanted;
      this.restart();
    }
  }

  remove(member: KeepaliveMember): void {
    const index = member.keepaliveIndex;
    if (index < 0 || this.members[index] !== member) return;
    const last = this.members.pop()!;
    if (last !== member) {
      this.members[index] = last;
      last.keepaliveIndex = index;
    }
    member.keepaliveIndex = -1;
    if (this.members.length === 0) this.stop();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.tick = MAX_TICK;
  }

  private restart(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = setInterval(() => this.sweep(), this.tick);
    // Keepalive alone never keeps the process running.
    this.timer.unref();
  }

  private sweep(): void {
    const now = this.now();
    // Backwards: a member closed here swaps in the last one, which was already swept.
    const members = this.members;
    for (let i = members.length - 1; i >= 0; i--) {
      const m = members[i];
      if (m === undefined || m.pingInterval <= 0) continue;
      if (m.awaitingPong) {
        if (now - m.lastPingAt >= m.pongTimeout) m.keepaliveExpired();
      } else if (now - m.lastPingAt >= m.pingInterval) {
        m.lastPingAt = now;
        m.awaitingPong = true;
        m.sendPing();
      }
    }
  }
}
