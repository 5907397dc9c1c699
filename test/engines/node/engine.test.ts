import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { RawClient, closePayload } from '../../helpers/raw-client.js';
import { startEchoServer } from '../../helpers/echo-server.js';
import { expectClose } from '../../helpers/ws-assert.js';
import { createNodeEngine } from '../../../src/engines/node/index.js';
import type { EngineFactory } from '../../../src/engines/types.js';

test('createNodeEngine is an EngineFactory named node', async () => {
  const factory: EngineFactory = createNodeEngine;
  const s = await startEchoServer();
  assert.equal(s.engine.name, 'node');
  await s.close();
  assert.equal(typeof factory, 'function');
});

test('stopListening refuses new connections and keeps open ones', async () => {
  const s = await startEchoServer();
  try {
    const c = await RawClient.connect(s.port);
    await s.engine.stopListening();
    const refused = await new Promise<boolean>((resolve) => {
      const sock = connect({ port: s.port, host: '127.0.0.1' });
      sock.once('connect', () => {
        sock.destroy();
        resolve(false);
      });
      sock.once('error', () => resolve(true));
    });
    assert.equal(refused, true);
    c.sendFrame({ opcode: 1, payload: 'still open' });
    assert.equal((await c.nextFrame()).payload.toString(), 'still open');
    c.destroy();
  } finally {
    await s.close();
  }
});

test('engine.close closes every connection with 1001 and resolves once they are gone', async () => {
  const s = await startEchoServer();
  const clients = await Promise.all([RawClient.connect(s.port), RawClient.connect(s.port)]);
  for (let i = 0; i < 100 && s.open.size < 2; i++) await new Promise((r) => setTimeout(r, 10));
  const closing = s.close();
  for (const c of clients) {
    const close = await c.readUntilClose();
    assert.equal(close.code, 1001);
    c.sendFrame({ opcode: 8, payload: closePayload(1001) });
    await c.waitEnd();
  }
  await closing;
  assert.equal(s.open.size, 0);
  assert.deepEqual(s.closes.map((x) => x.code), [1001, 1001]);
});

test('a message hook that throws closes that connection with 1011, nothing else', async () => {
  const s = await startEchoServer({
    message: (conn, data) => {
      if (data.toString() === 'throw') throw new Error('gateway bug');
      conn.send(data, false);
    },
  });
  try {
    const bad = await RawClient.connect(s.port);
    const good = await RawClient.connect(s.port);
    bad.sendFrame({ opcode: 1, payload: 'throw' });
    await expectClose(bad, 1011);
    good.sendFrame({ opcode: 1, payload: 'fine' });
    assert.equal((await good.nextFrame()).payload.toString(), 'fine');
    bad.destroy();
    good.destroy();
  } finally {
    await s.close();
  }
});

test('the http hook reads bodies up to its limit; larger ones get 413', async () => {
  const s = await startEchoServer({
    http: async (_req, body) => ({ status: 200, body: `got ${(await body(10)).length}` }),
  });
  try {
    const ok = await RawClient.request(s.port, 'POST /publish HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 5\r\n\r\nhello');
    assert.deepEqual([ok.status, ok.body], [200, 'got 5']);
    const big = await RawClient.request(s.port, 'POST /publish HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world');
    assert.equal(big.status, 413);
    assert.equal(JSON.parse(big.body).error.code, 'body_too_large');
    const chunked = await RawClient.request(
      s.port,
      'POST /publish HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n',
    );
    assert.equal(chunked.status, 413);
  } finally {
    await s.close();
  }
});
