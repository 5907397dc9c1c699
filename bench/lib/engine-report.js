// The text report of `bench:engine` over rounds: per target the median of its runs
// (min–max), per ratio the median of the per-round ratios (paired.js), and the goals of
// issues 3 and 6. Also returns the same numbers as data for the JSON file.
import { boxTable } from './table.js';
import { formatCount, formatBytes } from './progress.js';
import { targetSummary, pairedRatio, statusOf, formatRatio, formatSummary, runValue, median } from './paired.js';

/** Metrics by name, so the JSON can say which one a goal used. */
export const METRICS = {
  'msgs/s': (/** @type {any} */ r) => r.messages.perSec,
  'deliveries/s': (/** @type {any} */ r) => r.deliveries.perSec,
  'RSS/conn': (/** @type {any} */ r) => r.memory.rssPerConnection,
  'RSS/conn excl. V8 young gen': (/** @type {any} */ r) => r.memory.rssExclYoungGenPerConnection,
  'heap/conn': (/** @type {any} */ r) => r.memory.heapPerConnection,
};

/**
 * @typedef {{ measure: string, group: string, target: string, baseline: string, metric: keyof typeof METRICS, goal: string }} GoalSpec
 */

/** @type {GoalSpec[]} */
export const GOALS = [
  { measure: 'node engine (addon) echo 32 B vs ws', group: 'echo-32', target: 'pushgate-node', baseline: 'ws', metric: 'msgs/s', goal: '≥ 2×' },
  { measure: 'node engine (fallback) echo 32 B vs ws', group: 'echo-32', target: 'pushgate-node-fallback', baseline: 'ws', metric: 'msgs/s', goal: '≥ 1.3×' },
  { measure: 'uws engine echo 32 B vs raw uWS', group: 'echo-32', target: 'pushgate-uws', baseline: 'uws', metric: 'msgs/s', goal: '≥ 0.9×' },
  { measure: 'uws engine echo 4096 B vs raw uWS', group: 'echo-4096', target: 'pushgate-uws', baseline: 'uws', metric: 'msgs/s', goal: '≥ 0.9×' },
  { measure: 'node engine RSS per idle connection vs ws (plain RSS)', group: 'idle', target: 'pushgate-node', baseline: 'ws', metric: 'RSS/conn', goal: '≤ 0.6×' },
  { measure: 'node engine RSS per idle connection vs ws (excl. V8 young gen)', group: 'idle', target: 'pushgate-node', baseline: 'ws', metric: 'RSS/conn excl. V8 young gen', goal: '≤ 0.6×' },
  { measure: 'uws engine RSS per idle connection vs raw uWS (plain RSS)', group: 'idle', target: 'pushgate-uws', baseline: 'uws', metric: 'RSS/conn', goal: '≤ 1.5×' },
  { measure: 'uws engine RSS per idle connection vs raw uWS (excl. V8 young gen)', group: 'idle', target: 'pushgate-uws', baseline: 'uws', metric: 'RSS/conn excl. V8 young gen', goal: '≤ 1.5×' },
  { measure: 'uws engine fan-out vs raw uWS publish', group: 'fanout', target: 'pushgate-uws', baseline: 'uws', metric: 'deliveries/s', goal: '≥ 0.9×' },
];

/**
 * @typedef {{
 *   rounds: number, echoSizes: string[], echoTargets: string[], memoryTargets: string[], fanoutTargets: string[],
 *   echoSeconds: string, idleConnections: string, subscribers: string, publications: string,
 * }} EngineLayout
 */

/** @param {any[]} results @param {string} group @param {string} target @param {(r: any) => number} metric */
const sum = (results, group, target, metric) =>
  results.filter((r) => r.group === group && r.target === target && !r.unavailable && !r.failed).reduce((a, r) => a + metric(r), 0);

/** Median of a metric over the usable runs, or null. @param {any[]} results @param {string} group @param {string} target @param {(r: any) => number | null} metric */
const medianOf = (results, group, target, metric) =>
  median(/** @type {number[]} */ (results.filter((r) => r.group === group && r.target === target).map((r) => runValue(r, metric)).filter((v) => v !== null)));

/** @param {number | null} v */
const ms = (v) => (v === null ? 'n/a' : String(Math.round(v * 100) / 100));
/** @param {number | null} v */
const bytes = (v) => (v === null ? 'n/a' : formatBytes(v));

/**
 * @param {any[]} results every run, with group and round
 * @param {EngineLayout} layout
 */
export function engineReport(results, layout) {
  const lines = [];
  /** @type {Record<string, Record<string, any>>} */
  const summary = {};
  const R = layout.rounds;
  lines.push(R > 1
    ? `Each group ran in ${R} rounds (every target once per round, order rotated). Values: median of the rounds (min–max); ratios: median of the per-round ratios against the baseline run in the same round (min–max); [k/${R}]: only k rounds counted.`
    : 'One round: every number is a single run (use the default 3 rounds, or more, for numbers to quote).');
  /** @param {string} group @param {string} target @param {(r: any) => number | null} metric */
  const ratios = (group, target, metric) => ({ ws: pairedRatio(results, group, target, 'ws', metric), uws: pairedRatio(results, group, target, 'uws', metric) });
  /** A baseline against itself is 1.00× by definition: say so instead. @param {string} target @param {string} baseline @param {import('./paired.js').RoundSummary} s */
  const cell = (target, baseline, s) => (target === baseline ? 'baseline' : formatRatio(s));
  /** @param {string} group @param {string} target */
  const status = (group, target) => statusOf(results, group, target).split(':')[0];

  /**
   * One target of a throughput group (echo, fan-out): records its summary and
   * returns the cells both tables share, or null when no round counted.
   * @param {string} group @param {string} target @param {'msgs/s' | 'deliveries/s'} metric
   */
  const throughput = (group, target, metric) => {
    const value = targetSummary(results, group, target, METRICS[metric]);
    const vs = ratios(group, target, METRICS[metric]);
    summary[group][target] = { [metric]: value, ratioVsWs: vs.ws, ratioVsUws: vs.uws };
    if (value.counted === 0) return null;
    return {
      value: formatSummary(value, formatCount),
      p50: ms(medianOf(results, group, target, (r) => r.latencyMs.p50)),
      p99: ms(medianOf(results, group, target, (r) => r.latencyMs.p99)),
      ws: cell(target, 'ws', vs.ws),
      uws: cell(target, 'uws', vs.uws),
    };
  };

  for (const size of layout.echoSizes) {
    const group = `echo-${size}`;
    summary[group] = {};
    const rows = layout.echoTargets.map((target) => {
      const t = throughput(group, target, 'msgs/s');
      if (t === null) return [target, status(group, target), '', '', '', '', ''];
      return [target, t.value, t.p50, t.p99, t.ws, t.uws, sum(results, group, target, (r) => r.errors.total)];
    });
    lines.push(`\nEcho ${size} B binary, 100 connections × 10 in flight, ${layout.echoSeconds}s per run`);
    lines.push(boxTable(['target', 'msgs/s', 'p50 ms', 'p99 ms', '× ws', '× uWS', 'errors (all rounds)'], rows));
  }

  {
    const group = 'idle';
    summary[group] = {};
    const memoryRows = [];
    const ratioRows = [];
    for (const target of layout.memoryTargets) {
      const rss = targetSummary(results, group, target, METRICS['RSS/conn']);
      const rssExcl = targetSummary(results, group, target, METRICS['RSS/conn excl. V8 young gen']);
      const heap = targetSummary(results, group, target, METRICS['heap/conn']);
      const plain = ratios(group, target, METRICS['RSS/conn']);
      const excl = ratios(group, target, METRICS['RSS/conn excl. V8 young gen']);
      summary[group][target] = {
        'RSS/conn': rss, 'RSS/conn excl. V8 young gen': rssExcl, 'heap/conn': heap,
        rssRatioVsWs: plain.ws, rssRatioVsUws: plain.uws, rssExclYoungGenRatioVsWs: excl.ws, rssExclYoungGenRatioVsUws: excl.uws,
      };
      if (rss.counted === 0) {
        memoryRows.push([target, status(group, target), '', '', '', '']);
        ratioRows.push([target, status(group, target), '', '', '']);
        continue;
      }
      const youngBefore = medianOf(results, group, target, (r) => r.memory.youngGenerationBefore);
      const youngAfter = medianOf(results, group, target, (r) => r.memory.youngGenerationAfter);
      memoryRows.push([
        target, String(medianOf(results, group, target, (r) => r.connections.opened) ?? 'n/a'),
        formatSummary(rss, formatBytes), formatSummary(rssExcl, formatBytes),
        `${bytes(youngBefore)} → ${bytes(youngAfter)}`, formatSummary(heap, formatBytes),
      ]);
      ratioRows.push([target, cell(target, 'ws', plain.ws), cell(target, 'uws', plain.uws), cell(target, 'ws', excl.ws), cell(target, 'uws', excl.uws)]);
    }
    lines.push(`\nIdle connections: server memory growth per connection (${layout.idleConnections} connections, sampled before and after, after gc())`);
    lines.push(boxTable(['target', 'connections', 'RSS/conn', 'RSS/conn excl. V8 young gen', 'V8 young gen before → after', 'heap/conn'], memoryRows));
    lines.push('RSS/conn is the plain VmRSS growth. "excl. V8 young gen" subtracts the V8 nursery (new_space), which grows during the handshake storm, is not shrunk by gc() and does not scale with connections (docs/benchmarks.md).');
    lines.push(boxTable(['target', 'plain RSS × ws', 'plain RSS × uWS', 'RSS excl. young gen × ws', 'RSS excl. young gen × uWS'], ratioRows));
  }

  {
    const group = 'fanout';
    summary[group] = {};
    const rows = layout.fanoutTargets.map((target) => {
      const t = throughput(group, target, 'deliveries/s');
      if (t === null) return [target, status(group, target), '', '', '', '', ''];
      return [target, t.value, t.p50, t.p99, sum(results, group, target, (r) => r.deliveries.lost), t.ws, t.uws];
    });
    lines.push(`\nFan-out: 1 channel, ${layout.subscribers} subscribers, ${layout.publications} publications through POST /api/publish (4 in flight)`);
    lines.push(boxTable(['target', 'deliveries/s', 'p50 ms', 'p99 ms', 'lost (all rounds)', '× ws', '× uWS'], rows));
  }

  const goals = GOALS.map((g) => ({ ...g, ...pairedRatio(results, g.group, g.target, g.baseline, METRICS[g.metric]) }));
  lines.push(`\nGoals (issues 3 and 6): median over rounds of the per-round ratio`);
  lines.push(boxTable(['measure', 'ratio (median)', 'per-round min–max', 'rounds counted', 'goal'], goals.map((g) => [
    g.measure,
    g.median === null ? 'n/a' : `${g.median.toFixed(2)}×`,
    g.min === null || g.max === null ? 'n/a' : `${g.min.toFixed(2)}–${g.max.toFixed(2)}×`,
    `${g.counted}/${g.rounds}`,
    g.goal,
  ])));
  return { lines, goals, summary };
}
