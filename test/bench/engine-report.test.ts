// The bench:engine report over rounds, from synthetic runs: the goals carry the median
// of per-round ratios with their spread and counted rounds, a failed run costs its round,
// and the idle table shows plain RSS and RSS without the V8 young generation side by side.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineReport, GOALS } from '../../bench/lib/engine-report.js';

const MiB = 1024 * 1024;
const layout = {
  rounds: 3, echoSizes: ['32'], echoTargets: ['pushgate-uws', 'ws', 'uws'], memoryTargets: ['pushgate-node', 'ws', 'uws'], fanoutTargets: ['uws'],
  echoSeconds: '5', idleConnections: '10000', subscribers: '5000', publications: '200',
};
const echo = (target: string, round: number, perSec: number) => ({
  scenario: 'echo', group: 'echo-32', target, round, messages: { perSec }, latencyMs: { p50: 1, p99: 2 }, errors: { total: 0 },
});
const idle = (target: string, round: number, rssPerConnection: number, rssExclYoungGenPerConnection: number) => ({
  scenario: 'idle', group: 'idle', target, round, connections: { opened: 10000 }, errors: { total: 0 },
  memory: { rssPerConnection, rssExclYoungGenPerConnection, heapPerConnection: 1000, youngGenerationBefore: MiB, youngGenerationAfter: 21 * MiB },
});

const results = [
  echo('pushgate-uws', 1, 900), echo('ws', 1, 300), echo('uws', 1, 1000),
  { scenario: 'echo', group: 'echo-32', target: 'pushgate-uws', round: 2, failed: true, error: 'server crashed' }, echo('ws', 2, 200), echo('uws', 2, 500),
  echo('pushgate-uws', 3, 1100), echo('ws', 3, 250), echo('uws', 3, 1000),
  idle('pushgate-node', 1, 5200, 3100), idle('ws', 1, 6200, 6000), idle('uws', 1, 300, 300),
  idle('pushgate-node', 2, 5400, 3000), idle('ws', 2, 6000, 5800), idle('uws', 2, 310, 310),
  idle('pushgate-node', 3, 5000, 3300), idle('ws', 3, 6100, 5900), idle('uws', 3, 320, 320),
];

test('goals: median of per-round ratios, spread, and rounds counted (a failed run costs its round)', () => {
  const { goals, lines } = engineReport(results, layout);
  assert.equal(goals.length, GOALS.length);
  const uwsEcho = goals.find((g) => g.measure === 'uws engine echo 32 B vs raw uWS')!;
  assert.deepEqual(uwsEcho.perRound, [0.9, null, 1.1]);
  assert.equal(uwsEcho.counted, 2);
  assert.equal(uwsEcho.rounds, 3);
  assert.ok(Math.abs(uwsEcho.median! - 1) < 1e-12);
  const text = lines.join('\n');
  assert.match(text, /│ uws engine echo 32 B vs raw uWS +│ 1\.00× +│ 0\.90–1\.10× +│ 2\/3 +│ ≥ 0\.9× +│/);
  // The fallback did not run in any of the 3 rounds: no ratio, not a made-up number.
  const fallback = goals.find((g) => g.target === 'pushgate-node-fallback')!;
  assert.equal(fallback.median, null);
  assert.match(text, /│ node engine \(fallback\) echo 32 B vs ws +│ n\/a +│ n\/a +│ 0\/3 +│/);
  // Fan-out did not run at all: zero rounds.
  assert.match(text, /│ uws engine fan-out vs raw uWS publish +│ n\/a +│ n\/a +│ 0\/0 +│/);
});

test('idle RSS goal is reported twice: plain and without the V8 young generation', () => {
  const { goals, lines } = engineReport(results, layout);
  const plain = goals.find((g) => g.measure === 'node engine RSS per idle connection vs ws (plain RSS)')!;
  const excl = goals.find((g) => g.measure === 'node engine RSS per idle connection vs ws (excl. V8 young gen)')!;
  // per round: 5200/6200, 5400/6000, 5000/6100 → median 0.8387 (round 1)
  assert.ok(Math.abs(plain.median! - 5200 / 6200) < 1e-12);
  assert.equal(plain.counted, 3);
  // per round: 3100/6000, 3000/5800, 3300/5900 → median 0.5172 (round 2)
  assert.ok(Math.abs(excl.median! - 3000 / 5800) < 1e-12);
  const text = lines.join('\n');
  assert.match(text, /│ pushgate-node │ 10000 +│ 5\.1 KiB \(4\.9 KiB–5\.3 KiB\) │ 3\.0 KiB \(2\.9 KiB–3\.2 KiB\) +│ 1\.00 MiB → 21\.00 MiB/);
  assert.match(text, /│ pushgate-node │ 0\.84× \(0\.82–0\.90×\) │ [^│]+│ 0\.52× \(0\.52–0\.56×\) +│/);
});

test('a target that never ran says so in its row, and a baseline is not compared with itself', () => {
  const { lines } = engineReport(results, layout);
  const text = lines.join('\n');
  assert.match(text, /│ uws +│ not run/); // fan-out was not in these results
  assert.match(text, /│ ws +│ 250 \(200–300\) +│ 1 +│ 2 +│ baseline +│/);
  assert.match(text, /│ pushgate-uws │ 1000 \(900–1100\) \[2\/3\]/);
});
