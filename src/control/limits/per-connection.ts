// How fast one open connection may send messages and bytes: over either rate the
// gateway closes it with PG_ERR_MESSAGE_RATE (4002). The rates are compiled once
// per route (ConnectionRates); a connection keeps only its two balances and one
// timestamp (RateState), and only on a route that sets a rate, so an unlimited
// route costs nothing per connection.
import { monotonicClock, refill, validateRate, type Clock, type RateOptions } from './token-bucket.js';

export interface ConnectionRateOptions {
  /** Messages per second a client may send, with a burst (undefined: unlimited). */
  messageRate?: RateOptions;
  /** Payload bytes per second a client may send, with a burst (undefined: unlimited). */
  byteRate?: RateOptions;
}

/** Which rate a connection went over (the `limit` label of pushgate_limit_hits_total). */
export type RateLimitName = 'message_rate' | 'byte_rate';

/** One connection's token balances. Both buckets refill from the same instant, so one timestamp serves both. */
export class RateState {
  constructor(
    public messages: number,
    public bytes: number,
    public at: number,
  ) {}
}

export class ConnectionRates {
  /** Validates the options; null when the route sets neither rate (nothing to track per connection). */
  static compile(options: ConnectionRateOptions, clock: Clock = monotonicClock): ConnectionRates | null {
    if (options.messageRate) validateRate(options.messageRate, 'messageRate');
    if (options.byteRate) validateRate(options.byteRate, 'byteRate');
    if (!options.messageRate && !options.byteRate) return null;
    return new ConnectionRates(options.messageRate ?? null, options.byteRate ?? null, clock);
  }

  private constructor(
    private readonly messages: RateOptions | null,
    private readonly bytes: RateOptions | null,
    private readonly clock: Clock,
  ) {}

  /** A new connection's balances: both buckets full. */
  start(): RateState {
    return new RateState(this.messages?.burst ?? 0, this.bytes?.burst ?? 0, this.clock());
  }

  /** Counts one received message of `size` payload bytes: the rate it went over, or null (within both). */
  exceeded(state: RateState, size: number): RateLimitName | null {
    const now = this.clock();
    const elapsed = now - state.at;
    // A clock that steps backwards (only an injected one can) must not drain tokens.
    if (elapsed > 0) {
      state.at = now;
      if (this.messages) state.messages = refill(state.messages, elapsed, this.messages);
      if (this.bytes) state.bytes = refill(state.bytes, elapsed, this.bytes);
    }
    if (this.messages) {
      if (state.messages < 1) return 'message_rate';
      state.messages -= 1;
    }
    if (this.bytes) {
      // A message larger than the byte burst still passes once when the budget is
      // not in debt; the sender then waits until the debt is paid back
      // (maxMessageSize bounds a single message).
      if (state.bytes < 0 || (state.bytes === 0 && size > 0)) return 'byte_rate';
      state.bytes -= size;
    }
    return null;
  }
}
