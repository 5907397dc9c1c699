// Plain HTTP on the uws engine's one port: request bodies that are cut off,
// oversized, or trickled in, and handshakes that uWS does not route to its
// WebSocket handler, never crash the process and get the node engine's answers.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { Gateway } from '../../../src/index.js';
import { call, postJson, rawRequest, startGateway } from '../../http/fixture.js';
import { RawClient } from '../../helpers/raw-client.js';
import { engineUnavailableReason } from '../../helpers/engines.js';

/** Writes `head` and part of a body, then resets the connection. */
function abortMidBody(port: number, head: string, partial: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(head);
      socket.write(partial, () => setTimeout(() => socket.resetAndDestroy(), 20));
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve());
  });
}

describe('HTTP on the uws engine', { skip: engineUnavailableReason('uws') ?? false }, () => {
  let gateway: Gateway;
  let base: string;
  let port: number;

  before(async () => {
    ({ gateway, base, port } = await startGateway({ server: { engine: 'uws' }, api: { maxBodySize: 4096 }, demo: { enabled: true } }));
  });
  after(() => gateway.close());

  it('requests aborted in the middle of their body do not crash it, and it keeps publishing', async () => {
    const head = 'POST /api/publish HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n';
    for (let i = 0; i < 20; i++) await abortMidBody(port, head, Buffer.from('{"channel":"a","data":"' + 'x'.repeat(100 * i)));
    const chunked = 'POST /api/publish/raw HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n';
    for (let i = 0; i < 5; i++) await abortMidBody(port, chunked, Buffer.from('10\r\n0123456789abcdef\r\n'));
    const ok = await postJson(base, '/api/publish', { channel: 'after-aborts', data: 1 });
    assert.equal(ok.status, 200);
    assert.equal(ok.json.offset, 1);
  });

  it('a body over the limit is refused with 413 (declared or streamed) and the connection is closed', async () => {
    const declared = await rawRequest(port, 'POST /api/publish/x HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 5000\r\n\r\n' + 'y'.repeat(5000));
    assert.match(declared, /^HTTP\/1\.1 413 /);
    assert.match(declared, /"code":"body_too_large"/);
    const streamed = await rawRequest(
      port,
      'POST /api/publish/x HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n' + '1000\r\n' + 'z'.repeat(4096) + '\r\n' + '10\r\n' + 'z'.repeat(16) + '\r\n0\r\n\r\n',
    );
    assert.match(streamed, /^HTTP\/1\.1 413 /);
    // rawRequest resolved, so the server closed the connection after answering.
  });

  it('a body sent slowly in small pieces is read whole', async () => {
    const body = JSON.stringify({ channel: 'trickle', data: 'p'.repeat(2000) });
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let text = '';
      socket.on('data', (d) => {
        text += d.toString();
        if (text.includes('"offset"')) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.on('error', reject);
      socket.write(`POST /api/publish HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
      let at = 0;
      const timer = setInterval(() => {
        socket.write(body.slice(at, at + 300));
        at += 300;
        if (at >= body.length) clearInterval(timer);
      }, 5);
    });
    assert.match(answer, /^HTTP\/1\.1 200 /);
  });

  it('serves the demo page, /metrics, /healthz and /readyz on the same port', async () => {
    const page = await call(base, 'GET', '/');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    const metrics = await call(base, 'GET', '/metrics');
    assert.equal(metrics.status, 200);
    assert.match(metrics.text, /pushgate_connections/);
    assert.equal((await call(base, 'GET', '/healthz')).status, 200);
    assert.equal((await call(base, 'GET', '/readyz')).status, 200);
    const head = await call(base, 'HEAD', '/healthz');
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
  });

  it('answers broken handshakes as the node engine does: status, JSON reason, X-Pushgate-Reason', async () => {
    const badVersion = await RawClient.request(port, 'GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n');
    assert.equal(badVersion.status, 426);
    assert.equal(badVersion.headers['sec-websocket-version'], '13');
    assert.equal(badVersion.headers['x-pushgate-reason'], 'unsupported_version');
    const shortKey = await RawClient.request(port, 'GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: abc\r\nSec-WebSocket-Version: 13\r\n\r\n');
    assert.equal(shortKey.status, 400);
    assert.equal(JSON.parse(shortKey.body).error.code, 'bad_handshake');
    const noConnection = await RawClient.request(port, 'GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
    assert.equal(noConnection.status, 400);
    assert.equal(noConnection.headers['x-pushgate-reason'], 'bad_handshake');
    assert.equal((await call(base, 'GET', '/healthz')).status, 200);
  });
});
