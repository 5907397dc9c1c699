import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { deflateMessage, inflateMessage, negotiateDeflate } from '../../src/protocol/permessage-deflate.js';
import { PushgateError } from '../../src/protocol/errors.js';

const BASE = 'permessage-deflate; server_no_context_takeover; client_no_context_takeover';

test('negotiation table', () => {
  const table: Array<[string | undefined, string | null, number?]> = [
    [undefined, null],
    ['permessage-deflate', BASE, 15],
    ['permessage-deflate; client_max_window_bits', BASE, 15],
    ['permessage-deflate; client_max_window_bits=10', BASE, 15],
    ['permessage-deflate; client_no_context_takeover', BASE, 15],
    ['permessage-deflate; server_no_context_takeover', BASE, 15],
    ['permessage-deflate; server_max_window_bits=10', `${BASE}; server_max_window_bits=10`, 10],
    ['permessage-deflate; server_max_window_bits="12"', `${BASE}; server_max_window_bits=12`, 12],
    ['Permessage-Deflate; SERVER_MAX_WINDOW_BITS=15', `${BASE}; server_max_window_bits=15`, 15],
    // Declined offers: invalid values, values where none belong, duplicates, unknown params.
    ['permessage-deflate; server_max_window_bits', null],
    ['permessage-deflate; server_max_window_bits=8', null],
    ['permessage-deflate; server_max_window_bits=16', null],
    ['permessage-deflate; server_max_window_bits=09', null],
    ['permessage-deflate; client_max_window_bits=7', null],
    ['permessage-deflate; client_max_window_bits=abc', null],
    ['permessage-deflate; server_no_context_takeover=1', null],
    ['permessage-deflate; client_no_context_takeover; client_no_context_takeover', null],
    ['permessage-deflate; server_max_window_bits=10; server_max_window_bits=11', null],
    ['permessage-deflate; mystery=1', null],
    ['permessage-deflate; a b', null],
    ['x-webkit-deflate-frame', null],
    // Several offers: the first acceptable one wins.
    ['permessage-deflate; server_max_window_bits=8, permessage-deflate; server_max_window_bits=11, permessage-deflate',
      `${BASE}; server_max_window_bits=11`, 11],
    ['x-webkit-deflate-frame, permessage-deflate; client_max_window_bits', BASE, 15],
  ];
  for (const [offer, response, bits] of table) {
    const got = negotiateDeflate(offer);
    assert.equal(got?.response ?? null, response, String(offer));
    if (bits !== undefined) assert.equal(got?.params.serverMaxWindowBits, bits, String(offer));
  }
});

test('deflate then inflate round-trips, empty message included', () => {
  for (const msg of [Buffer.alloc(0), Buffer.from('a'), Buffer.alloc(100_000, 'abc')]) {
    const out = inflateMessage(deflateMessage(msg, 15), 1 << 20);
    assert.ok(Buffer.isBuffer(out));
    assert.deepEqual(out, msg);
  }
  assert.deepEqual([...deflateMessage(Buffer.alloc(0), 15)], [0x00]);
});

test('a decompression bomb stops at the cap with PG_ERR_MESSAGE_TOO_BIG (1009)', () => {
  const bomb = deflateMessage(Buffer.alloc(50 * 1024 * 1024), 15);
  assert.ok(bomb.length < 100_000);
  const out = inflateMessage(bomb, 1 << 20);
  assert.ok(out instanceof PushgateError);
  assert.equal(out.errorName, 'PG_ERR_MESSAGE_TOO_BIG');
  assert.equal(out.closeCode, 1009);
  const exact = inflateMessage(deflateMessage(Buffer.alloc(1000), 15), 1000);
  assert.ok(Buffer.isBuffer(exact) && exact.length === 1000, 'exactly the cap is allowed');
});

test('garbage that is not deflate data is PG_ERR_INFLATE_FAILED', () => {
  const out = inflateMessage(Buffer.from([0xff, 0xff, 0xff, 0x01]), 1000);
  assert.ok(out instanceof PushgateError);
  assert.equal(out.errorName, 'PG_ERR_INFLATE_FAILED');
  // A final (BFINAL) block from a plain deflate call still inflates: the tail after it is ignored.
  const final = inflateMessage(deflateRawSync(Buffer.from('x')), 1000);
  assert.ok(Buffer.isBuffer(final) && final.toString() === 'x');
});
