import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient, handshakeRequest, type HandshakeOptions } from '../../helpers/raw-client.js';
import { startEchoServer, TEST_CONNECTION_OPTIONS, type EchoServer } from '../../helpers/echo-server.js';

let server: EchoServer;
before(async () => {
  server = await startEchoServer({ protocols: ['chat.v1', 'chat.v2'], engine: { handshakeTimeout: 300, maxHeaderSize: 4096 } });
});
after(() => server.close());

async function reject(opts: HandshakeOptions, status: number, reason: string): Promise<string> {
  const res = await RawClient.request(server.port, handshakeRequest(opts));
  assert.equal(res.status, status, JSON.stringify(opts));
  assert.equal(res.headers['x-pushgate-reason'], reason);
  assert.equal(res.headers['content-type'], 'application/json');
  assert.equal(res.ended, true, 'the socket is closed after the rejection');
  const body = JSON.parse(res.body) as { error: { code: string; message: string } };
  assert.equal(body.error.code, reason);
  return body.error.message;
}

test('the RFC example key is answered with s3pPLMBiTxaQ9kYGzzhZRbK+xOo=', async () => {
  const c = await RawClient.connect(server.port);
  assert.equal(c.response?.headers['sec-websocket-accept'], 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  assert.equal(c.response?.headers.upgrade, 'websocket');
  assert.equal(c.response?.headers['sec-websocket-protocol'], undefined);
  c.destroy();
});

test('400: method other than GET', async () => {
  assert.match(await reject({ method: 'POST' }, 400, 'bad_handshake'), /GET/);
});

test('400: HTTP/1.0', async () => {
  assert.match(await reject({ httpVersion: '1.0' }, 400, 'bad_handshake'), /HTTP\/1\.1/);
});

test('400: Upgrade header missing or not websocket', async () => {
  assert.match(await reject({ headers: { Upgrade: null } }, 400, 'bad_handshake'), /Upgrade/);
  assert.match(await reject({ headers: { Upgrade: 'h2c' } }, 400, 'bad_handshake'), /Upgrade/);
});

test('400: Connection header without the upgrade token', async () => {
  assert.match(await reject({ headers: { Connection: 'keep-alive' } }, 400, 'bad_handshake'), /Connection/);
});

test('400: Sec-WebSocket-Key that is not base64 of 16 bytes', async () => {
  for (const key of [null, 'short==', Buffer.alloc(20).toString('base64'), '@'.repeat(22) + '==']) {
    assert.match(await reject({ headers: { 'Sec-WebSocket-Key': key } }, 400, 'bad_handshake'), /Sec-WebSocket-Key/);
  }
});

test('400: Host header missing', async () => {
  assert.match(await reject({ headers: { Host: null } }, 400, 'bad_handshake'), /Host/);
});

test('426 with Sec-WebSocket-Version: 13 for any other version', async () => {
  for (const v of ['8', '12', null]) {
    const res = await RawClient.request(server.port, handshakeRequest({ headers: { 'Sec-WebSocket-Version': v } }));
    assert.equal(res.status, 426);
    assert.equal(res.headers['sec-websocket-version'], '13');
    assert.equal(res.ended, true);
  }
});

test('subprotocol: the first of the client\'s list the server supports, or none', async () => {
  const a = await RawClient.connect(server.port, { headers: { 'Sec-WebSocket-Protocol': 'x, chat.v2, chat.v1' } });
  assert.equal(a.response?.headers['sec-websocket-protocol'], 'chat.v2');
  a.destroy();
  const b = await RawClient.connect(server.port, { headers: { 'Sec-WebSocket-Protocol': 'x, y' } });
  assert.equal(b.response?.headers['sec-websocket-protocol'], undefined);
  b.destroy();
});

test('431 when the header block exceeds maxHeaderSize', async () => {
  const res = await RawClient.request(server.port, handshakeRequest({ headers: { 'X-Filler': 'a'.repeat(8000) } }));
  assert.equal(res.status, 431);
  assert.equal(res.headers['x-pushgate-reason'], 'headers_too_large');
  assert.equal(res.ended, true);
});

test('a client that never finishes its request is dropped after handshakeTimeout', async () => {
  const before = server.events.get('handshake_timeout') ?? 0;
  const c = await RawClient.open(server.port);
  c.send('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n');
  await c.waitEnd(5000);
  assert.match(c.pending.toString(), /^HTTP\/1\.1 408 /);
  assert.equal(server.events.get('handshake_timeout'), before + 1);
  c.destroy();
});

test('an async upgrade hook can reject with a status, JSON body and X-Pushgate-Reason', async () => {
  const s = await startEchoServer({
    upgrade: async (req) => {
      await new Promise((r) => setTimeout(r, 20));
      if (req.query === 'token=good') return { accept: true, options: TEST_CONNECTION_OPTIONS, context: null };
      return { accept: false, status: 401, code: 'unauthorized', message: 'token expired', headers: { 'WWW-Authenticate': 'Bearer' } };
    },
  });
  try {
    const res = await RawClient.request(s.port, handshakeRequest({ path: '/ws?token=bad' }));
    assert.equal(res.status, 401);
    assert.equal(res.headers['x-pushgate-reason'], 'unauthorized');
    assert.equal(res.headers['www-authenticate'], 'Bearer');
    assert.deepEqual(JSON.parse(res.body), { error: { code: 'unauthorized', message: 'token expired' } });
    assert.equal(res.ended, true);
    const ok = await RawClient.connect(s.port, { path: '/ws?token=good' });
    ok.sendFrame({ opcode: 1, payload: 'hi' });
    assert.equal((await ok.nextFrame()).payload.toString(), 'hi');
    ok.destroy();
  } finally {
    await s.close();
  }
});

test('an upgrade hook that throws gives 500, not a crash', async () => {
  const s = await startEchoServer({ upgrade: () => { throw new Error('boom'); } });
  try {
    const res = await RawClient.request(s.port, handshakeRequest());
    assert.equal(res.status, 500);
    assert.equal(res.headers['x-pushgate-reason'], 'internal_error');
  } finally {
    await s.close();
  }
});

test('plain HTTP requests reach the http hook', async () => {
  const res = await RawClient.request(server.port, 'GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.equal(res.status, 200);
  assert.equal(res.body, 'plain GET /health');
  const noHost = await RawClient.request(server.port, 'GET /health HTTP/1.1\r\nConnection: close\r\n\r\n');
  assert.equal(noHost.status, 400);
});
