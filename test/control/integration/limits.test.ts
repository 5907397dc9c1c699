// Connection limits and the handshake rate end to end: the documented status,
// body and handshakes_total result for each, slots given back when connections
// close, and exact limits under a burst of concurrent handshakes.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { GatewayConfigInput } from '../../../src/index.js';
import { ENGINE_NAMES, engineUnavailableReason, type EngineUnderTest } from '../../helpers/engines.js';
import { connect, handshake, metric, refusal, start, type Client, type Running } from './fixture.js';

const HANDSHAKES = 'pushgate_handshakes_total';

/** Handshakes until one succeeds (bounded): a slot is freed when the server's side of a close completes. */
async function eventuallyAccepted(url: string, timeoutMs = 5000): Promise<Client> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const outcome = await handshake(url);
    if (outcome.status === 101) return (outcome as { client: Client }).client;
    if (Date.now() > deadline) throw new Error(`still refused with ${outcome.status}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

for (const engine of ENGINE_NAMES) {
  describe(`control plane on ${engine}: connection limits and handshake rate`, { skip: engineUnavailableReason(engine) ?? false }, () => {
    const running: Running[] = [];
    const clients: Client[] = [];
    after(async () => {
      for (const client of clients) client.terminate();
      await Promise.all(running.map((gw) => gw.gateway.close()));
    });

    async function gateway(config: GatewayConfigInput): Promise<Running> {
      const gw = await start(engine as EngineUnderTest, config);
      running.push(gw);
      return gw;
    }

    async function open(url: string, options?: Parameters<typeof connect>[1]): Promise<Client> {
      const client = await connect(url, options);
      clients.push(client);
      return client;
    }

    it('answers 503 over_capacity at the process-wide maxConnections and frees the slot on close', async () => {
      const gw = await gateway({ limits: { maxConnections: 2 } });
      const first = await open(gw.url('/echo'));
      await open(gw.url('/ws'));
      const outcome = await handshake(gw.url('/echo'));
      assert.deepEqual(refusal(outcome), { status: 503, code: 'over_capacity', reason: 'over_capacity' });
      assert.equal(await metric(gw.gateway, HANDSHAKES, { route: '/echo', result: 'over_capacity' }), 1);

      first.terminate();
      clients.push(await eventuallyAccepted(gw.url('/echo')));
    });

    it('answers 503 at a route maxConnections while other routes still accept', async () => {
      const gw = await gateway({
        routes: [
          { path: '/ws', type: 'pubsub', limits: { maxConnections: 1 } },
          { path: '/echo', type: 'echo' },
        ],
      });
      await open(gw.url('/ws'));
      assert.deepEqual(refusal(await handshake(gw.url('/ws'))), { status: 503, code: 'over_capacity', reason: 'over_capacity' });
      await open(gw.url('/echo'));
      assert.equal(await metric(gw.gateway, HANDSHAKES, { route: '/ws', result: 'over_capacity' }), 1);
    });

    it('answers 429 too_many_connections at maxConnectionsPerIp, per client address', async () => {
      const gw = await gateway({ limits: { maxConnectionsPerIp: 2 } });
      await open(gw.url('/echo'));
      await open(gw.url('/echo'));
      const outcome = await handshake(gw.url('/echo'));
      assert.deepEqual(refusal(outcome), { status: 429, code: 'too_many_connections', reason: 'too_many_connections' });
      assert.equal(await metric(gw.gateway, HANDSHAKES, { route: '/echo', result: 'rate_limited' }), 1);
      // Another address has its own quota (all of 127.0.0.0/8 is loopback on Linux).
      await open(gw.url('/echo'), { localAddress: '127.0.0.2' });
    });

    it('answers 429 rate_limited with Retry-After over the handshake rate', async () => {
      // One token per 100 s: the bucket cannot refill during the test, however slow the machine.
      const gw = await gateway({ limits: { handshakeRate: { rate: 0.01, burst: 2 } } });
      (await open(gw.url('/echo'))).terminate();
      (await open(gw.url('/echo'))).terminate();
      const outcome = await handshake(gw.url('/echo'));
      assert.deepEqual(refusal(outcome), { status: 429, code: 'rate_limited', reason: 'rate_limited' });
      const retryAfter = Number(outcome.headers['retry-after']);
      assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 100, `Retry-After ${outcome.headers['retry-after']}`);
      assert.equal(await metric(gw.gateway, HANDSHAKES, { route: '/echo', result: 'rate_limited' }), 1);
      assert.equal(await metric(gw.gateway, HANDSHAKES, { route: '/echo', result: 'accepted' }), 2);
    });

    it('holds maxConnections exactly under 200 concurrent handshakes', async () => {
      const gw = await gateway({ limits: { maxConnections: 50 } });
      const outcomes = await Promise.all(Array.from({ length: 200 }, () => handshake(gw.url('/echo'))));
      for (const outcome of outcomes) if (outcome.status === 101) clients.push((outcome as { client: Client }).client);
      const statuses = outcomes.map((o) => o.status);
      assert.equal(statuses.filter((s) => s === 101).length, 50);
      assert.equal(statuses.filter((s) => s === 503).length, 150);
      assert.equal(await metric(gw.gateway, HANDSHAKES, { route: '/echo', result: 'accepted' }), 50);
      assert.equal(await metric(gw.gateway, HANDSHAKES, { route: '/echo', result: 'over_capacity' }), 150);
      assert.equal(await metric(gw.gateway, 'pushgate_connections', { route: '/echo' }), 50);
    });
  });
}
