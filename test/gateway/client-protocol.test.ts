import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encodeEnvelope, encodeError, encodeOk, parseRequest, streamFrame } from '../../src/gateway/client-protocol.js';
import { createError } from '../../src/protocol/errors.js';

const parse = (text: string) => parseRequest(text, 32);

function errorOf(text: string): { id: unknown; code: string; message: string } {
  const result = parse(text);
  assert.equal(result.ok, false, text);
  if (result.ok) throw new Error('unreachable');
  assert.equal(result.error.closeCode, null, 'client protocol errors never close the connection');
  return { id: result.id, code: result.error.code, message: result.error.message };
}

describe('parseRequest', () => {
  it('parses every op', () => {
    assert.deepEqual(parse('{"id":1,"op":"subscribe","channel":"a"}'), { ok: true, request: { op: 'subscribe', id: 1, channel: 'a' } });
    assert.deepEqual(parse('{"id":"x","op":"subscribe","channel":"a","since":{"offset":4,"epoch":"E"}}'), {
      ok: true,
      request: { op: 'subscribe', id: 'x', channel: 'a', since: { offset: 4, epoch: 'E' } },
    });
    assert.deepEqual(parse('{"id":2,"op":"unsubscribe","channel":"a"}'), { ok: true, request: { op: 'unsubscribe', id: 2, channel: 'a' } });
    assert.deepEqual(parse('{"id":3,"op":"publish","channel":"a","data":{"k":[1,null]}}'), {
      ok: true,
      request: { op: 'publish', id: 3, channel: 'a', data: { k: [1, null] } },
    });
    assert.deepEqual(parse('{"id":4,"op":"publish","channel":"a","data":null}'), { ok: true, request: { op: 'publish', id: 4, channel: 'a', data: null } });
    assert.deepEqual(parse('{"id":5,"op":"ping"}'), { ok: true, request: { op: 'ping', id: 5 } });
  });

  it('ignores unknown fields', () => {
    assert.deepEqual(parse('{"id":1,"op":"ping","future":true}'), { ok: true, request: { op: 'ping', id: 1 } });
  });

  it('malformed JSON → bad_request with id null', () => {
    for (const text of ['', '{', '{"id":1', 'nope', '{"id":1,}']) {
      assert.deepEqual(errorOf(text), { id: null, code: 'bad_request', message: 'request is not valid JSON' });
    }
  });

  it('not an object, or no usable id → bad_request with id null', () => {
    for (const text of ['[]', '1', '"s"', 'null', '{"op":"ping"}', '{"id":null,"op":"ping"}', '{"id":true,"op":"ping"}', '{"id":{},"op":"ping"}', '{"id":1e400,"op":"ping"}']) {
      const e = errorOf(text);
      assert.equal(e.id, null, text);
      assert.equal(e.code, 'bad_request', text);
    }
  });

  it('missing or non-string op → bad_request, echoing the id', () => {
    assert.deepEqual({ ...errorOf('{"id":7}'), message: '' }, { id: 7, code: 'bad_request', message: '' });
    assert.equal(errorOf('{"id":"q","op":5}').id, 'q');
  });

  it('unknown op → unknown_op', () => {
    const e = errorOf('{"id":1,"op":"shout","channel":"a"}');
    assert.equal(e.code, 'unknown_op');
    assert.match(e.message, /"shout"/);
    assert.equal(e.id, 1);
  });

  it('missing channel → bad_request; invalid channel → bad_channel', () => {
    assert.equal(errorOf('{"id":1,"op":"subscribe"}').code, 'bad_request');
    assert.equal(errorOf('{"id":1,"op":"unsubscribe"}').code, 'bad_request');
    for (const channel of ['""', '5', 'null', '"has space"', `"${'x'.repeat(33)}"`]) {
      assert.equal(errorOf(`{"id":1,"op":"subscribe","channel":${channel}}`).code, 'bad_channel', channel);
    }
  });

  it('publish without data → bad_request', () => {
    const e = errorOf('{"id":1,"op":"publish","channel":"a"}');
    assert.equal(e.code, 'bad_request');
    assert.match(e.message, /"data" is required/);
  });

  it('malformed since → bad_request', () => {
    for (const since of ['null', '5', '{}', '{"offset":1}', '{"epoch":"E"}', '{"offset":-1,"epoch":"E"}', '{"offset":1.5,"epoch":"E"}', '{"offset":"1","epoch":"E"}', '{"offset":1,"epoch":2}']) {
      const e = errorOf(`{"id":1,"op":"subscribe","channel":"a","since":${since}}`);
      assert.equal(e.code, 'bad_request', since);
      assert.match(e.message, /since/);
    }
  });

  it('survives deeply nested input without throwing', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const result = parse(`{"id":1,"op":"publish","channel":"a","data":${deep}}`);
    assert.equal(typeof result.ok, 'boolean');
  });
});

describe('encoders', () => {
  it('replies', () => {
    assert.deepEqual(JSON.parse(encodeOk(1)), { id: 1, ok: true });
    assert.equal(encodeOk('a"b', { recovered: true, offset: 3, epoch: 'E' }), '{"id":"a\\"b","ok":true,"recovered":true,"offset":3,"epoch":"E"}');
    assert.deepEqual(JSON.parse(encodeError(null, createError('PG_ERR_UNKNOWN_OP'))), { id: null, error: { code: 'unknown_op', message: 'unknown op' } });
  });

  it('envelopes: JSON data spliced in, raw text as a string, binary as base64', () => {
    const base = { channel: 'c"h', offset: 7, epoch: 'E' };
    assert.deepEqual(JSON.parse(encodeEnvelope({ ...base, payload: { kind: 'json', json: '{"a":[1,"é"]}' } })), { ...base, data: { a: [1, 'é'] } });
    assert.deepEqual(JSON.parse(encodeEnvelope({ ...base, payload: { kind: 'raw', bytes: Buffer.from('hi "x"'), isBinary: false } })), { ...base, data: 'hi "x"' });
    assert.deepEqual(JSON.parse(encodeEnvelope({ ...base, payload: { kind: 'raw', bytes: Buffer.from([0, 255, 1]), isBinary: true } })), {
      ...base,
      data: 'AP8B',
      encoding: 'base64',
    });
  });

  it('stream frames: JSON text, raw as it came', () => {
    assert.deepEqual(streamFrame({ kind: 'json', json: '"hello"' }), { data: '"hello"', isBinary: false });
    const bytes = Buffer.from([1, 2]);
    assert.deepEqual(streamFrame({ kind: 'raw', bytes, isBinary: true }), { data: bytes, isBinary: true });
    assert.deepEqual(streamFrame({ kind: 'raw', bytes, isBinary: false }), { data: bytes, isBinary: false });
  });
});
