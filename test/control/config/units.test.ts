import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, formatSize, parseDuration, parseSize } from '../../../src/control/config/units.js';

test('sizes: binary and decimal units, bare bytes, any case', () => {
  assert.equal(parseSize('1MiB'), 1048576);
  assert.equal(parseSize('16KiB'), 16384);
  assert.equal(parseSize('16kib'), 16384);
  assert.equal(parseSize('4MB'), 4_000_000);
  assert.equal(parseSize('1.5KiB'), 1536);
  assert.equal(parseSize('512'), 512);
  assert.equal(parseSize(' 2 GiB '), 2 * 1024 ** 3);
});

test('sizes: anything else is refused, not guessed', () => {
  for (const bad of ['', 'MiB', '1XB', '-1KiB', '1.1B', '1e3', '1 Mi B', '0x10']) assert.equal(parseSize(bad), undefined, bad);
});

test('durations: ms, s, m, h and bare milliseconds', () => {
  assert.equal(parseDuration('25s'), 25_000);
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('5m'), 300_000);
  assert.equal(parseDuration('1h'), 3_600_000);
  assert.equal(parseDuration('1.5s'), 1500);
  assert.equal(parseDuration('250'), 250);
  for (const bad of ['soon', '10 days', '-5s', '0.5ms', 's']) assert.equal(parseDuration(bad), undefined, bad);
});

test('formatting round-trips the way a person writes values', () => {
  assert.equal(formatSize(4 * 1024 * 1024), '4MiB');
  assert.equal(formatSize(1000), '1000B');
  assert.equal(formatDuration(300_000), '5m');
  assert.equal(formatDuration(1500), '1500ms');
});
