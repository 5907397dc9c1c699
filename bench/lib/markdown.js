// The Markdown report of bench:report: one table per scenario with ratios against
// ws and raw uWS, the machine and the exact command, and the charts.
import { ratio, pick } from './ratios.js';
import { formatCount, formatBytes } from './progress.js';

/** @param {string[]} header @param {(string | number)[][]} rows */
export function mdTable(header, rows) {
  const cell = (/** @type {string | number} */ c) => String(c).replace(/\|/g, '\\|');
  return [`| ${header.map(cell).join(' | ')} |`, `|${header.map(() => ' --- ').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

/** @param {any} r */
const status = (r) => (!r ? 'not run' : r.unavailable ? `unavailable: ${r.reason}` : r.failed ? `failed: ${r.error}` : null);

/**
 * @param {any} report
 * @param {{ targets: string[], echoSizes: string[], chartPrefix: string }} layout
 */
export function renderMarkdown(report, layout) {
  const { results, machine } = report;
  const find = (/** @type {string} */ group, /** @type {string} */ target) => results.find((/** @type {any} */ r) => r.group === group && r.target === target);
  const out = [];
  out.push(`# pushgate benchmark report`);
  out.push('');
  out.push(`Command: \`${report.command}\` — started ${report.startedAt}, finished ${report.finishedAt}.`);
  out.push(`Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.platform}, Node ${machine.node}; load average at start ${machine.loadAverage.join(' / ')}.`);
  out.push('Every target ran in the same run, one after another, on loopback; ratios are against the `ws` and raw uWebSockets.js baselines of that run. See docs/benchmarks.md for what each number means.');
  out.push('');
  for (const size of layout.echoSizes) {
    const group = `echo-${size}`;
    const perSec = (/** @type {any} */ r) => r.messages.perSec;
    const ws = pick(results, group, 'ws', perSec);
    const uws = pick(results, group, 'uws', perSec);
    out.push(`## Echo, ${size} B binary, 100 connections × 10 in flight`);
    out.push('');
    out.push(mdTable(['target', 'msgs/s', 'p50 ms', 'p99 ms', 'p99.9 ms', '× ws', '× uWS', 'errors', 'server CPU %', 'generator CPU %'], layout.targets.map((t) => {
      const r = find(group, t);
      const s = status(r);
      if (s) return [t, s, '', '', '', '', '', '', '', ''];
      return [t, formatCount(r.messages.perSec), r.latencyMs.p50, r.latencyMs.p99, r.latencyMs.p999, ratio(r.messages.perSec, ws), ratio(r.messages.perSec, uws), r.errors.total, r.server?.cpuPercent ?? 'n/a', r.generator.cpuPercent];
    })));
    out.push('');
  }
  for (const via of ['http', 'inproc']) {
    const group = `fanout-${via}`;
    const perSec = (/** @type {any} */ r) => r.deliveries.perSec;
    const ws = pick(results, group, 'ws', perSec);
    const uws = pick(results, group, 'uws', perSec);
    const sample = results.find((/** @type {any} */ r) => r.group === group && r.options);
    out.push(`## Fan-out via ${via === 'http' ? 'the HTTP API' : 'in-process publish'}${sample ? `, ${sample.options.subscribers} subscribers, 1 channel, ${sample.options.publications} publications` : ''}`);
    out.push('');
    out.push(mdTable(['target', 'deliveries/s', 'p50 ms', 'p99 ms', 'lost', '× ws', '× uWS', 'errors'], layout.targets.filter((t) => t !== 'pushgate-node-fallback').map((t) => {
      const r = find(group, t);
      const s = status(r);
      if (s) return [t, s, '', '', '', '', '', ''];
      return [t, formatCount(r.deliveries.perSec), r.latencyMs.p50, r.latencyMs.p99, r.deliveries.lost, ratio(r.deliveries.perSec, ws), ratio(r.deliveries.perSec, uws), r.errors.total];
    })));
    out.push('');
  }
  for (const group of ['connect', 'connect-jwt']) {
    const perSec = (/** @type {any} */ r) => r.handshakesPerSec;
    const ws = pick(results, group, 'ws', perSec);
    const uws = pick(results, group, 'uws', perSec);
    out.push(`## Connection storm${group === 'connect-jwt' ? ' with JWT auth (HS256 token in the query)' : ''}`);
    out.push('');
    out.push(mdTable(['target', 'handshakes/s', 'p50 ms', 'p99 ms', '× ws', '× uWS', 'failed'], layout.targets.filter((t) => t !== 'pushgate-node-fallback').map((t) => {
      const r = find(group, t);
      const s = status(r);
      if (s) return [t, s, '', '', '', '', ''];
      return [t, formatCount(r.handshakesPerSec), r.latencyMs.p50, r.latencyMs.p99, ratio(r.handshakesPerSec, ws), ratio(r.handshakesPerSec, uws), r.connections.failed];
    })));
    out.push('');
  }
  {
    const rss = (/** @type {any} */ r) => r.memory.rssPerConnection;
    const ws = pick(results, 'idle', 'ws', rss);
    const uws = pick(results, 'idle', 'uws', rss);
    out.push('## Idle connections: server memory per connection');
    out.push('');
    const show = (/** @type {number | null | undefined} */ v) => (v === null || v === undefined ? 'n/a' : formatBytes(v));
    out.push(mdTable(['target', 'connections', 'RSS / conn', 'RSS excl. V8 young gen / conn', 'heap / conn', 'RSS × ws', 'RSS × uWS'], layout.targets.filter((t) => t !== 'pushgate-node-fallback').map((t) => {
      const r = find('idle', t);
      const s = status(r);
      if (s) return [t, s, '', '', '', '', ''];
      const m = r.memory;
      return [t, r.connections.opened, show(m.rssPerConnection), show(m.rssExclYoungGenPerConnection), show(m.heapPerConnection), ratio(m.rssPerConnection, ws), ratio(m.rssPerConnection, uws)];
    })));
    out.push('');
    out.push('One run per target (bench:report does not repeat runs; `npm run bench:engine` does, in rounds). "excl. V8 young gen" subtracts the growth of V8\'s nursery, which does not scale with connections (docs/benchmarks.md).');
    out.push('');
  }
  out.push('## Charts');
  out.push('');
  for (const [file, alt] of [['throughput-by-size', 'Echo throughput by message size'], ['latency-percentiles', 'Echo latency percentiles'], ['memory-per-connection', 'Memory per idle connection']]) {
    out.push(`![${alt}](${layout.chartPrefix}${file}.svg)`);
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
