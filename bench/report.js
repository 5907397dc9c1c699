#!/usr/bin/env node
// `npm run bench:report`: a fixed matrix (docs/benchmarks.md), bounded to about 10
// minutes on a 2-core machine. Writes bench/results/<date>.json and <date>.md, three
// SVG charts, and the stable copies latest.md / latest.json / <chart>.svg the README embeds.
import { mkdirSync, writeFileSync, copyFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { installSignalHandlers, startWatchdog, killAllNow } from './lib/cleanup.js';
import { runMatrix, stamp, machineInfo } from './lib/matrix.js';
import { barChart } from './lib/svg.js';
import { renderMarkdown } from './lib/markdown.js';
import { pick } from './lib/ratios.js';
import { formatCount } from './lib/progress.js';

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const quick = process.argv.includes('--quick');

export const TARGETS = ['pushgate-node', 'pushgate-node-fallback', 'pushgate-uws', 'ws', 'uws'];
export const ECHO_SIZES = ['32', '1024', '16384'];
const d = quick ? '1' : '6';
const idleConnections = quick ? '300' : '10000';
const connectConnections = quick ? '200' : '2000';
const subscribers = quick ? '100' : '2000';
const publications = quick ? '30' : '300';

/** @type {import('./lib/matrix.js').Case[]} */
const cases = [];
for (const size of ECHO_SIZES) {
  for (const target of TARGETS) {
    cases.push({ group: `echo-${size}`, args: ['echo', '--target', target, '-c', '100', '-p', '10', '-s', size, '-d', d] });
  }
}
for (const via of ['http', 'inproc']) {
  for (const target of TARGETS.filter((t) => t !== 'pushgate-node-fallback')) {
    cases.push({ group: `fanout-${via}`, args: ['fanout', '--target', target, '-c', subscribers, '--via', via, '--publications', publications, '--publish-concurrency', '4', '-s', '64', '-d', '30'] });
  }
}
for (const jwt of [false, true]) {
  for (const target of TARGETS.filter((t) => t !== 'pushgate-node-fallback')) {
    cases.push({ group: jwt ? 'connect-jwt' : 'connect', args: ['connect', '--target', target, '-c', connectConnections, '--concurrency', '100', '-d', '30', ...(jwt ? ['--jwt'] : [])] });
  }
}
for (const target of TARGETS.filter((t) => t !== 'pushgate-node-fallback')) {
  cases.push({ group: 'idle', args: ['idle', '--target', target, '-c', idleConnections, '--concurrency', '200', '--settle', '2', '-d', '60'] });
}

installSignalHandlers();
startWatchdog(quick ? 400 : 1200, 'bench:report');
const startedAt = new Date();
process.stderr.write(`bench:report: ${cases.length} runs${quick ? ' (quick)' : ''}\n`);
const machine = await machineInfo();
const results = await runMatrix(cases, { quiet: !process.stderr.isTTY });
killAllNow();

const name = `${stamp(startedAt)}${quick ? '-quick' : ''}`;
const command = `npm run bench:report${quick ? ' -- --quick' : ''}`;
const report = { kind: 'bench:report', command, startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), machine, results };
mkdirSync(RESULTS, { recursive: true });
writeFileSync(`${RESULTS}${name}.json`, `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(`${RESULTS}${name}.md`, renderMarkdown(report, { targets: TARGETS, echoSizes: ECHO_SIZES, chartPrefix: `${name}-` }));

const present = TARGETS.filter((t) => results.some((r) => r.target === t && !r.unavailable && !r.failed));
const charts = {
  'throughput-by-size': barChart({
    title: 'Echo throughput by message size (100 connections × 10 in flight)',
    yLabel: 'messages / s',
    categories: ECHO_SIZES.map((s) => `${s} B`),
    series: present.map((t) => ({ name: t, values: ECHO_SIZES.map((s) => pick(results, `echo-${s}`, t, (r) => r.messages.perSec)) })),
    format: formatCount,
  }),
  'latency-percentiles': barChart({
    title: 'Echo round-trip latency, 32 B (lower is better)',
    yLabel: 'ms',
    categories: ['p50', 'p90', 'p99', 'p99.9'],
    series: present.map((t) => ({
      name: t,
      values: /** @type {const} */ (['p50', 'p90', 'p99', 'p999']).map((p) => pick(results, 'echo-32', t, (r) => r.latencyMs[p])),
    })),
  }),
  'memory-per-connection': barChart({
    title: `Server RSS growth per idle connection (${idleConnections} connections, lower is better)`,
    yLabel: 'KiB per connection',
    categories: present.filter((t) => pick(results, 'idle', t, (r) => r.memory.rssPerConnection) !== null),
    series: [{ name: 'RSS / connection', values: present.filter((t) => pick(results, 'idle', t, (r) => r.memory.rssPerConnection) !== null).map((t) => (pick(results, 'idle', t, (r) => r.memory.rssPerConnection) ?? 0) / 1024) }],
  }),
};
for (const [chart, svg] of Object.entries(charts)) {
  writeFileSync(`${RESULTS}${name}-${chart}.svg`, svg);
  if (!quick) copyFileSync(`${RESULTS}${name}-${chart}.svg`, `${RESULTS}${chart}.svg`);
}
if (!quick) {
  writeFileSync(`${RESULTS}latest.md`, renderMarkdown(report, { targets: TARGETS, echoSizes: ECHO_SIZES, chartPrefix: '' }));
  copyFileSync(`${RESULTS}${name}.json`, `${RESULTS}latest.json`);
}
process.stdout.write(`written: ${RESULTS}${name}.json, ${name}.md, ${Object.keys(charts).map((c) => `${name}-${c}.svg`).join(', ')}${quick ? '' : ', latest.md, latest.json and the stable chart names'}\n`);
setTimeout(() => process.exit(results.some((r) => r.failed) ? 1 : 0), 100).unref();
