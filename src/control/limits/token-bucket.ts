// A token bucket: `burst` tokens at most, refilled continuously at `rate` tokens
// per second. Refill is computed lazily from the clock on each call, so an idle
// bucket costs nothing. The clock is injectable so tests never sleep.

/** Milliseconds from a monotonic source (performance.now by default: wall-clock jumps must not refill buckets). */
export type Clock = () => number;

export const monotonicClock: Clock = () => performance.now();

export interface RateOptions {
  /** Tokens added per second (sustained rate). Must be > 0. */
  rate: number;
  /** Bucket capacity: the largest burst allowed after an idle period. Must be >= 1. */
  burst: number;
}

/** Throws a plain Error naming the bad field (config validation wraps it with the key path). */
export function validateRate(options: RateOptions, name: string): void {
  if (!Number.isFinite(options.rate) || options.rate <= 0) throw new Error(`${name}.rate must be a positive number`);
  if (!Number.isFinite(options.burst) || options.burst < 1) throw new Error(`${name}.burst must be a number >= 1`);
}

/** `tokens` after `elapsedMs` of refill at `options.rate` per second, capped at `options.burst`. */
export function refill(tokens: number, elapsedMs: number, options: RateOptions): number {
  return Math.min(options.burst, tokens + (elapsedMs * options.rate) / 1000);
}

export class TokenBucket {
  readonly rate: number;
  readonly burst: number;
  private tokens: number;
  private updatedAt: number;

  constructor(options: RateOptions, private readonly clock: Clock = monotonicClock) {
    validateRate(options, 'bucket');
    this.rate = options.rate;
    this.burst = options.burst;
    this.tokens = options.burst;
    this.updatedAt = clock();
  }

  /** Tokens available now (may be negative after takeWithDebt). */
  available(): number {
    this.refill();
    return this.tokens;
  }

  /** Takes `n` tokens if that many are available; otherwise takes nothing. */
  tryTake(n = 1): boolean {
    this.refill();
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }

  /**
   * Takes `n` tokens when the bucket is not in debt, even if fewer than `n` are
   * left (the balance goes negative and must refill before the next take). Byte
   * budgets use this so one message larger than `burst` can still pass once,
   * and the sender then waits for the whole of it to be paid back.
   */
  takeWithDebt(n: number): boolean {
    this.refill();
    if (this.tokens < 0 || (this.tokens === 0 && n > 0)) return false;
    this.tokens -= n;
    return true;
  }

  /** Milliseconds until `n` tokens will be available (0 when they already are). */
  msUntil(n = 1): number {
    this.refill();
    const missing = Math.min(n, this.burst) - this.tokens;
    return missing <= 0 ? 0 : Math.ceil((missing / this.rate) * 1000);
  }

  /** True when the bucket has refilled to capacity: it is then indistinguishable from a new one. */
  isFull(): boolean {
    this.refill();
    return this.tokens >= this.burst;
  }

  private refill(): void {
    const now = this.clock();
    const elapsed = now - this.updatedAt;
    // A clock that steps backwards (only possible with an injected one) must not drain tokens.
    if (elapsed <= 0) return;
    this.updatedAt = now;
    this.tokens = refill(this.tokens, elapsed, this);
  }
}
