// End to end over real sockets: the gateway core with the memory broker on each
// engine (one suite, parameterised), driven by `ws` clients.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rejectedHandshake, TestClient } from './helpers/client.js';
import { startGateway, type TestGateway } from './helpers/gateway.js';
import { metricValue } from './helpers/fakes.js';
import { testConfig } from './helpers/config.js';
import { ENGINE_NAMES, engineUnavailableReason } from '../helpers/engines.js';
import { waitFor } from '../helpers/wait.js';

for (const engine of ENGINE_NAMES) {
describe(`gateway core on ${engine}`, { skip: engineUnavailableReason(engine) ?? false }, () => {
  let gw: TestGateway;
  const clients: TestClient[] = [];

  async function connect(path = '/ws', protocols?: string[]): Promise<TestClient> {
    const client = await TestClient.connect(gw.url(path), protocols);
    clients.push(client);
    return client;
  }

  before(async () => {
    gw = await startGateway(testConfig(), {}, engine);
  });

  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await gw.close();
  });

  describe('pubsub: subscribe, publish, unsubscribe', () => {
    it('a subscriber receives API and client publications as envelopes with offsets from 1', async () => {
      const sub = await connect();
      const pub = await connect();
      const reply = await sub.request({ id: 1, op: 'subscribe', channel: 'basic' });
      assert.equal(reply.ok, true);
      assert.equal(reply.offset, 0);
      assert.equal(typeof reply.epoch, 'string');
      assert.equal(reply.recovered, undefined);

      const api = await gw.core.publish('basic', { kind: 'json', data: { from: 'api' } }, 'api');
      assert.deepEqual(api, { channel: 'basic', offset: 1, epoch: reply.epoch });
      const own = await pub.request({ id: 'p1', op: 'publish', channel: 'basic', data: [1, 'two', null] });
      assert.deepEqual(own, { id: 'p1', ok: true, offset: 2, epoch: reply.epoch });

      await sub.waitUntil(() => sub.publications().length === 2);
      assert.deepEqual(sub.publications(), [
        { channel: 'basic', offset: 1, epoch: reply.epoch, data: { from: 'api' } },
        { channel: 'basic', offset: 2, epoch: reply.epoch, data: [1, 'two', null] },
      ]);
      assert.equal(pub.publications().length, 0, 'the publisher is not subscribed');

      assert.deepEqual(await sub.request({ id: 2, op: 'unsubscribe', channel: 'basic' }), { id: 2, ok: true });
      await gw.core.publish('basic', { kind: 'json', data: 'after' }, 'api');
      await sub.sync();
      assert.equal(sub.publications().length, 2, 'nothing after unsubscribe');
      assert.equal(await metricValue(gw.metrics, 'pushgate_publications_total', { namespace: 'default', source: 'client' }), 1);
    });

    it('a subscribed publisher receives its own publication; ping answers pong', async () => {
      const c = await connect();
      await c.request({ op: 'subscribe', channel: 'self' });
      const reply = await c.request({ op: 'publish', channel: 'self', data: 'me' });
      await c.waitUntil(() => c.publications().length === 1);
      assert.equal(c.publications()[0].offset, reply.offset);
      assert.deepEqual(await c.request({ id: 'x', op: 'ping' }), { id: 'x', ok: true, pong: true });
    });

    it('one connection can hold many channels, each with its own offsets', async () => {
      const c = await connect();
      await c.request({ op: 'subscribe', channel: 'multi:a' });
      await c.request({ op: 'subscribe', channel: 'multi:b' });
      await gw.core.publish('multi:a', { kind: 'json', data: 'a1' }, 'embed');
      await gw.core.publish('multi:b', { kind: 'json', data: 'b1' }, 'embed');
      await gw.core.publish('multi:a', { kind: 'json', data: 'a2' }, 'embed');
      await c.waitUntil(() => c.publications().length === 3);
      assert.deepEqual(c.publications().map((p) => [p.channel, p.offset, p.data]), [
        ['multi:a', 1, 'a1'],
        ['multi:b', 1, 'b1'],
        ['multi:a', 2, 'a2'],
      ]);
      assert.deepEqual(gw.core.channels().filter((ch) => ch.channel.startsWith('multi:')).sort((x, y) => x.channel.localeCompare(y.channel)), [
        { channel: 'multi:a', subscribers: 1 },
        { channel: 'multi:b', subscribers: 1 },
      ]);
    });

    it('raw publications reach pubsub subscribers as a string (text) or base64 (binary)', async () => {
      const c = await connect();
      await c.request({ op: 'subscribe', channel: 'rawpub' });
      await gw.core.publish('rawpub', { kind: 'raw', bytes: Buffer.from('plain text'), isBinary: false }, 'api');
      await gw.core.publish('rawpub', { kind: 'raw', bytes: Buffer.from([0xde, 0xad, 0xbe, 0xef]), isBinary: true }, 'api');
      await c.waitUntil(() => c.publications().length === 2);
      const [text, binary] = c.publications();
      assert.equal(text.data, 'plain text');
      assert.equal(text.encoding, undefined);
      assert.equal(binary.data, '3q2+7w==');
      assert.equal(binary.encoding, 'base64');
    });
  });

  describe('pubsub: every error reply, and the connection stays open', () => {
    async function errorFor(client: TestClient, raw: string | Buffer, id: unknown = null): Promise<any> {
      const before = client.json().length;
      client.ws.send(raw);
      await client.waitUntil(() => client.json().slice(before).some((m) => 'error' in m));
      const reply = client.json().slice(before).find((m) => 'error' in m);
      assert.equal(reply.id, id);
      return reply.error;
    }

    it('answers each bad request with its documented code', async () => {
      const c = await connect();
      const ro = await connect('/readonly');
      const cases: [TestClient, string | Buffer, unknown, string][] = [
        [c, '{not json', null, 'bad_request'],
        [c, Buffer.from([1, 2, 3]), null, 'bad_request'],
        [c, '[1,2]', null, 'bad_request'],
        [c, '{"op":"ping"}', null, 'bad_request'],
        [c, '{"id":1,"op":"yell"}', 1, 'unknown_op'],
        [c, '{"id":2,"op":"subscribe"}', 2, 'bad_request'],
        [c, '{"id":3,"op":"publish","channel":"x"}', 3, 'bad_request'],
        [c, '{"id":4,"op":"subscribe","channel":"bad name"}', 4, 'bad_channel'],
        [c, `{"id":5,"op":"subscribe","channel":"${'x'.repeat(65)}"}`, 5, 'bad_channel'],
        [c, '{"id":6,"op":"subscribe","channel":"a","since":{"offset":"1"}}', 6, 'bad_request'],
        [c, '{"id":7,"op":"unsubscribe","channel":"never"}', 7, 'not_subscribed'],
        [c, '{"id":8,"op":"publish","channel":"locked:x","data":1}', 8, 'forbidden'],
        [ro, '{"id":9,"op":"subscribe","channel":"other"}', 9, 'forbidden'],
        [ro, '{"id":10,"op":"publish","channel":"news:x","data":1}', 10, 'forbidden'],
      ];
      for (const [client, raw, id, code] of cases) {
        const error = await errorFor(client, raw, id);
        assert.equal(error.code, code, `${String(raw)} → ${code}`);
        assert.equal(typeof error.message, 'string');
        assert.ok(error.message.length > 0);
      }
      assert.deepEqual(await c.request({ id: 'dup', op: 'subscribe', channel: 'dup' }), { id: 'dup', ok: true, offset: 0, epoch: (await gw.broker.position('dup')).epoch });
      assert.equal((await errorFor(c, '{"id":"dup2","op":"subscribe","channel":"dup"}', 'dup2')).code, 'already_subscribed');
      // Allowed on the read-only route: a channel its patterns list.
      assert.equal((await ro.request({ op: 'subscribe', channel: 'news:eu' })).ok, true);

      assert.equal(c.closed, null);
      assert.equal(ro.closed, null);
      await c.sync();
      assert.equal(await metricValue(gw.metrics, 'pushgate_client_protocol_errors_total', { route: '/ws', code: 'bad_request' }), 7);
      assert.equal(await metricValue(gw.metrics, 'pushgate_client_protocol_errors_total', { route: '/readonly', code: 'forbidden' }), 2);
    });

    it('core.publish refuses bad channels and unserialisable data with table errors', async () => {
      await assert.rejects(gw.core.publish('bad name', { kind: 'json', data: 1 }, 'api'), (e: any) => e.code === 'bad_channel' && e.httpStatus === 400);
      const cyclic: any = {};
      cyclic.self = cyclic;
      await assert.rejects(gw.core.publish('ok', { kind: 'json', data: cyclic }, 'embed'), (e: any) => e.code === 'bad_request' && e.httpStatus === 400);
      await assert.rejects(gw.core.publish('ok', { kind: 'json', data: undefined as any }, 'embed'), (e: any) => e.code === 'bad_request');
    });

    it('a client publishing deeply nested data gets an error reply, not a crash', async () => {
      const c = await connect();
      const deep = '['.repeat(20_000) + ']'.repeat(20_000);
      c.ws.send(`{"id":"deep","op":"publish","channel":"deep","data":${deep}}`);
      const reply = await c.reply('deep');
      // Either it fits the stack and is published, or it is refused as bad_request.
      assert.ok(reply.ok === true || reply.error.code === 'bad_request', JSON.stringify(reply).slice(0, 200));
      await c.sync();
    });
  });

  describe('ordering', () => {
    it('every subscriber sees every publication of a channel in offset order under concurrent publishers', async () => {
      const subs = await Promise.all(Array.from({ length: 5 }, () => connect()));
      for (const s of subs) await s.request({ op: 'subscribe', channel: 'order' });
      const publishers = await Promise.all(Array.from({ length: 8 }, () => connect()));
      const perPublisher = 100;
      // Client publishers fire all requests without waiting; the API publishes in parallel.
      for (const [p, publisher] of publishers.entries()) {
        for (let i = 0; i < perPublisher; i++) publisher.ws.send(JSON.stringify({ id: i, op: 'publish', channel: 'order', data: { p, i } }));
      }
      const api = Array.from({ length: perPublisher }, (_, i) => gw.core.publish('order', { kind: 'json', data: { p: 'api', i } }, 'api'));
      await Promise.all(api);
      const total = perPublisher * (publishers.length + 1);
      for (const s of subs) {
        await s.waitUntil(() => s.publications().length >= total, 15_000, `${total} publications`);
        const pubs = s.publications();
        assert.equal(pubs.length, total);
        assert.deepEqual(pubs.map((p) => p.offset), Array.from({ length: total }, (_, k) => k + 1), 'offsets 1..N, no gap, no duplicate');
        // Each publisher's own sequence arrives in the order it was sent.
        const last = new Map<unknown, number>();
        for (const { data } of pubs) {
          assert.ok(data.i > (last.get(data.p) ?? -1), `publisher ${data.p} out of order`);
          last.set(data.p, data.i);
        }
      }
      // Every publish request was answered, in request order per publisher.
      for (const publisher of publishers) {
        await publisher.waitUntil(() => publisher.json().filter((m) => m.ok).length === perPublisher);
        assert.deepEqual(publisher.json().map((m) => m.id), Array.from({ length: perPublisher }, (_, i) => i));
      }
    });
  });

  describe('resume', () => {
    async function subscribeAndRead(channel: string, count: number) {
      const c = await connect();
      const reply = await c.request({ op: 'subscribe', channel });
      for (let i = 1; i <= count; i++) await gw.core.publish(channel, { kind: 'json', data: i }, 'api');
      await c.waitUntil(() => c.publications().length === count);
      await c.close();
      return { epoch: reply.epoch as string, last: c.publications().at(-1).offset as number };
    }

    it('recovers a gap inside history: reply, then the missed publications in order, then live', async () => {
      const { epoch, last } = await subscribeAndRead('resume:gap', 3);
      for (let i = 4; i <= 7; i++) await gw.core.publish('resume:gap', { kind: 'json', data: i }, 'api');
      const c = await connect();
      c.ws.send(JSON.stringify({ id: 'r', op: 'subscribe', channel: 'resume:gap', since: { offset: last, epoch } }));
      await c.waitForCount(5);
      await gw.core.publish('resume:gap', { kind: 'json', data: 8 }, 'api');
      await c.waitForCount(6);
      const [reply, ...pubs] = c.json();
      assert.deepEqual(reply, { id: 'r', ok: true, recovered: true, offset: 7, epoch });
      assert.deepEqual(pubs.map((p) => [p.offset, p.data]), [[4, 4], [5, 5], [6, 6], [7, 7], [8, 8]]);
    });

    it('recovers with nothing missed (no duplicates of what the client already has)', async () => {
      const { epoch, last } = await subscribeAndRead('resume:none', 2);
      const c = await connect();
      const reply = await c.request({ op: 'subscribe', channel: 'resume:none', since: { offset: last, epoch } });
      assert.deepEqual({ ...reply, id: 0 }, { id: 0, ok: true, recovered: true, offset: 2, epoch });
      await c.sync();
      assert.equal(c.publications().length, 0);
    });

    it('says recovered:false with the current position when the gap is outside the window', async () => {
      // Namespace `news` keeps 5 publications.
      const { epoch, last } = await subscribeAndRead('news:gap', 1);
      for (let i = 2; i <= 10; i++) await gw.core.publish('news:gap', { kind: 'json', data: i }, 'api');
      const c = await connect();
      const reply = await c.request({ op: 'subscribe', channel: 'news:gap', since: { offset: last, epoch } });
      assert.equal(reply.recovered, false);
      assert.equal(reply.offset, 10);
      assert.equal(reply.epoch, epoch);
      await gw.core.publish('news:gap', { kind: 'json', data: 11 }, 'api');
      await c.waitUntil(() => c.publications().length === 1);
      assert.equal(c.publications()[0].offset, 11, 'live from the current position, no partial replay');
      assert.equal(await metricValue(gw.metrics, 'pushgate_history_publications', { namespace: 'news' }), 5, 'the history gauge follows the ring');
    });

    it('says recovered:false for a wrong epoch (history lost) and for a channel without history', async () => {
      const { last } = await subscribeAndRead('resume:epoch', 2);
      const c = await connect();
      const reply = await c.request({ op: 'subscribe', channel: 'resume:epoch', since: { offset: last, epoch: 'from-before-a-restart' } });
      assert.deepEqual([reply.recovered, reply.offset], [false, 2]);
      assert.notEqual(reply.epoch, 'from-before-a-restart');

      const nohist = await subscribeAndRead('nohist:x', 2);
      await gw.core.publish('nohist:x', { kind: 'json', data: 3 }, 'api');
      const d = await connect();
      const r2 = await d.request({ op: 'subscribe', channel: 'nohist:x', since: { offset: nohist.last, epoch: nohist.epoch } });
      assert.deepEqual([r2.recovered, r2.offset], [false, 3]);
    });
  });

  describe('stream routes', () => {
    it('delivers raw payloads with no envelope: JSON as its text, text as text, binary as binary', async () => {
      const s = await connect('/stream/live:feed');
      await waitForSubscribers('live:feed', 1);
      await gw.core.publish('live:feed', { kind: 'json', data: { hello: 'world' } }, 'api');
      await gw.core.publish('live:feed', { kind: 'raw', bytes: Buffer.from('just text'), isBinary: false }, 'api');
      await gw.core.publish('live:feed', { kind: 'raw', bytes: Buffer.from([0, 1, 2, 255]), isBinary: true }, 'api');
      await s.waitForCount(3);
      assert.deepEqual(s.messages.map((m) => [m.isBinary, m.isBinary ? [...m.data] : m.data.toString()]), [
        [false, '{"hello":"world"}'],
        [false, 'just text'],
        [true, [0, 1, 2, 255]],
      ]);
    });

    it('publishes client messages raw when allowed: a pubsub subscriber sees them, stream peers too', async () => {
      const a = await connect('/stream/talk');
      const b = await connect('/stream/talk');
      const p = await connect();
      await p.request({ op: 'subscribe', channel: 'talk' });
      await waitForSubscribers('talk', 3);
      a.ws.send('hi there');
      a.ws.send(Buffer.from([9, 8, 7]));
      await b.waitForCount(2);
      assert.deepEqual(b.messages.map((m) => [m.isBinary, m.data.toString('hex')]), [
        [false, Buffer.from('hi there').toString('hex')],
        [true, '090807'],
      ]);
      await p.waitUntil(() => p.publications().length === 2);
      assert.deepEqual(p.publications().map((m) => [m.offset, m.data, m.encoding]), [
        [1, 'hi there', undefined],
        [2, 'CQgH', 'base64'],
      ]);
    });

    it('ignores client messages where publishing is not allowed (namespace), and stays open', async () => {
      const s = await connect('/stream/locked:feed');
      await waitForSubscribers('locked:feed', 1);
      s.ws.send('ignored');
      const later = await gw.core.publish('locked:feed', { kind: 'json', data: 1 }, 'api');
      assert.equal(later.offset, 1, 'the client message was not published');
      await s.waitForCount(1);
      assert.equal(s.messages[0].data.toString(), '1');
    });

    it('decodes a percent-encoded channel segment', async () => {
      const s = await connect('/stream/a%2Fb');
      await waitForSubscribers('a/b', 1);
      await gw.core.publish('a/b', { kind: 'json', data: 'slash' }, 'api');
      await s.waitForCount(1);
      assert.equal(s.messages[0].data.toString(), '"slash"');
    });
  });

  describe('echo route', () => {
    it('reflects every message unchanged: text stays text, binary stays binary', async () => {
      const e = await connect('/echo');
      const big = Buffer.alloc(60_000, 7);
      e.ws.send('hello');
      e.ws.send(Buffer.from([1, 2, 3]));
      e.ws.send('');
      e.ws.send(big);
      e.ws.send('{"id":1,"op":"subscribe","channel":"x"}');
      await e.waitForCount(5);
      assert.deepEqual(e.messages.map((m) => m.isBinary), [false, true, false, true, false]);
      assert.equal(e.messages[0].data.toString(), 'hello');
      assert.deepEqual([...e.messages[1].data], [1, 2, 3]);
      assert.equal(e.messages[2].data.length, 0);
      assert.ok(e.messages[3].data.equals(big));
      assert.equal(e.messages[4].data.toString(), '{"id":1,"op":"subscribe","channel":"x"}', 'no protocol on echo');
      assert.equal(await metricValue(gw.metrics, 'pushgate_messages_received_total', { route: '/echo' }), 5);
      assert.equal(await metricValue(gw.metrics, 'pushgate_sent_bytes_total', { route: '/echo' }), 5 + 3 + 60_000 + 39);
    });
  });

  describe('handshake', () => {
    it('unknown path → 404 with a JSON error, counted as not_found', async () => {
      const r = await rejectedHandshake(gw.url('/nowhere'));
      assert.equal(r.status, 404);
      assert.equal(r.body.error.code, 'not_found');
      assert.equal(r.reason, 'not_found');
      assert.equal(await metricValue(gw.metrics, 'pushgate_handshakes_total', { route: 'none', result: 'not_found' }), 1);
    });

    it('stream route with a bad channel → 400, with a channel outside its patterns → 403', async () => {
      const bad = await rejectedHandshake(gw.url('/stream/has%20space'));
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, 'bad_channel');
      const undecodable = await rejectedHandshake(gw.url('/stream/%E0%A4%A'));
      assert.equal(undecodable.status, 400);
      const outside = await rejectedHandshake(gw.url('/feeds/other'));
      assert.equal(outside.status, 403);
      assert.equal(outside.body.error.code, 'forbidden');
      assert.equal(await metricValue(gw.metrics, 'pushgate_handshakes_total', { route: '/feeds/:channel', result: 'forbidden' }), 1);
      assert.equal(await metricValue(gw.metrics, 'pushgate_handshakes_total', { route: '/stream/:channel', result: 'bad_request' }), 2);
      const inside = await connect('/feeds/feed:1');
      assert.equal(inside.closed, null);
    });

    it('selects the route’s preferred subprotocol among those offered, none when none is offered', async () => {
      const c = await connect('/proto', ['pushgate.v1', 'pushgate.v2']);
      assert.equal(c.ws.protocol, 'pushgate.v2');
      const d = await connect('/proto', ['pushgate.v1']);
      assert.equal(d.ws.protocol, 'pushgate.v1');
      const e = await connect('/proto');
      assert.equal(e.ws.protocol, '');
    });

    it('counts connections and accepted handshakes; refuses with 503 while not accepting', async () => {
      const gauge = () => metricValue(gw.metrics, 'pushgate_connections', { route: '/echo', engine });
      const accepted = () => metricValue(gw.metrics, 'pushgate_handshakes_total', { route: '/echo', result: 'accepted' });
      const [connections, gaugeBefore, acceptedBefore] = [gw.core.stats().connections, await gauge(), await accepted()];
      const c = await connect('/echo');
      await waitFor(() => gw.core.stats().connections === connections + 1);
      assert.equal(await gauge(), gaugeBefore + 1);
      assert.equal(await accepted(), acceptedBefore + 1);
      gw.core.setAccepting(false);
      try {
        const r = await rejectedHandshake(gw.url('/ws'));
        assert.equal(r.status, 503);
        assert.equal(r.body.error.code, 'draining');
      } finally {
        gw.core.setAccepting(true);
      }
      c.ws.close(4321, 'bye');
      await waitFor(() => gw.core.stats().connections === connections);
      assert.equal(await gauge(), gaugeBefore);
      assert.equal(await metricValue(gw.metrics, 'pushgate_close_codes_received_total', { route: '/echo', code: '4321' }), 1);
    });
  });


  async function waitForSubscribers(channel: string, count: number): Promise<void> {
    await waitFor(() => (gw.core.channels().find((c) => c.channel === channel)?.subscribers ?? 0) >= count);
  }
});
}
