// The in-process broker: offsets, epochs and history in this process's memory,
// fan-out only to listeners in this process. The default when no external
// broker is configured. A channel's state (epoch, offset, history) is created on
// first use with a fresh random epoch, so offsets restart at 1 under a new epoch
// after a restart or after an idle channel's state was evicted.
import { randomBytes } from 'node:crypto';
import { HistoryRing } from '../history.js';
import type {
  Broker,
  EncodedPayload,
  HistoryOptions,
  HistoryRead,
  Publication,
  PublicationListener,
  StreamPosition,
} from './broker.js';

export interface MemoryBrokerOptions {
  /** Clock in ms (injectable for tests). */
  now?: () => number;
  /**
   * A channel with no subscriber on this node whose last publication is older
   * than max(idleTimeout, its history TTL) has its state dropped, history
   * included, so channels used once do not accumulate forever. Default 10 min.
   */
  idleTimeout?: number;
  /** How often idle channels are looked for, in ms (0: never by timer; call sweep()). Default 30 s. */
  sweepInterval?: number;
}

export interface MemoryBroker extends Broker {
  /** Prunes expired history and drops idle channels' state now. */
  sweep(): void;
  /** Channels with state held (for tests and stats). */
  readonly size: number;
}

interface ChannelState {
  epoch: string;
  ring: HistoryRing<Publication>;
  listeners: Set<PublicationListener>;
  lastActive: number;
  ttl: number;
}

export function createMemoryBroker(options: MemoryBrokerOptions = {}): MemoryBroker {
  const now = options.now ?? Date.now;
  const idleTimeout = options.idleTimeout ?? 600_000;
  const sweepInterval = options.sweepInterval ?? 30_000;
  const states = new Map<string, ChannelState>();
  const historyWatchers: ((channel: string, delta: number) => void)[] = [];
  let closed = false;

  function reportHistory(channel: string, delta: number): void {
    if (delta === 0) return;
    for (const watch of historyWatchers) watch(channel, delta);
  }

  function stateOf(channel: string): ChannelState {
    let state = states.get(channel);
    if (!state) {
      state = {
        epoch: randomBytes(6).toString('base64url'),
        ring: new HistoryRing<Publication>(0, 0),
        listeners: new Set(),
        lastActive: now(),
        ttl: 0,
      };
      states.set(channel, state);
    }
    return state;
  }

  function prune(channel: string, state: ChannelState): void {
    reportHistory(channel, -state.ring.prune(now()));
  }

  function position(state: ChannelState): StreamPosition {
    return { offset: state.ring.lastOffset, epoch: state.epoch };
  }

  function sweep(): void {
    const t = now();
    for (const [channel, state] of states) {
      prune(channel, state);
      if (state.listeners.size === 0 && t - state.lastActive >= Math.max(idleTimeout, state.ttl)) {
        states.delete(channel);
        reportHistory(channel, -state.ring.length);
      }
    }
  }

  const timer = sweepInterval > 0 ? setInterval(sweep, sweepInterval) : null;
  timer?.unref();

  function assertOpen(): void {
    if (closed) throw new Error('memory broker is closed');
  }

  return {
    get size() {
      return states.size;
    },
    sweep,

    async publish(channel: string, payload: EncodedPayload, history: HistoryOptions): Promise<Publication> {
      assertOpen();
      const state = stateOf(channel);
      reportHistory(channel, state.ring.configure(history.size, history.ttl));
      state.ttl = history.ttl;
      prune(channel, state);
      const publication: Publication = { channel, offset: state.ring.lastOffset + 1, epoch: state.epoch, payload };
      const t = now();
      reportHistory(channel, state.ring.push(publication.offset, t, publication));
      state.lastActive = t;
      // Synchronous delivery, in offset order: a listener sees this publication
      // before any later publish() call on the channel can run.
      for (const listener of state.listeners) {
        try {
          listener(publication);
        } catch {
          // A listener's failure must not stop delivery to the others; the hub does not throw.
        }
      }
      return publication;
    },

    async subscribe(channel: string, listener: PublicationListener): Promise<void> {
      assertOpen();
      stateOf(channel).listeners.add(listener);
    },

    async unsubscribe(channel: string, listener: PublicationListener): Promise<void> {
      const state = states.get(channel);
      if (!state) return;
      state.listeners.delete(listener);
      // Idle time counts from the moment the channel lost its last subscriber.
      if (state.listeners.size === 0) state.lastActive = Math.max(state.lastActive, now());
    },

    async position(channel: string): Promise<StreamPosition> {
      assertOpen();
      return position(stateOf(channel));
    },

    async history(channel: string, since: StreamPosition): Promise<HistoryRead> {
      assertOpen();
      const state = stateOf(channel);
      prune(channel, state);
      const current = position(state);
      if (since.epoch !== state.epoch) return { recovered: false, position: current };
      const publications = state.ring.readAfter(since.offset);
      if (publications === null) return { recovered: false, position: current };
      return { recovered: true, position: current, publications };
    },

    watchHistory(listener) {
      historyWatchers.push(listener);
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      if (timer) clearInterval(timer);
      for (const [channel, state] of states) reportHistory(channel, -state.ring.length);
      states.clear();
    },
  };
}
