#!/usr/bin/env node
// `npm run bench:engine`: the engine benchmark of issues 3 and 6 in one run, side by
// side with the baselines started by the same script:
//   1. echo, 100 connections × 10 in flight, 32 B and 4 KiB binary
//   2. idle RSS per connection at 10,000 connections
//   3. fan-out: one channel, 5,000 subscribers, publications through the HTTP API
// Prints ratios against ws and raw uWS and writes bench/results/engine-<date>.json.
// Bounded to about 5 minutes; `--quick` shrinks everything for a smoke run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { installSignalHandlers, startWatchdog, killAllNow } from './lib/cleanup.js';
import { runMatrix, stamp, machineInfo } from './lib/matrix.js';
import { boxTable } from './lib/table.js';
import { formatCount, formatBytes } from './lib/progress.js';
import { ratio, pick } from './lib/ratios.js';

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const quick = process.argv.includes('--quick');
const ENGINE_TARGETS = ['pushgate-node', 'pushgate-node-fallback', 'pushgate-uws', 'ws', 'uws'];
const MEMORY_TARGETS = ['pushgate-node', 'pushgate-uws', 'ws', 'uws'];
const FANOUT_TARGETS = ['pushgate-node', 'pushgate-uws', 'ws', 'uws'];

const echoSeconds = quick ? '1' : '10';
const idleConnections = quick ? '500' : '10000';
const subscribers = quick ? '200' : '5000';
const publications = quick ? '50' : '200';

/** @type {import('./lib/matrix.js').Case[]} */
const cases = [];
for (const size of ['32', '4096']) {
  for (const target of ENGINE_TARGETS) {
    cases.push({ group: `echo-${size}`, args: ['echo', '--target', target, '-c', '100', '-p', '10', '-s', size, '-d', echoSeconds] });
  }
}
for (const target of MEMORY_TARGETS) {
  cases.push({ group: 'idle', args: ['idle', '--target', target, '-c', idleConnections, '--concurrency', '200', '--settle', '2', '-d', '60'] });
}
for (const target of FANOUT_TARGETS) {
  cases.push({
    group: 'fanout',
    args: ['fanout', '--target', target, '-c', subscribers, '--channels', '1', '--via', 'http', '--publications', publications, '--publish-concurrency', '4', '-s', '64', '-d', '30'],
  });
}

installSignalHandlers();
startWatchdog(quick ? 300 : 900, 'bench:engine');
const startedAt = new Date();
process.stderr.write(`bench:engine: ${cases.length} runs${quick ? ' (quick)' : ''}, one after another\n`);
const machine = await machineInfo();
const results = await runMatrix(cases, { quiet: !process.stderr.isTTY });
killAllNow();

/** Goals from issues 3 and 6: [label, value, goal, comparator]. */
const goals = [];
/** @param {any[]} rows @param {string} group @param {string} target @param {(r: any) => number | null} metric */
const value = (rows, group, target, metric) => pick(rows, group, target, metric);

const lines = [];
lines.push(`bench:engine ${startedAt.toISOString()} on ${machine.cpu} (${machine.cores} cores), node ${machine.node}, load ${machine.loadAverage.join(' ')}`);
for (const size of ['32', '4096']) {
  const group = `echo-${size}`;
  const perSec = (/** @type {any} */ r) => r.messages.perSec;
  const ws = value(results, group, 'ws', perSec);
  const uws = value(results, group, 'uws', perSec);
  const rows = ENGINE_TARGETS.map((target) => {
    const r = results.find((x) => x.group === group && x.target === target);
    if (!r || r.unavailable || r.failed) return [target, r?.unavailable ? 'unavailable' : 'failed', '', '', '', '', ''];
    return [target, formatCount(r.messages.perSec), r.latencyMs.p50, r.latencyMs.p99, ratio(r.messages.perSec, ws), ratio(r.messages.perSec, uws), r.errors.total];
  });
  lines.push(`\nEcho ${size} B binary, 100 connections × 10 in flight, ${echoSeconds}s each`);
  lines.push(boxTable(['target', 'msgs/s', 'p50 ms', 'p99 ms', '× ws', '× uws', 'errors'], rows));
  if (size === '32') {
    goals.push(['node engine (addon) echo 32 B vs ws', ratio(value(results, group, 'pushgate-node', perSec), ws), '≥ 2×']);
    goals.push(['node engine (fallback) echo 32 B vs ws', ratio(value(results, group, 'pushgate-node-fallback', perSec), ws), '≥ 1.3×']);
  }
  goals.push([`uws engine echo ${size} B vs raw uWS`, ratio(value(results, group, 'pushgate-uws', perSec), uws), '≥ 0.9×']);
}
{
  const rss = (/** @type {any} */ r) => r.memory.rssPerConnection;
  const ws = value(results, 'idle', 'ws', rss);
  const uws = value(results, 'idle', 'uws', rss);
  const rows = MEMORY_TARGETS.map((target) => {
    const r = results.find((x) => x.group === 'idle' && x.target === target);
    if (!r || r.unavailable || r.failed) return [target, r?.unavailable ? 'unavailable' : 'failed', '', '', '', ''];
    const m = r.memory;
    return [target, `${r.connections.opened}`, m.rssPerConnection === null ? 'n/a' : formatBytes(m.rssPerConnection), m.heapPerConnection === null ? 'n/a' : formatBytes(m.heapPerConnection), ratio(m.rssPerConnection, ws), ratio(m.rssPerConnection, uws)];
  });
  lines.push(`\nIdle connections: server RSS growth per connection (VmRSS before/after, ${idleConnections} connections)`);
  lines.push(boxTable(['target', 'connections', 'RSS/conn', 'heap/conn', '× ws', '× uws'], rows));
  goals.push(['node engine RSS per idle connection vs ws', ratio(value(results, 'idle', 'pushgate-node', rss), ws), '≤ 0.6×']);
  goals.push(['uws engine RSS per idle connection vs raw uWS', ratio(value(results, 'idle', 'pushgate-uws', rss), uws), '≤ 1.5×']);
}
{
  const perSec = (/** @type {any} */ r) => r.deliveries.perSec;
  const ws = value(results, 'fanout', 'ws', perSec);
  const uws = value(results, 'fanout', 'uws', perSec);
  const rows = FANOUT_TARGETS.map((target) => {
    const r = results.find((x) => x.group === 'fanout' && x.target === target);
    if (!r || r.unavailable || r.failed) return [target, r?.unavailable ? 'unavailable' : 'failed', '', '', '', '', ''];
    return [target, formatCount(r.deliveries.perSec), r.latencyMs.p50, r.latencyMs.p99, r.deliveries.lost, ratio(r.deliveries.perSec, ws), ratio(r.deliveries.perSec, uws)];
  });
  lines.push(`\nFan-out: 1 channel, ${subscribers} subscribers, ${publications} publications through POST /api/publish (4 in flight)`);
  lines.push(boxTable(['target', 'deliveries/s', 'p50 ms', 'p99 ms', 'lost', '× ws', '× uws'], rows));
  goals.push(['uws engine fan-out vs raw uWS publish', ratio(value(results, 'fanout', 'pushgate-uws', perSec), uws), '≥ 0.9×']);
}
lines.push('\nGoals (issues 3 and 6)');
lines.push(boxTable(['measure', 'ratio', 'goal'], goals.map(([label, r, goal]) => [label, r, goal])));
const failures = results.filter((r) => r.failed);
for (const f of failures) lines.push(`FAILED: ${f.scenario} ${f.target}: ${f.error}`);
process.stdout.write(`${lines.join('\n')}\n`);

mkdirSync(RESULTS, { recursive: true });
const file = `${RESULTS}engine-${stamp(startedAt)}${quick ? '-quick' : ''}.json`;
writeFileSync(file, `${JSON.stringify({ kind: 'bench:engine', command: `npm run bench:engine${quick ? ' -- --quick' : ''}`, startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), machine, goals, results }, null, 2)}\n`);
process.stdout.write(`\nwritten: ${file}\n`);
setTimeout(() => process.exit(failures.length > 0 ? 1 : 0), 100).unref();
