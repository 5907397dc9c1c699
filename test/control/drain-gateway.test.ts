// gateway.drain() over real sockets, on every engine: what a load balancer, a
// new client and a connected client each observe while a gateway drains.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { refused } from '../helpers/ports.js';
import { performance } from 'node:perf_hooks';
import { createGateway, type Gateway, type GatewayConfigInput } from '../../src/index.js';
import { ENGINE_NAMES, engineUnavailableReason } from '../helpers/engines.js';
import { RawClient } from '../helpers/raw-client.js';
import { TestClient, rejectedHandshake } from '../gateway/helpers/client.js';
import { metricValue } from '../gateway/helpers/fakes.js';

const WAIT = 15_000;

async function start(engine: string, config: GatewayConfigInput): Promise<{ gateway: Gateway; port: number }> {
  const gateway = await createGateway({
    config: { ...config, server: { host: '127.0.0.1', port: 0, engine: engine as 'node', ...config.server }, log: { level: 'silent' } },
  });
  const { port } = await gateway.listen();
  return { gateway, port };
}

/** Resolves with the close a `ws` client saw and when (performance.now()), bounded in time. */
function closeOf(client: TestClient): Promise<{ code: number; reason: string; at: number }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no close in time')), WAIT);
    client.ws.once('close', (code, reason) => {
      clearTimeout(timer);
      resolve({ code, reason: reason.toString(), at: performance.now() });
    });
  });
}

for (const engine of ENGINE_NAMES) {
  describe(`drain on the ${engine} engine`, { skip: engineUnavailableReason(engine) ?? false }, () => {
    const gateways: Gateway[] = [];
    after(() => Promise.all(gateways.map((g) => g.close())));

    test('readiness fails and new handshakes get 503 draining at once, while open connections stay up', async () => {
      // Closes are 20 s away, so everything below happens inside the drain window however slow the machine.
      const { gateway, port } = await start(engine, { drain: { timeout: '60s', closeDelayMin: '20s', closeDelayMax: '20s' } });
      gateways.push(gateway);
      const base = `http://127.0.0.1:${port}`;
      const connected = await TestClient.connect(`ws://127.0.0.1:${port}/echo`);
      assert.equal((await fetch(`${base}/readyz`)).status, 200);
      assert.equal(await metricValue(gateway.metrics, 'pushgate_draining', {}), 0);

      const drained = gateway.drain();
      const ready = await fetch(`${base}/readyz`);
      assert.equal(ready.status, 503);
      assert.deepEqual(await ready.json(), { status: 'draining' });
      assert.equal((await fetch(`${base}/healthz`)).status, 200, 'still alive: liveness must not restart a draining pod');

      const refusedHandshake = await rejectedHandshake(`ws://127.0.0.1:${port}/echo`);
      assert.equal(refusedHandshake.status, 503);
      assert.equal(refusedHandshake.body.error.code, 'draining');
      assert.equal(await metricValue(gateway.metrics, 'pushgate_handshakes_total', { route: '/echo', result: 'draining' }), 1);
      assert.equal(await metricValue(gateway.metrics, 'pushgate_draining', {}), 1);

      connected.ws.send('still here');
      await connected.waitForCount(1);
      assert.equal(connected.messages[0].data.toString(), 'still here', 'an open connection keeps working until its turn');

      // close() cuts the drain short: the client gets its 1001 now and the drain resolves.
      const closed = closeOf(connected);
      await gateway.close();
      assert.equal((await closed).code, 1001);
      const summary = await drained;
      assert.deepEqual([summary.connections, summary.forced], [1, 0]);
    });

    test('every connection gets 1001 with the reason, at spread-out times; then the listen socket closes', async () => {
      const { gateway, port } = await start(engine, { drain: { timeout: '20s', closeDelayMin: 0, closeDelayMax: '1500ms' } });
      gateways.push(gateway);
      const clients = await Promise.all(Array.from({ length: 8 }, () => TestClient.connect(`ws://127.0.0.1:${port}/ws`)));
      const closes = clients.map(closeOf);
      const summary = await gateway.drain();
      const seen = await Promise.all(closes);

      for (const close of seen) assert.deepEqual([close.code, close.reason], [1001, 'server shutting down']);
      const distinct = new Set(seen.map((close) => Math.round(close.at)));
      assert.ok(distinct.size > 1, `closes were not spread: all arrived at ${[...distinct].join(', ')} ms`);
      assert.deepEqual([summary.connections, summary.closed, summary.forced], [8, 8, 0]);
      assert.equal(await metricValue(gateway.metrics, 'pushgate_close_codes_sent_total', { route: '/ws', code: '1001' }), 8);
      assert.equal(await refused(port), true, 'the listen socket is closed once the drain is done');
    });

    test('no message published before the drain is lost: each client gets all of them, in order, then 1001', async () => {
      // closeDelayMax 0: the close frame is queued right behind the publications, the hardest case.
      const { gateway, port } = await start(engine, { drain: { timeout: '20s', closeDelayMin: 0, closeDelayMax: 0 } });
      gateways.push(gateway);
      const clients = await Promise.all(Array.from({ length: 4 }, () => TestClient.connect(`ws://127.0.0.1:${port}/stream/news`)));
      // The stream subscription is registered on open; wait until the hub lists every subscriber.
      const deadline = Date.now() + WAIT;
      while ((await fetch(`http://127.0.0.1:${port}/api/channels`).then((r) => r.json() as Promise<any>)).channels?.[0]?.subscribers !== 4) {
        assert.ok(Date.now() < deadline, 'subscribers never registered');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const N = 300;
      const big = 'x'.repeat(8 * 1024);
      const published: Promise<unknown>[] = [];
      for (let i = 0; i < N; i++) published.push(gateway.publish('news', new TextEncoder().encode(`${i}:${i % 10 === 0 ? big : ''}`)));
      const closes = clients.map(closeOf);
      const summary = await gateway.drain();
      await Promise.all(published);
      const seen = await Promise.all(closes);

      clients.forEach((client, index) => {
        assert.equal(seen[index].code, 1001);
        const got = client.messages.map((m) => Number(m.data.toString('latin1').split(':')[0]));
        assert.equal(got.length, N, `client ${index} received ${got.length} of ${N}`);
        assert.deepEqual(got, Array.from({ length: N }, (_, i) => i));
      });
      assert.equal(summary.forced, 0);
    });

    test('a peer that never answers the close is dropped at the drain deadline; the drain still ends', async () => {
      // closeTimeout far beyond the drain timeout: only the deadline can end this connection.
      const { gateway, port } = await start(engine, { server: { closeTimeout: '60s' }, drain: { timeout: '1s', closeDelayMin: 0, closeDelayMax: 0 } });
      gateways.push(gateway);
      const raw = await RawClient.connect(port, { path: '/echo' });
      const summary = await gateway.drain();
      const { code } = await raw.readUntilClose(WAIT);
      assert.equal(code, 1001, 'it did get the close frame');
      await raw.waitEnd(WAIT);
      assert.equal(summary.connections, 1);
      // The node engine waits server.closeTimeout for the peer's close frame, so only the deadline ends
      // this one; uWebSockets.js ends the TCP connection right after its close frame by itself.
      if (engine === 'node') assert.deepEqual([summary.closed, summary.forced], [0, 1]);
      else assert.equal(summary.closed + summary.forced, 1);
      assert.equal(await refused(port), true);
    });
  });
}
