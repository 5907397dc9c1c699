/** A clock the test moves by hand: no sleeps, no wall-clock dependence. */
export function manualClock(start = 0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}
