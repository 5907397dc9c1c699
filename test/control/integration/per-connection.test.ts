// Limits that live with an open connection, end to end: message and byte rates
// close with 4002 after exactly the allowed burst, the subscription limit
// answers too_many_subscriptions and gives room back on unsubscribe; each hit
// is counted in pushgate_limit_hits_total and the close code in close_codes_sent.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINE_NAMES, engineUnavailableReason } from '../../helpers/engines.js';
import { connect, metric, metricReaches, start, type Running } from './fixture.js';

const LIMIT_HITS = 'pushgate_limit_hits_total';
const CLOSES_SENT = 'pushgate_close_codes_sent_total';

for (const engine of ENGINE_NAMES) {
  describe(`control plane on ${engine}: per-connection limits`, { skip: engineUnavailableReason(engine) ?? false }, () => {
    let gw: Running;
    before(async () => {
      gw = await start(engine, {
        routes: [
          // Refill rates so low that no token comes back during the test, however slow the machine.
          { path: '/messages', type: 'echo', limits: { messageRate: { rate: 0.01, burst: 5 } } },
          { path: '/bytes', type: 'echo', limits: { byteRate: { rate: 1, burst: '100B' } } },
          { path: '/ws', type: 'pubsub', limits: { maxSubscriptions: 2 } },
        ],
      });
    });
    after(() => gw.gateway.close());

    it('closes with 4002 after the message burst; nothing past it is echoed', async () => {
      const client = await connect(gw.url('/messages'));
      for (let i = 0; i < 10; i++) client.ws.send(`m${i}`);
      const closed = await client.waitClosed();
      assert.equal(closed.code, 4002);
      assert.match(closed.reason, /message or byte rate/);
      assert.deepEqual(client.messages, ['m0', 'm1', 'm2', 'm3', 'm4']);
      assert.equal(await metric(gw.gateway, LIMIT_HITS, { route: '/messages', limit: 'message_rate' }), 1);
      assert.equal(await metricReaches(gw.gateway, CLOSES_SENT, { route: '/messages', code: '4002' }, 1), 1);
    });

    it('closes with 4002 over the byte rate; one message above the remaining budget still passes', async () => {
      const client = await connect(gw.url('/bytes'));
      const payload = 'x'.repeat(60);
      client.ws.send(payload); // 100 → 40 bytes left
      assert.equal(await client.message(0), payload);
      client.ws.send(payload); // passes into debt (40 → -20): see takeWithDebt
      assert.equal(await client.message(1), payload);
      client.ws.send(payload); // in debt: over the rate
      const closed = await client.waitClosed();
      assert.equal(closed.code, 4002);
      assert.equal(client.messages.length, 2);
      assert.equal(await metric(gw.gateway, LIMIT_HITS, { route: '/bytes', limit: 'byte_rate' }), 1);
      assert.equal(await metric(gw.gateway, LIMIT_HITS, { route: '/bytes', limit: 'message_rate' }), 0);
      assert.equal(await metricReaches(gw.gateway, CLOSES_SENT, { route: '/bytes', code: '4002' }, 1), 1);
    });

    it('answers too_many_subscriptions past maxSubscriptions and frees room on unsubscribe', async () => {
      const client = await connect(gw.url('/ws'));
      assert.equal((await client.request({ op: 'subscribe', channel: 'a' })).ok, true);
      assert.equal((await client.request({ op: 'subscribe', channel: 'b' })).ok, true);
      const refused = await client.request({ op: 'subscribe', channel: 'c' });
      assert.equal(refused.error.code, 'too_many_subscriptions');
      assert.equal(await metric(gw.gateway, LIMIT_HITS, { route: '/ws', limit: 'subscriptions' }), 1);

      assert.equal((await client.request({ op: 'unsubscribe', channel: 'a' })).ok, true);
      assert.equal((await client.request({ op: 'subscribe', channel: 'c' })).ok, true);
      // A refused subscribe (already subscribed) does not use up room either.
      assert.equal((await client.request({ op: 'subscribe', channel: 'b' })).error.code, 'already_subscribed');
      assert.equal((await client.request({ op: 'unsubscribe', channel: 'c' })).ok, true);
      assert.equal((await client.request({ op: 'subscribe', channel: 'd' })).ok, true);
      assert.equal((await client.request({ op: 'subscribe', channel: 'e' })).error.code, 'too_many_subscriptions');
      // The connection stays open and delivery still works.
      await gw.gateway.publish('d', { n: 1 });
      const delivered = JSON.parse(await client.message(client.messages.length));
      assert.deepEqual({ channel: delivered.channel, data: delivered.data }, { channel: 'd', data: { n: 1 } });
      assert.equal(await metric(gw.gateway, LIMIT_HITS, { route: '/ws', limit: 'subscriptions' }), 2);
      client.terminate();
    });
  });
}
