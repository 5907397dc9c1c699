#!/usr/bin/env node
// `npm run bench:engine`: the engine benchmark of issues 3 and 6, side by side with the
// baselines started by the same script:
//   1. echo, 100 connections × 10 in flight, 32 B and 4 KiB binary
//   2. idle RSS per connection at 10,000 connections
//   3. fan-out: one channel, 5,000 subscribers, publications through the HTTP API
// Each comparison group runs in rounds (lib/rounds.js, default 3); ratios are medians
// of per-round ratios (lib/paired.js). Prints tables and the goals, and writes every run
// to bench/results/engine-<date>.json. About 17 minutes with 3 rounds (docs/benchmarks.md);
// `--quick` shrinks everything to one tiny round for a smoke run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { installSignalHandlers, startWatchdog, killAllNow } from './lib/cleanup.js';
import { runMatrix, stamp, machineInfo } from './lib/matrix.js';
import { parseEngineArgs, scheduleRounds, EngineArgError, ENGINE_USAGE } from './lib/rounds.js';
import { engineReport } from './lib/engine-report.js';

let args;
try {
  args = parseEngineArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof EngineArgError)) throw error;
  process.stderr.write(`bench:engine: ${error.message}\n\n${ENGINE_USAGE}`);
  process.exit(2);
}
if (args.help) {
  process.stdout.write(ENGINE_USAGE);
  process.exit(0);
}
const { quick, rounds } = args;

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const ECHO_SIZES = ['32', '4096'];
const ENGINE_TARGETS = ['pushgate-node', 'pushgate-node-fallback', 'pushgate-uws', 'ws', 'uws'];
const MEMORY_TARGETS = ['pushgate-node', 'pushgate-uws', 'ws', 'uws'];
const FANOUT_TARGETS = ['pushgate-node', 'pushgate-uws', 'ws', 'uws'];

// 5 s echo runs (10 s before rounds existed): three short paired runs say more than
// one long unpaired one on a machine whose speed drifts by ±30 %.
const echoSeconds = quick ? '1' : '5';
const idleConnections = quick ? '500' : '10000';
const subscribers = quick ? '200' : '5000';
const publications = quick ? '50' : '200';

/** @type {import('./lib/rounds.js').GroupSpec[]} */
const groups = [
  ...ECHO_SIZES.map((size) => ({
    group: `echo-${size}`,
    targets: ENGINE_TARGETS,
    args: (/** @type {string} */ target) => ['echo', '--target', target, '-c', '100', '-p', '10', '-s', size, '-d', echoSeconds],
  })),
  {
    group: 'idle',
    targets: MEMORY_TARGETS,
    args: (target) => ['idle', '--target', target, '-c', idleConnections, '--concurrency', '200', '--settle', quick ? '2' : '20', '-d', '60'],
  },
  {
    group: 'fanout',
    targets: FANOUT_TARGETS,
    args: (target) => ['fanout', '--target', target, '-c', subscribers, '--channels', '1', '--via', 'http', '--publications', publications, '--publish-concurrency', '4', '-s', '64', '-d', '30'],
  },
];
const cases = scheduleRounds(groups, rounds);

installSignalHandlers();
// A bound, not an estimate: one default round takes about 3 minutes (docs/benchmarks.md).
startWatchdog(60 + rounds * (quick ? 300 : 480), 'bench:engine');
const startedAt = new Date();
process.stderr.write(`bench:engine: ${cases.length} runs, ${rounds} round(s) per group${quick ? ' (quick)' : ''}, one after another\n`);
const machine = await machineInfo();
const results = await runMatrix(cases, { quiet: !process.stderr.isTTY });
killAllNow();

const report = engineReport(results, {
  rounds, echoSizes: ECHO_SIZES, echoTargets: ENGINE_TARGETS, memoryTargets: MEMORY_TARGETS, fanoutTargets: FANOUT_TARGETS,
  echoSeconds, idleConnections, subscribers, publications,
});
const command = `npm run bench:engine${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
const lines = [`bench:engine ${startedAt.toISOString()} on ${machine.cpu} (${machine.cores} cores), node ${machine.node}, load ${machine.loadAverage.join(' ')}`, ...report.lines];
const failures = results.filter((r) => r.failed);
for (const f of failures) lines.push(`FAILED: ${f.scenario} ${f.target} (round ${f.round}): ${f.error}`);
process.stdout.write(`${lines.join('\n')}\n`);

mkdirSync(RESULTS, { recursive: true });
const file = `${RESULTS}engine-${stamp(startedAt)}${quick ? '-quick' : ''}.json`;
const json = {
  kind: 'bench:engine', command, rounds, startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), machine,
  method: 'each group in rounds, every target once per round, order rotated; value = median over rounds; ratio = median over rounds of target/baseline from the same round, rounds where either side has no value are skipped',
  goals: report.goals, summary: report.summary, results,
};
writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
process.stdout.write(`\nwritten: ${file}\n`);
setTimeout(() => process.exit(failures.length > 0 ? 1 : 0), 100).unref();
