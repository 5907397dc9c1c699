// One parameterised suite for the hot-path operations: every test runs against
// the dispatching exports of src/native/index.ts, the TypeScript fallback, and
// the C++ addon (skipped, with the reason, when it is not built or disabled).
// The expected values come from test/vectors/*.json, shared with the C++ tests.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { backend, implementations } from '../../src/native/index.js';
import { targets } from './helpers.js';
import { maskTests } from './mask-cases.js';
import { utf8Tests } from './utf8-cases.js';
import { frameTests } from './frame-cases.js';
import { crossSweeps, referenceSweeps } from './sweep-cases.js';

test('backend names the implementation in use', () => {
  assert.equal(backend, implementations.native === null ? 'fallback' : 'native');
});

for (const { name, ops, skip } of targets) {
  describe(name, { skip }, () => {
    if (ops === null) return;
    describe('mask/unmask', () => maskTests(ops));
    describe('utf8Step', () => utf8Tests(ops));
    describe('scanFrames', () => frameTests(ops));
    describe('randomised against references', () => referenceSweeps(ops));
  });
}

describe('native vs fallback', { skip: targets[2].skip }, () => {
  if (implementations.native !== null) crossSweeps(implementations.native, implementations.fallback);
});
