// Statistics over rounds (see rounds.js). A target's number is the median of its runs;
// a ratio is the median over rounds of the PER-ROUND ratio, target ÷ baseline measured
// in the same round. Slow drifts of the machine (another job starting, thermal limits)
// move both sides of a round together and cancel in its ratio; a ratio of two medians
// taken from different rounds would not cancel them.

/**
 * Median of finite numbers (mean of the two middle ones for an even count), null for none.
 * @param {number[]} values
 */
export function median(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The metric of one run, or null when the run is unusable (unavailable, failed, or the
 * metric itself is missing).
 * @param {any} result @param {(r: any) => number | null | undefined} metric
 */
export function runValue(result, metric) {
  if (!result || result.unavailable || result.failed) return null;
  let v;
  try {
    v = metric(result);
  } catch {
    return null;
  }
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * The round numbers a group ran, ascending.
 * @param {any[]} results @param {string} group
 */
export function roundsOf(results, group) {
  return [...new Set(results.filter((r) => r.group === group).map((r) => r.round ?? 1))].sort((a, b) => a - b);
}

/**
 * @param {any[]} results @param {string} group @param {string} target @param {number} round
 */
function runOf(results, group, target, round) {
  return results.find((r) => r.group === group && r.target === target && (r.round ?? 1) === round);
}

/**
 * @typedef {{ median: number | null, min: number | null, max: number | null, counted: number, rounds: number, perRound: Array<number | null> }} RoundSummary
 */

/**
 * @param {Array<number | null>} perRound
 * @returns {RoundSummary}
 */
function summarize(perRound) {
  const values = /** @type {number[]} */ (perRound.filter((v) => v !== null));
  return {
    median: median(values),
    min: values.length ? Math.min(...values) : null,
    max: values.length ? Math.max(...values) : null,
    counted: values.length,
    rounds: perRound.length,
    perRound,
  };
}

/**
 * A target's metric over the rounds of a group: median, min–max, how many runs counted.
 * @param {any[]} results @param {string} group @param {string} target @param {(r: any) => number | null | undefined} metric
 * @returns {RoundSummary}
 */
export function targetSummary(results, group, target, metric) {
  return summarize(roundsOf(results, group).map((round) => runValue(runOf(results, group, target, round), metric)));
}

/**
 * target ÷ baseline per round, then the median over the rounds where both sides ran
 * (a round where either side was unavailable, failed, or has no value — or the baseline
 * is 0 — is skipped and not counted).
 * @param {any[]} results @param {string} group @param {string} target @param {string} baseline
 * @param {(r: any) => number | null | undefined} metric
 * @returns {RoundSummary}
 */
export function pairedRatio(results, group, target, baseline, metric) {
  return summarize(roundsOf(results, group).map((round) => {
    const v = runValue(runOf(results, group, target, round), metric);
    const b = runValue(runOf(results, group, baseline, round), metric);
    return v === null || b === null || b === 0 ? null : v / b;
  }));
}

/**
 * What a target's row says when none of its runs counted.
 * @param {any[]} results @param {string} group @param {string} target
 */
export function statusOf(results, group, target) {
  const runs = results.filter((r) => r.group === group && r.target === target);
  if (runs.length === 0) return 'not run';
  if (runs.every((r) => r.unavailable)) return `unavailable: ${runs[0].reason}`;
  const failed = runs.find((r) => r.failed);
  return failed ? `failed: ${failed.error}` : 'no value';
}

/**
 * "1.02×", or with several rounds "1.02× (0.95–1.10)", plus "[2/3]" when rounds were skipped.
 * @param {RoundSummary} s
 */
export function formatRatio(s) {
  if (s.median === null || s.min === null || s.max === null) return 'n/a';
  const x = (/** @type {number} */ v) => `${v.toFixed(2)}×`;
  const spread = s.counted > 1 ? ` (${s.min.toFixed(2)}–${x(s.max)})` : '';
  const partial = s.counted < s.rounds ? ` [${s.counted}/${s.rounds}]` : '';
  return `${x(s.median)}${spread}${partial}`;
}

/**
 * "612k", or with several runs "612k (546k–687k)", plus "[2/3]" when runs did not count.
 * @param {RoundSummary} s @param {(v: number) => string} format
 */
export function formatSummary(s, format) {
  if (s.median === null || s.min === null || s.max === null) return 'n/a';
  const spread = s.counted > 1 ? ` (${format(s.min)}–${format(s.max)})` : '';
  const partial = s.counted < s.rounds ? ` [${s.counted}/${s.rounds}]` : '';
  return `${format(s.median)}${spread}${partial}`;
}
