// The slow-consumer policy on both engines (one suite): a subscriber that stops
// reading goes over its route's maxBufferedAmount; `drop` skips it until it
// drains and `close` closes it with 4003. On uws the fan-out is uWS's own topic
// publish, and every publication is still accounted for: received by the client
// or counted in pushgate_dropped_messages_total.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Gateway } from '../../../src/index.js';
import { startGateway } from '../../http/fixture.js';
import { RawClient } from '../../helpers/raw-client.js';
import { ENGINE_NAMES, engineUnavailableReason } from '../../helpers/engines.js';
import { metricValue } from '../../gateway/helpers/fakes.js';

const LIMIT = 64 * 1024;
const BIG = Buffer.alloc(64 * 1024, 0x42);
/** Enough to fill any loopback socket buffer many times over; the loops stop as soon as the policy acts. */
const MAX_PUBLICATIONS = 3000;

for (const engine of ENGINE_NAMES) {
  describe(`slow consumers on ${engine}`, { skip: engineUnavailableReason(engine) ?? false }, () => {
    let gateway: Gateway;
    let port: number;
    const clients: RawClient[] = [];

    before(async () => {
      ({ gateway, port } = await startGateway({
        server: { engine, closeTimeout: 1000 },
        channels: { defaults: { historySize: 0 } },
        routes: [
          { path: '/drop/:channel', type: 'stream', slowConsumer: 'drop', maxBufferedAmount: LIMIT },
          { path: '/close/:channel', type: 'stream', slowConsumer: 'close', maxBufferedAmount: LIMIT },
        ],
      }));
    });
    after(async () => {
      for (const client of clients) client.destroy();
      await gateway.close();
    });

    const metric = (name: string, route: string) => metricValue(gateway.metrics, name, { route });

    async function stalledSubscriber(path: string, channel: string): Promise<RawClient> {
      const client = await RawClient.connect(port, { path });
      clients.push(client);
      client.socket.pause();
      const deadline = Date.now() + 5000;
      // Subscribed once the channel lists it.
      for (;;) {
        const res = await fetch(`http://127.0.0.1:${port}/api/channels`);
        const { channels } = (await res.json()) as { channels: { channel: string; subscribers: number }[] };
        if (channels.some((c) => c.channel === channel && c.subscribers === 1)) return client;
        if (Date.now() > deadline) throw new Error(`${channel} has no subscriber`);
        await new Promise((r) => setTimeout(r, 10));
      }
    }

    it('drop: publications over the limit are dropped and counted, delivery resumes after the client drains', async () => {
      const route = '/drop/:channel';
      const client = await stalledSubscriber('/drop/slow-d', 'slow-d');
      let published = 0;
      while (published < MAX_PUBLICATIONS && (await metric('pushgate_dropped_messages_total', route)) === 0) {
        await gateway.publish('slow-d', BIG);
        published++;
      }
      assert.ok((await metric('pushgate_dropped_messages_total', route)) > 0, `nothing dropped after ${published} publications`);
      assert.equal(await metric('pushgate_slow_consumer_disconnects_total', route), 0);

      // Read again: once drained, small publications get through.
      client.socket.resume();
      let big = 0;
      let small = 0;
      const deadline = Date.now() + 15_000;
      while (small === 0) {
        assert.ok(Date.now() < deadline, 'no publication arrived after draining');
        await gateway.publish('slow-d', Buffer.from('after'));
        published++;
        for (;;) {
          let frame;
          try {
            frame = await client.nextFrame(50);
          } catch {
            break;
          }
          if (frame.payload.length === BIG.length) big++;
          else small++;
        }
      }
      assert.ok(big > 0, 'the publications before the limit were delivered');
      // Every publication is accounted for: received, or counted as dropped.
      assert.equal(big + small + (await metric('pushgate_dropped_messages_total', route)), published);
      assert.equal(await metric('pushgate_messages_sent_total', route), big + small);
    });

    it('close: the subscriber is closed with 4003 and counted as a slow-consumer disconnect', async () => {
      const route = '/close/:channel';
      const client = await stalledSubscriber('/close/slow-c', 'slow-c');
      let published = 0;
      while (published < MAX_PUBLICATIONS && (await metric('pushgate_slow_consumer_disconnects_total', route)) === 0) {
        await gateway.publish('slow-c', BIG);
        published++;
      }
      assert.equal(await metric('pushgate_slow_consumer_disconnects_total', route), 1, `not closed after ${published} publications`);
      client.socket.resume();
      const { code } = await client.readUntilClose(15_000);
      assert.equal(code, 4003);
      // Counted when the server has seen the connection end (after the client's answer on node).
      const sent = () => metricValue(gateway.metrics, 'pushgate_close_codes_sent_total', { route, code: '4003' });
      const deadline = Date.now() + 10_000;
      while ((await sent()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.equal(await sent(), 1);
    });
  });
}
