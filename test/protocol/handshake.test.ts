import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  acceptKey, buildRejectResponse, buildUpgradeResponse, isHandshakeAttempt, parseProtocols, selectProtocol, validateHandshake,
  type HandshakeRequest,
} from '../../src/protocol/handshake.js';
import { PushgateError } from '../../src/protocol/errors.js';

function request(overrides: Partial<HandshakeRequest> & { set?: Record<string, string | undefined> } = {}): HandshakeRequest {
  return {
    method: overrides.method ?? 'GET',
    httpVersion: overrides.httpVersion ?? '1.1',
    headers: {
      host: 'example.com',
      upgrade: 'websocket',
      connection: 'Upgrade',
      'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
      'sec-websocket-version': '13',
      ...overrides.set,
    },
  };
}

function errorOf(req: HandshakeRequest): PushgateError {
  const r = validateHandshake(req);
  assert.ok(r instanceof PushgateError, 'expected a rejection');
  return r;
}

test('the RFC 6455 example key gives s3pPLMBiTxaQ9kYGzzhZRbK+xOo=', () => {
  assert.equal(acceptKey('dGhlIHNhbXBsZSBub25jZQ=='), 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
});

test('a valid request is accepted, with any case for Upgrade and a Connection token list', () => {
  const r = validateHandshake(request({ set: { upgrade: 'WebSocket', connection: 'keep-alive, Upgrade' } }));
  assert.ok(!(r instanceof Error));
  assert.equal(r.key, 'dGhlIHNhbXBsZSBub25jZQ==');
  assert.deepEqual(r.protocols, []);
});

test('each broken rule gets its own 400 reason', () => {
  const cases: Array<[string, HandshakeRequest, string]> = [
    ['method', request({ method: 'POST' }), 'PG_ERR_HANDSHAKE_METHOD'],
    ['HTTP/1.0', request({ httpVersion: '1.0' }), 'PG_ERR_HANDSHAKE_HTTP_VERSION'],
    ['Upgrade missing', request({ set: { upgrade: undefined } }), 'PG_ERR_HANDSHAKE_UPGRADE'],
    ['Upgrade wrong', request({ set: { upgrade: 'h2c' } }), 'PG_ERR_HANDSHAKE_UPGRADE'],
    ['Connection without upgrade', request({ set: { connection: 'keep-alive' } }), 'PG_ERR_HANDSHAKE_CONNECTION'],
    ['Host missing', request({ set: { host: undefined } }), 'PG_ERR_HANDSHAKE_HOST'],
    ['key missing', request({ set: { 'sec-websocket-key': undefined } }), 'PG_ERR_HANDSHAKE_KEY'],
    ['key of 15 bytes', request({ set: { 'sec-websocket-key': Buffer.alloc(15).toString('base64') } }), 'PG_ERR_HANDSHAKE_KEY'],
    ['key of 17 bytes', request({ set: { 'sec-websocket-key': Buffer.alloc(17).toString('base64') } }), 'PG_ERR_HANDSHAKE_KEY'],
    ['key not base64', request({ set: { 'sec-websocket-key': '!!!!!!!!!!!!!!!!!!!!!!==' } }), 'PG_ERR_HANDSHAKE_KEY'],
    ['key non-canonical padding bits', request({ set: { 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZR==' } }), 'PG_ERR_HANDSHAKE_KEY'],
    ['bad protocol list', request({ set: { 'sec-websocket-protocol': 'a, a' } }), 'PG_ERR_HANDSHAKE_PROTOCOL_HEADER'],
  ];
  for (const [label, req, name] of cases) {
    const err = errorOf(req);
    assert.equal(err.errorName, name, label);
    assert.equal(err.httpStatus, 400, label);
  }
});

test('a version other than 13 (or none) is 426', () => {
  for (const v of ['8', '14', undefined]) {
    const err = errorOf(request({ set: { 'sec-websocket-version': v } }));
    assert.equal(err.errorName, 'PG_ERR_HANDSHAKE_VERSION');
    assert.equal(err.httpStatus, 426);
  }
});

test('subprotocols parse in client order and the first supported one is selected', () => {
  assert.deepEqual(parseProtocols('chat.v2, chat.v1 ,json'), ['chat.v2', 'chat.v1', 'json']);
  assert.equal(parseProtocols('a b'), null);
  assert.equal(parseProtocols(''), null);
  assert.equal(selectProtocol(['chat.v2', 'chat.v1'], ['chat.v1', 'chat.v2']), 'chat.v2');
  assert.equal(selectProtocol(['x'], ['chat.v1']), undefined);
});

test('the 101 answer carries accept, protocol and extensions', () => {
  const text = buildUpgradeResponse({ key: 'dGhlIHNhbXBsZSBub25jZQ==', protocol: 'chat', extensions: 'permessage-deflate' }).toString();
  assert.equal(
    text,
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: chat\r\n' +
      'Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n',
  );
});

test('a rejection has a JSON body, X-Pushgate-Reason, and cannot inject header lines', () => {
  const text = buildRejectResponse(403, 'forbidden', 'no\r\nway', { 'X-Extra': 'a\r\nInjected: 1' }).toString();
  assert.match(text, /^HTTP\/1\.1 403 Forbidden\r\n/);
  assert.match(text, /\r\nX-Pushgate-Reason: forbidden\r\n/);
  assert.doesNotMatch(text, /\r\nInjected/);
  const body = text.slice(text.indexOf('\r\n\r\n') + 4);
  assert.deepEqual(JSON.parse(body), { error: { code: 'forbidden', message: 'no\r\nway' } });
});

test('handshake attempts are recognised even when node would not emit upgrade', () => {
  assert.equal(isHandshakeAttempt({ upgrade: 'websocket' }), true);
  assert.equal(isHandshakeAttempt({ connection: 'Upgrade' }), true);
  assert.equal(isHandshakeAttempt({ 'sec-websocket-key': 'x' }), true);
  assert.equal(isHandshakeAttempt({ host: 'x', connection: 'keep-alive' }), false);
});
