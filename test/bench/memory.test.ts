// Idle memory arithmetic: RSS and heap per connection, and RSS per connection without
// V8's young generation, which grows during a handshake storm and is not shrunk by gc().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { idleMemory, youngGenerationBytes, perConnection } from '../../bench/lib/memory.js';

const MiB = 1024 * 1024;

test('young generation = physical new_space + new_large_object_space', () => {
  assert.equal(youngGenerationBytes({ new_space: 20 * MiB, new_large_object_space: 256 * 1024, old_space: 50 * MiB }), 20 * MiB + 256 * 1024);
  assert.equal(youngGenerationBytes({ new_space: 1 * MiB, old_space: 50 * MiB }), 1 * MiB);
  assert.equal(youngGenerationBytes({ old_space: 50 * MiB }), null);
  assert.equal(youngGenerationBytes(null), null);
  assert.equal(youngGenerationBytes(undefined), null);
});

test('a nursery that grew from 1 MiB to 21 MiB over 10,000 connections is taken out of RSS per connection', () => {
  const before = { rss: 70 * MiB, heapUsed: 10 * MiB, youngGeneration: 1 * MiB };
  const after = { rss: 120 * MiB, heapUsed: 30 * MiB, youngGeneration: 21 * MiB };
  const m = idleMemory(before, after, 10_000);
  assert.equal(m.rssPerConnection, Math.round((50 * MiB) / 10_000)); // 5243 B
  assert.equal(m.heapPerConnection, Math.round((20 * MiB) / 10_000));
  // ((120 − 21) − (70 − 1)) MiB = 30 MiB over 10,000 connections.
  assert.equal(m.rssExclYoungGenPerConnection, Math.round((30 * MiB) / 10_000)); // 3146 B
  assert.equal(m.rssPerConnection! - m.rssExclYoungGenPerConnection!, 2097);
  assert.equal(m.youngGenerationBefore, 1 * MiB);
  assert.equal(m.youngGenerationAfter, 21 * MiB);
});

test('an unchanged nursery leaves RSS per connection as it is', () => {
  const m = idleMemory({ rss: 50 * MiB, heapUsed: 4 * MiB, youngGeneration: 300 * 1024 }, { rss: 53 * MiB, heapUsed: 4 * MiB, youngGeneration: 300 * 1024 }, 10_000);
  assert.equal(m.rssExclYoungGenPerConnection, m.rssPerConnection);
  assert.equal(m.heapPerConnection, 0);
});

test('unknown sides give null, not a number', () => {
  const noSpaces = idleMemory({ rss: 50 * MiB, heapUsed: null, youngGeneration: null }, { rss: 60 * MiB, heapUsed: null, youngGeneration: null }, 1000);
  assert.equal(noSpaces.rssPerConnection, Math.round((10 * MiB) / 1000));
  assert.equal(noSpaces.rssExclYoungGenPerConnection, null);
  assert.equal(noSpaces.heapPerConnection, null);
  const none = idleMemory({ rss: 50 * MiB, heapUsed: 1, youngGeneration: 1 }, { rss: 60 * MiB, heapUsed: 2, youngGeneration: 1 }, 0);
  assert.equal(none.rssPerConnection, null);
  assert.equal(none.rssExclYoungGenPerConnection, null);
  assert.equal(perConnection(null, 5, 10), null);
  assert.equal(perConnection(100, 50, 10), -5); // memory given back shows as negative growth
});

test('the heap spaces of both samples are kept for the JSON', () => {
  const spaces = { new_space: MiB, old_space: 2 * MiB };
  const m = idleMemory({ rss: 1, heapUsed: 1, youngGeneration: MiB, heapSpaces: spaces }, { rss: 2, heapUsed: 2, youngGeneration: MiB }, 1);
  assert.deepEqual(m.heapSpacesBefore, spaces);
  assert.equal(m.heapSpacesAfter, null);
});
