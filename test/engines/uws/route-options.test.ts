// Per-route connection options on both engines (one suite): message size limits,
// permessage-deflate, subprotocols and keepalive come from each route, although
// uWS configures its WebSocket behaviour once for the whole app.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import type { Gateway } from '../../../src/index.js';
import { startGateway } from '../../http/fixture.js';
import { RawClient } from '../../helpers/raw-client.js';
import { ENGINE_NAMES, engineUnavailableReason, expectedCloseCode } from '../../helpers/engines.js';
import { metricValue } from '../../gateway/helpers/fakes.js';

/** /big's limit, the largest of every route here (uWS's own maxPayloadLength). */
const LARGEST = 100_000;

function open(url: string, protocols?: string[]): Promise<WebSocket> {
  const ws = new WebSocket(url, protocols, { perMessageDeflate: true });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function closed(ws: WebSocket, ms = 5000): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('not closed in time')), ms);
    ws.once('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

function echoOf(ws: WebSocket, data: string | Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no echo')), 5000);
    ws.once('message', (message: Buffer) => {
      clearTimeout(timer);
      resolve(message);
    });
    ws.send(data);
  });
}

for (const engine of ENGINE_NAMES) {
  describe(`per-route options on ${engine}`, { skip: engineUnavailableReason(engine) ?? false }, () => {
    let gateway: Gateway;
    let port: number;
    const sockets: WebSocket[] = [];
    const url = (path: string) => `ws://127.0.0.1:${port}${path}`;
    const track = (ws: WebSocket) => (sockets.push(ws), ws);

    before(async () => {
      ({ gateway, port } = await startGateway({
        server: { engine },
        routes: [
          { path: '/small', type: 'echo', maxMessageSize: 1000 },
          { path: '/big', type: 'echo', maxMessageSize: LARGEST },
          { path: '/deflate', type: 'echo', compression: true, maxMessageSize: 50_000 },
          { path: '/proto', type: 'pubsub', subprotocols: ['pushgate.v2', 'pushgate.v1'], maxMessageSize: 10_000 },
          { path: '/ka', type: 'echo', pingInterval: 100, pongTimeout: 150, maxMessageSize: 10_000 },
        ],
      }));
    });
    after(async () => {
      for (const ws of sockets) ws.terminate();
      await gateway.close();
    });

    it('a message over its route’s own limit closes with 1009, one within it is echoed', async () => {
      const ws = track(await open(url('/small')));
      assert.equal((await echoOf(ws, 'a'.repeat(1000))).length, 1000);
      const code = closed(ws);
      ws.send('a'.repeat(1001));
      assert.equal(await code, 1009);
      assert.equal(await metricValue(gateway.metrics, 'pushgate_protocol_errors_total', { route: '/small', code: '1009' }), 1);
      // The same size is fine on a route that allows more.
      const big = track(await open(url('/big')));
      assert.equal((await echoOf(big, 'b'.repeat(1001))).length, 1001);
    });

    it('a message over the largest limit of all routes: 1009 on node, a dropped connection on uws', async () => {
      const ws = track(await open(url('/big')));
      const code = closed(ws);
      ws.send(Buffer.alloc(LARGEST + 1));
      assert.equal(await code, expectedCloseCode(engine, 1009));
      assert.equal(await metricValue(gateway.metrics, 'pushgate_protocol_errors_total', { route: '/big', code: '1009' }), 1);
    });

    it('permessage-deflate is negotiated on the compression route only, and compressed messages round-trip', async () => {
      const deflate = track(await open(url('/deflate')));
      assert.match(deflate.extensions, /permessage-deflate/);
      const text = 'compressible '.repeat(2000);
      assert.equal((await echoOf(deflate, text)).toString(), text);
      const plain = track(await open(url('/small')));
      assert.equal(plain.extensions, '');
    });

    it('selects the route’s preferred subprotocol among those offered', async () => {
      assert.equal(track(await open(url('/proto'), ['pushgate.v1', 'pushgate.v2'])).protocol, 'pushgate.v2');
      assert.equal(track(await open(url('/proto'), ['pushgate.v1'])).protocol, 'pushgate.v1');
      assert.equal(track(await open(url('/proto'))).protocol, '');
    });

    it('keepalive: pings every pingInterval; a peer that answers stays, a silent one is closed with 1001', async () => {
      const answering = track(await open(url('/ka')));
      let pings = 0;
      answering.on('ping', () => pings++);
      const silent = await RawClient.connect(port, { path: '/ka' });
      try {
        // The raw client never answers a ping: the server's first frame is a ping, its close follows.
        const first = await silent.nextFrame(3000);
        assert.equal(first.opcode, 0x9);
        const { code } = await silent.readUntilClose(3000);
        assert.equal(code, 1001);
      } finally {
        silent.destroy();
      }
      assert.ok(pings >= 2, `the answering client saw ${pings} pings`);
      assert.equal(answering.readyState, WebSocket.OPEN);
    });
  });
}
