// Round scheduling of bench:engine: every target once per round, rounds group by group,
// order rotated so no target always runs first or last, and the --rounds/--quick flags.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scheduleRounds, rotate, rotationOffset, parseEngineArgs, EngineArgError, DEFAULT_ROUNDS } from '../../bench/lib/rounds.js';

const FIVE = ['pushgate-node', 'pushgate-node-fallback', 'pushgate-uws', 'ws', 'uws'];
const group = (name: string, targets: string[]) => ({ group: name, targets, args: (t: string) => ['echo', '--target', t, '-s', name] });

test('rotate moves the head to the back, keeping every element once', () => {
  assert.deepEqual(rotate(['a', 'b', 'c', 'd'], 1), ['b', 'c', 'd', 'a']);
  assert.deepEqual(rotate(['a', 'b', 'c', 'd'], 4), ['a', 'b', 'c', 'd']);
  assert.deepEqual(rotate(['a', 'b', 'c', 'd'], 6), ['c', 'd', 'a', 'b']);
  assert.deepEqual(rotate([], 3), []);
});

test('3 rounds of 5 targets: each round runs every target once, with a different first and last target', () => {
  const cases = scheduleRounds([group('echo-32', FIVE)], 3);
  assert.equal(cases.length, 15);
  const byRound = [1, 2, 3].map((r) => cases.filter((c) => c.round === r).map((c) => c.target));
  for (const order of byRound) assert.deepEqual([...order].sort(), [...FIVE].sort());
  assert.deepEqual(byRound.map((o) => o[0]), ['pushgate-node', 'pushgate-node-fallback', 'ws']);
  assert.deepEqual(byRound.map((o) => o[4]), ['uws', 'pushgate-node', 'pushgate-uws']);
  // Rounds run one after another: all of round 1, then round 2, then round 3.
  assert.deepEqual(cases.map((c) => c.round), [1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3]);
  assert.deepEqual(cases.map((c) => c.position), [1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2, 3, 4, 5]);
  assert.deepEqual(cases[7].args, ['echo', '--target', cases[7].target, '-s', 'echo-32']);
});

test('no target is always first or always last when there are at least two rounds', () => {
  for (const targets of [FIVE, FIVE.slice(1), FIVE.slice(3)]) {
    for (let rounds = 2; rounds <= 7; rounds++) {
      const cases = scheduleRounds([group('g', targets)], rounds);
      const firsts = new Set(cases.filter((c) => c.position === 1).map((c) => c.target));
      const lasts = new Set(cases.filter((c) => c.position === targets.length).map((c) => c.target));
      assert.ok(firsts.size > 1, `${targets.length} targets, ${rounds} rounds: always ${[...firsts]} first`);
      assert.ok(lasts.size > 1, `${targets.length} targets, ${rounds} rounds: always ${[...lasts]} last`);
    }
  }
});

test('up to as many rounds as targets, every round starts at a different target', () => {
  for (let rounds = 1; rounds <= FIVE.length; rounds++) {
    const offsets = Array.from({ length: rounds }, (_, r) => rotationOffset(r, rounds, FIVE.length));
    assert.equal(new Set(offsets).size, rounds, `offsets ${offsets}`);
  }
  // More rounds than targets: every start position recurs equally often.
  const offsets = Array.from({ length: 10 }, (_, r) => rotationOffset(r, 10, 5));
  for (let k = 0; k < 5; k++) assert.equal(offsets.filter((o) => o === k).length, 2);
});

test('groups run one after another, each in all its rounds, before the next group starts', () => {
  const cases = scheduleRounds([group('echo-32', FIVE), group('idle', FIVE.slice(0, 4)), group('fanout', ['ws', 'uws'])], 3);
  assert.equal(cases.length, 15 + 12 + 6);
  assert.deepEqual([...new Set(cases.map((c) => c.group))], ['echo-32', 'idle', 'fanout']);
  const firstIdle = cases.findIndex((c) => c.group === 'idle');
  assert.ok(cases.slice(0, firstIdle).every((c) => c.group === 'echo-32'));
  assert.ok(cases.slice(firstIdle, firstIdle + 12).every((c) => c.group === 'idle'));
});

test('rounds must be a positive integer', () => {
  assert.throws(() => scheduleRounds([group('g', FIVE)], 0), RangeError);
  assert.throws(() => scheduleRounds([group('g', FIVE)], 1.5), RangeError);
});

test('--rounds and --quick: default 3, quick 1, an explicit --rounds wins, bad values refused', () => {
  assert.deepEqual(parseEngineArgs([]), { quick: false, help: false, rounds: DEFAULT_ROUNDS });
  assert.equal(DEFAULT_ROUNDS, 3);
  assert.deepEqual(parseEngineArgs(['--quick']), { quick: true, help: false, rounds: 1 });
  assert.equal(parseEngineArgs(['--rounds', '5']).rounds, 5);
  assert.equal(parseEngineArgs(['--rounds=2']).rounds, 2);
  assert.deepEqual(parseEngineArgs(['--quick', '--rounds', '2']), { quick: true, help: false, rounds: 2 });
  assert.equal(parseEngineArgs(['--help']).help, true);
  for (const bad of [['--rounds'], ['--rounds', '0'], ['--rounds', '21'], ['--rounds', '2.5'], ['--rounds', 'x'], ['--round', '3'], ['3']]) {
    assert.throws(() => parseEngineArgs(bad), EngineArgError, bad.join(' '));
  }
});
