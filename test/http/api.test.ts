// The publish API end to end: real HTTP requests into a real gateway, with
// real WebSocket subscribers on the receiving side, on each engine.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Gateway } from '../../src/index.js';
import { call, postJson, startGateway, TestClient } from './fixture.js';
import { ENGINE_NAMES, engineUnavailableReason } from '../helpers/engines.js';

for (const engine of ENGINE_NAMES) {
describe(`HTTP API on ${engine}`, { skip: engineUnavailableReason(engine) ?? false }, () => {
  let gateway: Gateway;
  let base: string;
  let port: number;
  const clients: TestClient[] = [];

  before(async () => {
    ({ gateway, base, port } = await startGateway({ api: { maxBodySize: 1024 }, server: { engine } }));
  });
  after(async () => {
    for (const client of clients) client.close();
    await gateway.close();
  });

  async function open(path: string): Promise<TestClient> {
    const client = await TestClient.open(`ws://127.0.0.1:${port}${path}`);
    clients.push(client);
    return client;
  }

  /** A pubsub client subscribed to `channel` (the subscribe reply already consumed). */
  async function pubsubSubscriber(channel: string): Promise<TestClient> {
    const client = await open('/ws');
    client.send({ id: 1, op: 'subscribe', channel });
    await client.waitFor(1);
    assert.equal(client.json(0).ok, true);
    return client;
  }

  function apiCount(endpoint: string, status: number): Promise<number> {
    return gateway.metrics.apiRequests
      .get()
      .then((metric) => metric.values.find((v) => v.labels.endpoint === endpoint && v.labels.status === String(status))?.value ?? 0);
  }

  describe('POST /api/publish', () => {
    test('delivers JSON data to subscribers and answers with channel, offset and epoch', async () => {
      const sub = await pubsubSubscriber('api:one');
      const first = await postJson(base, '/api/publish', { channel: 'api:one', data: { n: 1, text: 'héllo' } });
      assert.equal(first.status, 200);
      assert.equal(first.json.channel, 'api:one');
      assert.equal(first.json.offset, 1);
      assert.equal(typeof first.json.epoch, 'string');
      const second = await postJson(base, '/api/publish', { channel: 'api:one', data: null });
      assert.deepEqual(second.json, { channel: 'api:one', offset: 2, epoch: first.json.epoch });

      await sub.waitFor(3);
      assert.deepEqual(sub.json(1), { channel: 'api:one', offset: 1, epoch: first.json.epoch, data: { n: 1, text: 'héllo' } });
      assert.deepEqual(sub.json(2), { channel: 'api:one', offset: 2, epoch: first.json.epoch, data: null });
      assert.equal(await apiCount('publish', 200), 2);
    });

    test('a missing Content-Type is accepted; a JSON media type with parameters too', async () => {
      // A byte body: fetch adds no Content-Type of its own (for a string it would say text/plain).
      const untyped = await call(base, 'POST', '/api/publish', Buffer.from(JSON.stringify({ channel: 'x', data: 1 })));
      assert.equal(untyped.status, 200);
      const withCharset = await call(base, 'POST', '/api/publish', JSON.stringify({ channel: 'x', data: 2 }), {
        'content-type': 'application/json; charset=utf-8',
      });
      assert.equal(withCharset.status, 200);
    });
  });

  describe('POST /api/publish/:channel (raw body)', () => {
    test('text/* arrives as a text message on a stream route and as a JSON string on a pubsub route', async () => {
      const stream = await open('/stream/raw:text');
      const pubsub = await pubsubSubscriber('raw:text');
      const reply = await call(base, 'POST', '/api/publish/raw:text', 'plain words ✓', { 'content-type': 'text/plain; charset=utf-8' });
      assert.equal(reply.status, 200);
      assert.equal(reply.json.offset, 1);

      await stream.waitFor(1);
      assert.equal(stream.messages[0].isBinary, false);
      assert.equal(stream.messages[0].data.toString('utf8'), 'plain words ✓');
      await pubsub.waitFor(2);
      assert.equal(pubsub.json(1).data, 'plain words ✓');
    });

    test('any other type arrives as a binary message, byte for byte', async () => {
      const stream = await open('/stream/raw:bin');
      const pubsub = await pubsubSubscriber('raw:bin');
      const bytes = Uint8Array.from([0, 1, 2, 0xff, 0xfe, 0x80, 10]);
      const reply = await call(base, 'POST', '/api/publish/raw:bin', bytes, { 'content-type': 'application/octet-stream' });
      assert.equal(reply.status, 200);

      await stream.waitFor(1);
      assert.equal(stream.messages[0].isBinary, true);
      assert.deepEqual([...stream.messages[0].data], [...bytes]);
      await pubsub.waitFor(2);
      assert.equal(pubsub.json(1).encoding, 'base64');
      assert.deepEqual([...Buffer.from(pubsub.json(1).data, 'base64')], [...bytes]);
    });

    test('a percent-encoded channel in the path is decoded', async () => {
      const stream = await open('/stream/a%2Fb');
      const reply = await call(base, 'POST', '/api/publish/a%2Fb', 'slash', { 'content-type': 'text/plain' });
      assert.equal(reply.json.channel, 'a/b');
      await stream.waitFor(1);
      assert.equal(stream.messages[0].data.toString(), 'slash');
    });

    test('text that is not UTF-8 is refused instead of becoming an invalid text frame', async () => {
      const reply = await call(base, 'POST', '/api/publish/raw:bad', Uint8Array.from([0xc3, 0x28]), { 'content-type': 'text/plain' });
      assert.equal(reply.status, 400);
      assert.equal(reply.json.error.code, 'bad_request');
      assert.match(reply.json.error.message, /UTF-8/);
    });
  });

  describe('POST /api/broadcast', () => {
    test('publishes to every channel in order and reports each result, errors per channel', async () => {
      const a = await pubsubSubscriber('bc:a');
      const b = await pubsubSubscriber('bc:b');
      const reply = await postJson(base, '/api/broadcast', { channels: ['bc:a', 'bad channel!', 'bc:b'], data: { hi: true } });
      assert.equal(reply.status, 200);
      const [ra, bad, rb] = reply.json.results;
      assert.equal(reply.json.results.length, 3);
      assert.deepEqual([ra.channel, ra.offset], ['bc:a', 1]);
      assert.deepEqual([rb.channel, rb.offset], ['bc:b', 1]);
      assert.equal(bad.channel, 'bad channel!');
      assert.equal(bad.error.code, 'bad_channel');
      await a.waitFor(2);
      await b.waitFor(2);
      assert.deepEqual(a.json(1).data, { hi: true });
      assert.deepEqual(b.json(1).data, { hi: true });
    });

    test('a request that is not a list of names is refused whole', async () => {
      for (const body of [{ channels: [], data: 1 }, { channels: 'x', data: 1 }, { channels: ['a', 7], data: 1 }, { channels: ['a'] }]) {
        const reply = await postJson(base, '/api/broadcast', body);
        assert.equal(reply.status, 400, JSON.stringify(body));
        assert.equal(reply.json.error.code, 'bad_request');
      }
    });
  });

  describe('GET /api/channels and /api/info', () => {
    test('channels lists active channels with their subscriber counts', async () => {
      await pubsubSubscriber('count:me');
      await pubsubSubscriber('count:me');
      await open('/stream/count:me');
      const reply = await call(base, 'GET', '/api/channels');
      assert.equal(reply.status, 200);
      const entry = reply.json.channels.find((c: { channel: string }) => c.channel === 'count:me');
      assert.deepEqual(entry, { channel: 'count:me', subscribers: 3 });
    });

    test('info tells version, engine, native backend, uptime and live counts', async () => {
      const reply = await call(base, 'GET', '/api/info');
      assert.equal(reply.status, 200);
      assert.equal(reply.json.name, 'pushgate');
      assert.match(reply.json.version, /^\d+\.\d+\.\d+/);
      assert.equal(reply.json.engine, engine);
      assert.ok(['native', 'fallback'].includes(reply.json.native));
      assert.equal(typeof reply.json.uptime, 'number');
      assert.equal(reply.json.stats.connections, clients.length);
      assert.ok(reply.json.stats.subscriptions >= 3);
    });
  });

  describe('every API error is a JSON {"error":{"code","message"}} with a 4xx status', () => {
    const cases: Array<[string, () => ReturnType<typeof call>, number, string]> = [
      ['malformed JSON', () => call(base, 'POST', '/api/publish', '{"channel": ', { 'content-type': 'application/json' }), 400, 'bad_json'],
      ['empty body', () => call(base, 'POST', '/api/publish', '', { 'content-type': 'application/json' }), 400, 'bad_json'],
      ['not an object', () => postJson(base, '/api/publish', [1, 2]), 400, 'bad_request'],
      ['missing channel', () => postJson(base, '/api/publish', { data: 1 }), 400, 'bad_request'],
      ['missing data', () => postJson(base, '/api/publish', { channel: 'x' }), 400, 'bad_request'],
      ['channel not a string', () => postJson(base, '/api/publish', { channel: 5, data: 1 }), 400, 'bad_request'],
      ['bad channel name', () => postJson(base, '/api/publish', { channel: 'no spaces', data: 1 }), 400, 'bad_channel'],
      ['channel too long', () => postJson(base, '/api/publish', { channel: 'x'.repeat(256), data: 1 }), 400, 'bad_channel'],
      ['bad raw channel', () => call(base, 'POST', '/api/publish/%E0%A4%A', 'x', { 'content-type': 'text/plain' }), 400, 'bad_channel'],
      ['form-encoded body', () => call(base, 'POST', '/api/publish', 'channel=x', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type'],
      ['body over the limit', () => postJson(base, '/api/publish', { channel: 'x', data: 'y'.repeat(2000) }), 413, 'body_too_large'],
      ['raw body over the limit', () => call(base, 'POST', '/api/publish/x', 'z'.repeat(1025), { 'content-type': 'text/plain' }), 413, 'body_too_large'],
      ['unknown endpoint', () => call(base, 'GET', '/api/nothing'), 404, 'not_found'],
      ['wrong method', () => call(base, 'GET', '/api/publish'), 405, 'method_not_allowed'],
      ['wrong method on a GET endpoint', () => call(base, 'DELETE', '/api/channels'), 405, 'method_not_allowed'],
    ];
    for (const [name, send, status, code] of cases) {
      test(`${name} → ${status} ${code}`, async () => {
        const reply = await send();
        assert.equal(reply.status, status);
        assert.match(reply.headers.get('content-type') ?? '', /^application\/json/);
        assert.equal(reply.json.error.code, code);
        assert.equal(typeof reply.json.error.message, 'string');
        assert.ok(reply.json.error.message.length > 0);
      });
    }

    test('405 says which methods are allowed', async () => {
      assert.equal((await call(base, 'GET', '/api/publish')).headers.get('allow'), 'POST');
      assert.equal((await call(base, 'POST', '/api/info')).headers.get('allow'), 'GET, HEAD');
    });

    test('errors are counted with bounded endpoint labels', async () => {
      assert.ok((await apiCount('publish', 413)) >= 1);
      assert.ok((await apiCount('unknown', 404)) >= 1);
      const labels = (await gateway.metrics.apiRequests.get()).values.map((v) => v.labels.endpoint);
      for (const label of labels) assert.ok(['publish', 'publish_raw', 'broadcast', 'channels', 'info', 'unknown', 'denied'].includes(String(label)), String(label));
    });

    test('the gateway keeps serving after all of the above', async () => {
      assert.equal((await postJson(base, '/api/publish', { channel: 'still', data: 'ok' })).status, 200);
    });
  });
});
}
