// Limits that live with one open connection: how fast it may send messages and
// bytes, and how many channels it may subscribe to. Over the rate limit the
// gateway closes the connection with PG_ERR_MESSAGE_RATE (4002); over the
// subscription limit a subscribe gets a `too_many_subscriptions` error reply.
import { TokenBucket, monotonicClock, validateRate, type Clock, type RateOptions } from './token-bucket.js';

export interface ConnectionRateOptions {
  /** Messages per second a client may send, with a burst (undefined: unlimited). */
  messageRate?: RateOptions;
  /** Payload bytes per second a client may send, with a burst (undefined: unlimited). */
  byteRate?: RateOptions;
}

/** Which rate a connection went over (the `limit` label of pushgate_limit_hits_total). */
export type RateLimitName = 'message_rate' | 'byte_rate';

export interface MessageRateLimiter {
  /** Counts one received message of `bytes` payload bytes; false means the connection is over its rate. */
  allow(bytes: number): boolean;
  /** Like allow(), but names the rate that was exceeded (null: within both). */
  exceeded(bytes: number): RateLimitName | null;
}

const UNLIMITED: MessageRateLimiter = { allow: () => true, exceeded: () => null };

/** One per connection. Returns a shared no-op limiter when no rate is configured. */
export function createMessageRateLimiter(options: ConnectionRateOptions, clock: Clock = monotonicClock): MessageRateLimiter {
  if (options.messageRate) validateRate(options.messageRate, 'messageRate');
  if (options.byteRate) validateRate(options.byteRate, 'byteRate');
  const messages = options.messageRate ? new TokenBucket(options.messageRate, clock) : null;
  const bytes = options.byteRate ? new TokenBucket(options.byteRate, clock) : null;
  if (!messages && !bytes) return UNLIMITED;
  const exceeded = (size: number): RateLimitName | null => {
    if (messages && !messages.tryTake(1)) return 'message_rate';
    // A message larger than the byte burst still passes once when the budget
    // is not in debt (see takeWithDebt); maxMessageSize bounds a single message.
    if (bytes && !bytes.takeWithDebt(size)) return 'byte_rate';
    return null;
  };
  return { exceeded, allow: (size) => exceeded(size) === null };
}

/** Counts one connection's subscriptions against its limit (0: unlimited). */
export class SubscriptionBudget {
  private used = 0;

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 0) throw new Error('maxSubscriptions must be an integer >= 0');
  }

  /** Reserves one subscription; false when the connection already holds `max`. */
  tryAdd(): boolean {
    if (this.max > 0 && this.used >= this.max) return false;
    this.used++;
    return true;
  }

  /** Returns one subscription (never below zero, so a double unsubscribe cannot free extra room). */
  remove(): void {
    if (this.used > 0) this.used--;
  }

  get count(): number {
    return this.used;
  }
}
