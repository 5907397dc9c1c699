// Accepted handshakes whose connection has not opened yet. One whose client left
// while a check ran, or that the engine refused after the decision, never opens
// and so never closes: nothing else would give its connection slot back.
// Members are grouped by the interval they arrived in, so one timer serves all
// of them and no member stores a deadline of its own.
import { performance } from 'node:perf_hooks';

export interface Abandonable {
  /** Called once when the member did not open in time. */
  abandon(): void;
}

interface Group<T> {
  /** When every member of the group has waited at least the timeout. */
  due: number;
  members: Set<T>;
}

export class PendingOpens<T extends Abandonable> {
  /** Oldest first. */
  private groups: Group<T>[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** How long one group takes members, and how often due groups are swept. */
  private readonly every: number;

  constructor(
    private readonly timeoutMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new Error('the open timeout must be a positive number of ms');
    this.every = Math.max(50, Math.min(1000, Math.floor(timeoutMs / 4)));
  }

  /** Waits for `member` to open; abandon() runs if delete() has not been called after timeout..timeout + 2 sweeps. */
  add(member: T): void {
    const now = this.now();
    let last = this.groups[this.groups.length - 1];
    // A group takes members for `every` ms and is due a full timeout after the last of them could join.
    if (last === undefined || now >= last.due - this.timeoutMs) {
      last = { due: now + this.every + this.timeoutMs, members: new Set() };
      this.groups.push(last);
    }
    last.members.add(member);
    if (this.timer === null) {
      this.timer = setInterval(() => this.sweep(), this.every);
      this.timer.unref();
    }
  }

  /** `member` opened or was released: it is no longer waited for. */
  delete(member: T): void {
    // Newest first: a connection opens right after its handshake, so it is almost always in the last group.
    for (let i = this.groups.length - 1; i >= 0; i--) if (this.groups[i].members.delete(member)) return;
  }

  /** Members waiting (tests). */
  get size(): number {
    let size = 0;
    for (const group of this.groups) size += group.members.size;
    return size;
  }

  /** Abandons the members of every due group (runs on the timer; tests call it with a hand-moved clock). */
  sweep(): void {
    const now = this.now();
    while (this.groups.length > 0 && this.groups[0].due <= now) {
      const group = this.groups.shift()!;
      for (const member of group.members) {
        try {
          member.abandon();
        } catch {
          // One failing release must not keep the other slots of the group.
        }
      }
    }
    if (this.size === 0 && this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
      this.groups = [];
    }
  }
}
