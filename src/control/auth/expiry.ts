// Closes a connection when its token expires (PG_ERR_TOKEN_EXPIRED, close 4001),
// so a client learns to refresh its token and reconnect instead of holding a
// socket its credentials no longer cover.

export interface ExpiryTimers {
  /** Current time, ms since the epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemTimers: ExpiryTimers = {
  now: Date.now,
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    // A pending expiry must not keep the process alive during shutdown.
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** setTimeout fires at once for delays above 2^31-1 ms (~24.8 days), so longer waits are chained. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * Calls `onExpire` once when `expiresAt` (ms since the epoch; null: never) has
 * passed; at once (synchronously) when it already has. Returns a cancel function
 * for the connection's close handler; cancelling twice is harmless.
 */
export function scheduleTokenExpiry(expiresAt: number | null, onExpire: () => void, timers: ExpiryTimers = systemTimers): () => void {
  if (expiresAt === null) return () => {};
  let handle: unknown = null;
  let cancelled = false;
  const arm = () => {
    if (cancelled) return;
    const delay = expiresAt - timers.now();
    if (delay <= 0) {
      cancelled = true;
      onExpire();
      return;
    }
    handle = timers.setTimeout(arm, Math.min(delay, MAX_TIMER_DELAY_MS));
  };
  arm();
  return () => {
    cancelled = true;
    if (handle !== null) timers.clearTimeout(handle);
    handle = null;
  };
}
