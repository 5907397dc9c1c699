// Medians over rounds and the median of per-round ratios, including rounds where one
// side was unavailable or failed (skipped and not counted), and how they are printed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { median, pairedRatio, targetSummary, statusOf, formatRatio, formatSummary, roundsOf } from '../../bench/lib/paired.js';

const perSec = (r: any) => r.messages.perSec;
const run = (target: string, round: number, value: number) => ({ scenario: 'echo', group: 'echo-32', target, round, messages: { perSec: value } });
const unavailable = (target: string, round: number) => ({ scenario: 'echo', group: 'echo-32', target, round, unavailable: true, reason: 'engine missing' });
const failed = (target: string, round: number) => ({ scenario: 'echo', group: 'echo-32', target, round, failed: true, error: 'boom' });

test('median of odd and even counts, ignoring nothing but non-finite values', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([7]), 7);
  assert.equal(median([]), null);
  assert.equal(median([1, Number.NaN, 5, 3]), 3);
});

test('the ratio is the median of per-round ratios, not the ratio of medians', () => {
  // The machine slows down over the rounds; within each round pushgate is exactly 0.9× of uWS.
  const results = [
    run('pushgate-uws', 1, 900), run('uws', 1, 1000),
    run('uws', 2, 600), run('pushgate-uws', 2, 540),
    run('pushgate-uws', 3, 720), run('uws', 3, 800),
  ];
  const r = pairedRatio(results, 'echo-32', 'pushgate-uws', 'uws', perSec);
  assert.ok(Math.abs((r.median as number) - 0.9) < 1e-12);
  assert.equal(r.counted, 3);
  assert.equal(r.rounds, 3);
  // a equals b in two rounds; the machine was at half speed in round 2. The ratio of the
  // per-target medians (800 / 600) mixes rounds and reports a 1.33× difference that no
  // round showed twice; the median of the per-round ratios reports 1.00×.
  const drift = [run('a', 1, 1000), run('b', 1, 1000), run('b', 2, 500), run('a', 2, 500), run('a', 3, 800), run('b', 3, 600)];
  const ratioOfMedians = (targetSummary(drift, 'echo-32', 'a', perSec).median as number) / (targetSummary(drift, 'echo-32', 'b', perSec).median as number);
  assert.ok(Math.abs(ratioOfMedians - 4 / 3) < 1e-12);
  const paired = pairedRatio(drift, 'echo-32', 'a', 'b', perSec);
  assert.equal(paired.median, 1);
  assert.equal(paired.min, 1);
  assert.ok(Math.abs((paired.max as number) - 4 / 3) < 1e-12);
  assert.equal(formatRatio(paired), '1.00× (1.00–1.33×)');
});

test('a round where either side failed or was unavailable is skipped and not counted', () => {
  const results = [
    run('pushgate-uws', 1, 800), run('uws', 1, 1000),
    failed('pushgate-uws', 2), run('uws', 2, 1000),
    run('pushgate-uws', 3, 1000), unavailable('uws', 3),
    run('pushgate-uws', 4, 1200), run('uws', 4, 1000),
  ];
  const r = pairedRatio(results, 'echo-32', 'pushgate-uws', 'uws', perSec);
  assert.deepEqual(r.perRound, [0.8, null, null, 1.2]);
  assert.equal(r.counted, 2);
  assert.equal(r.rounds, 4);
  assert.ok(Math.abs((r.median as number) - 1) < 1e-12);
  assert.equal(formatRatio(r), '1.00× (0.80–1.20×) [2/4]');
  const s = targetSummary(results, 'echo-32', 'pushgate-uws', perSec);
  assert.deepEqual(s.perRound, [800, null, 1000, 1200]);
  assert.equal(s.median, 1000);
  assert.equal(formatSummary(s, String), '1000 (800–1200) [3/4]');
});

test('a missing metric, a zero baseline and a round the target never ran are skipped too', () => {
  const results = [
    run('a', 1, 10), { ...run('b', 1, 0), messages: { perSec: null } },
    run('a', 2, 10), run('b', 2, 0),
    run('b', 3, 5),
    run('a', 4, 10), run('b', 4, 5),
  ];
  const r = pairedRatio(results, 'echo-32', 'a', 'b', perSec);
  assert.deepEqual(r.perRound, [null, null, null, 2]);
  assert.equal(r.counted, 1);
  assert.equal(formatRatio(r), '2.00× [1/4]');
});

test('nothing counted: n/a, and the row says why', () => {
  const results = [unavailable('pushgate-uws', 1), run('uws', 1, 1000), unavailable('pushgate-uws', 2), run('uws', 2, 900)];
  const r = pairedRatio(results, 'echo-32', 'pushgate-uws', 'uws', perSec);
  assert.equal(r.counted, 0);
  assert.equal(r.median, null);
  assert.equal(formatRatio(r), 'n/a');
  assert.equal(formatSummary(targetSummary(results, 'echo-32', 'pushgate-uws', perSec), String), 'n/a');
  assert.equal(statusOf(results, 'echo-32', 'pushgate-uws'), 'unavailable: engine missing');
  assert.equal(statusOf([...results, failed('x', 1)], 'echo-32', 'x'), 'failed: boom');
  assert.equal(statusOf(results, 'echo-32', 'nobody'), 'not run');
});

test('one round prints a bare value; rounds come from the group, results without a round are round 1', () => {
  const results = [run('a', 1, 300), run('b', 1, 100)];
  assert.equal(formatRatio(pairedRatio(results, 'echo-32', 'a', 'b', perSec)), '3.00×');
  assert.equal(formatSummary(targetSummary(results, 'echo-32', 'a', perSec), String), '300');
  const legacy = [{ group: 'idle', target: 'a' }, { group: 'idle', target: 'b' }];
  assert.deepEqual(roundsOf(legacy, 'idle'), [1]);
  assert.deepEqual(roundsOf([run('a', 3, 1), run('a', 1, 1), run('b', 2, 1)], 'echo-32'), [1, 2, 3]);
});
