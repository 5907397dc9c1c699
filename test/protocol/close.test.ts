import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildClosePayload, isValidCloseCode, parseClosePayload } from '../../src/protocol/close.js';
import { PushgateError } from '../../src/protocol/errors.js';

test('close code classes: 1000–1003, 1007–1014, 3000–4999 valid; everything else not', () => {
  const valid = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999];
  const invalid = [0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535];
  for (const c of valid) assert.equal(isValidCloseCode(c), true, String(c));
  for (const c of invalid) assert.equal(isValidCloseCode(c), false, String(c));
});

test('close payloads: empty → 1005, 1 byte → error, bad code → error, bad UTF-8 reason → 1002', () => {
  assert.deepEqual(parseClosePayload(Buffer.alloc(0)), { code: 1005, reason: '' });
  assert.deepEqual(parseClosePayload(Buffer.from([0x03, 0xe8, 0x68, 0x69])), { code: 1000, reason: 'hi' });
  const one = parseClosePayload(Buffer.from([0x03]));
  assert.ok(one instanceof PushgateError && one.errorName === 'PG_ERR_BAD_CLOSE_PAYLOAD' && one.closeCode === 1002);
  const code = parseClosePayload(Buffer.from([0x03, 0xed]));
  assert.ok(code instanceof PushgateError && code.errorName === 'PG_ERR_BAD_CLOSE_CODE' && code.closeCode === 1002);
  const reason = parseClosePayload(Buffer.from([0x03, 0xe8, 0xc0, 0xaf]));
  assert.ok(reason instanceof PushgateError && reason.errorName === 'PG_ERR_BAD_CLOSE_REASON' && reason.closeCode === 1002);
});

test('the server cuts long reasons to 123 bytes at a code-point boundary', () => {
  const p = buildClosePayload(4003, 'é'.repeat(100));
  assert.equal(p.readUInt16BE(0), 4003);
  assert.ok(p.length <= 125);
  assert.equal(p.subarray(2).toString('utf8'), 'é'.repeat(61));
});
