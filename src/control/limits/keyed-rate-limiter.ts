// One token bucket per key (client address), with bounded memory. A bucket that
// has refilled to capacity is equivalent to no bucket, so idle buckets are
// dropped; a hard cap on the number of keys bounds memory even under a flood of
// distinct addresses (the least recently used key is dropped first, which can
// only make the limiter more lenient for that key, never stricter).
import { TokenBucket, monotonicClock, validateRate, type Clock, type RateOptions } from './token-bucket.js';

export interface KeyedRateLimiterOptions extends RateOptions {
  /** Most keys tracked at once (default 100 000). */
  maxKeys?: number;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterMs: number };

const DEFAULT_MAX_KEYS = 100_000;
/** Idle keys are swept at most this many per call so one request never pays for a long sweep. */
const SWEEP_PER_CALL = 8;

export class KeyedRateLimiter {
  /** Insertion order is recency order: a key is re-inserted on every use. */
  private readonly buckets = new Map<string, { bucket: TokenBucket; lastUsed: number }>();
  private readonly maxKeys: number;
  /** A bucket idle this long has refilled completely. */
  private readonly idleMs: number;

  constructor(private readonly options: KeyedRateLimiterOptions, private readonly clock: Clock = monotonicClock) {
    validateRate(options, 'rate limit');
    this.maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
    if (!Number.isInteger(this.maxKeys) || this.maxKeys < 1) throw new Error('rate limit maxKeys must be a positive integer');
    this.idleMs = (options.burst / options.rate) * 1000;
  }

  /** Takes one token for `key`. */
  take(key: string): RateDecision {
    const now = this.clock();
    this.sweep(now);
    let entry = this.buckets.get(key);
    if (entry) {
      this.buckets.delete(key);
    } else {
      entry = { bucket: new TokenBucket(this.options, this.clock), lastUsed: now };
      if (this.buckets.size >= this.maxKeys) this.evictOldest();
    }
    entry.lastUsed = now;
    this.buckets.set(key, entry);
    if (entry.bucket.tryTake(1)) return { ok: true };
    return { ok: false, retryAfterMs: entry.bucket.msUntil(1) };
  }

  /** Keys currently tracked (for tests and a memory gauge). */
  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    let budget = SWEEP_PER_CALL;
    for (const [key, entry] of this.buckets) {
      if (budget-- === 0 || now - entry.lastUsed < this.idleMs) return;
      this.buckets.delete(key);
    }
  }

  private evictOldest(): void {
    const oldest = this.buckets.keys().next();
    if (!oldest.done) this.buckets.delete(oldest.value);
  }
}
