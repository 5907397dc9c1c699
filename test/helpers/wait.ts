/** Polls `condition` until it holds; throws after `timeoutMs` (a bound on the test, not a speed assertion). */
export async function waitFor(condition: () => boolean, timeoutMs = 5000, everyMs = 5): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
