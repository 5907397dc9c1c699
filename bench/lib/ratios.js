// Ratios against the baselines, as printed in tables ("2.13×") and reports.

/**
 * @param {number | null | undefined} value
 * @param {number | null | undefined} baseline
 */
export function ratio(value, baseline) {
  if (value === null || value === undefined || baseline === null || baseline === undefined || baseline === 0) return 'n/a';
  return `${(value / baseline).toFixed(2)}×`;
}

/**
 * The metric of the result of `target` in `group`, or null when it did not run.
 * @param {any[]} results @param {string} group @param {string} target @param {(r: any) => number | null} metric
 */
export function pick(results, group, target, metric) {
  const r = results.find((x) => x.group === group && x.target === target);
  if (!r || r.unavailable || r.failed) return null;
  return metric(r);
}
