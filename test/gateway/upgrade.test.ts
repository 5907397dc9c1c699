// The upgrade hook and its seam for control-plane checks, driven directly
// through the core's hooks (no sockets).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createGatewayCore } from '../../src/gateway/core.js';
import { createMemoryBroker } from '../../src/gateway/broker/memory.js';
import { addCleanup, type ChannelCheck, type ConnectionContext, type UpgradeCheck } from '../../src/gateway/context.js';
import type { RequestInfo, UpgradeDecision } from '../../src/engines/types.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { createError } from '../../src/protocol/errors.js';
import { countingPrepare, fakeEngine, FakeConnection, metricValue } from './helpers/fakes.js';
import { testConfig } from './helpers/config.js';

function request(path: string, headers: Record<string, string> = {}): RequestInfo {
  return { method: 'GET', path, query: '', headers, remoteAddress: '127.0.0.9' };
}

function core(upgradeChecks: UpgradeCheck[] = [], channelChecks: ChannelCheck[] = []) {
  const metrics = createMetrics({ defaultMetrics: false });
  const gateway = createGatewayCore(testConfig(), { broker: createMemoryBroker({ sweepInterval: 0 }), metrics, logger: createLogger('silent'), upgradeChecks, channelChecks });
  const { prepare } = countingPrepare();
  gateway.attach(fakeEngine(prepare));
  const hooks = gateway.hooks(() => ({ status: 404 }));
  return { gateway, hooks, metrics };
}

async function decide(hooks: ReturnType<typeof core>['hooks'], req: RequestInfo): Promise<UpgradeDecision<ConnectionContext>> {
  return await hooks.upgrade(req);
}

describe('upgrade hook', () => {
  it('accepts a known route with its options and context, synchronously when no check is configured', () => {
    const { hooks } = core();
    const decision = hooks.upgrade(request('/stream/news:eu'));
    assert.ok(!(decision instanceof Promise));
    assert.ok(decision.accept);
    assert.equal(decision.context.route.label, '/stream/:channel');
    assert.equal(decision.context.channel, 'news:eu');
    assert.equal(decision.context.clientIp, '127.0.0.9');
    assert.deepEqual(decision.options, { maxMessageSize: 65536, compression: false, maxBufferedAmount: 16 * 1024 * 1024, slowConsumer: 'close', pingInterval: 0, pongTimeout: 10_000 });
    assert.equal(decision.protocol, undefined);
  });

  it('rejects unknown paths with 404 and counts them under route "none"', async () => {
    const { hooks, metrics } = core();
    const decision = await decide(hooks, request('/missing'));
    assert.deepEqual(decision, { accept: false, status: 404, code: 'not_found', message: 'no WebSocket route at this path: /missing' });
    assert.equal(await metricValue(metrics, 'pushgate_handshakes_total', { route: 'none', result: 'not_found' }), 1);
  });

  it('runs checks in order; the first rejection answers, and earlier checks’ cleanup runs', async () => {
    const order: string[] = [];
    const released: string[] = [];
    const checks: UpgradeCheck[] = [
      ({ context }) => {
        order.push('address');
        context.clientIp = '203.0.113.7';
        addCleanup(context, () => released.push('slot'));
      },
      async ({ request: req }) => {
        order.push('auth');
        if (req.headers.authorization !== 'Bearer ok') return { error: createError('PG_ERR_CHANNEL_NOT_ALLOWED'), result: 'unauthorized', headers: { 'WWW-Authenticate': 'Bearer' } };
      },
      () => {
        order.push('never');
      },
    ];
    const { hooks, metrics } = core(checks);
    const rejected = await decide(hooks, request('/ws'));
    assert.deepEqual(order, ['address', 'auth']);
    assert.deepEqual(released, ['slot']);
    assert.equal(rejected.accept, false);
    assert.ok(!rejected.accept);
    assert.equal(rejected.status, 403);
    assert.deepEqual(rejected.headers, { 'WWW-Authenticate': 'Bearer' });
    assert.equal(await metricValue(metrics, 'pushgate_handshakes_total', { route: '/ws', result: 'unauthorized' }), 1);

    const accepted = await decide(hooks, request('/ws', { authorization: 'Bearer ok' }));
    assert.ok(accepted.accept);
    assert.equal(accepted.context.clientIp, '203.0.113.7');
    // The slot of an accepted connection is released when the connection closes.
    const conn = new FakeConnection(accepted.context);
    hooks.open(conn);
    assert.deepEqual(released, ['slot']);
    hooks.close(conn, 1000, '');
    assert.deepEqual(released, ['slot', 'slot']);
  });

  it('stays synchronous while every check answers synchronously', () => {
    const order: string[] = [];
    const { hooks } = core([
      ({ context }) => {
        order.push('a');
        context.clientIp = '203.0.113.8';
      },
      () => void order.push('b'),
    ]);
    const decision = hooks.upgrade(request('/ws'));
    assert.ok(!(decision instanceof Promise));
    assert.ok(decision.accept);
    assert.deepEqual(order, ['a', 'b']);
    assert.equal(decision.context.clientIp, '203.0.113.8');
  });

  it('a synchronous refusal answers at once, runs cleanup and skips later checks', async () => {
    const released: string[] = [];
    const { hooks, metrics } = core([
      ({ context }) => addCleanup(context, () => released.push('first')),
      ({ context }) => addCleanup(context, { release: () => released.push('second') }),
      () => ({ error: createError('PG_ERR_ORIGIN_FORBIDDEN'), result: 'forbidden_origin' }),
      () => assert.fail('after the refusal'),
    ]);
    const decision = hooks.upgrade(request('/ws'));
    assert.ok(!(decision instanceof Promise));
    assert.ok(!decision.accept);
    assert.deepEqual([decision.status, decision.code], [403, 'forbidden_origin']);
    assert.deepEqual(released, ['first', 'second'], 'each entry once, in the order added');
    assert.equal(await metricValue(metrics, 'pushgate_handshakes_total', { route: '/ws', result: 'forbidden_origin' }), 1);
  });

  it('goes asynchronous from the first check that answers with a Promise, keeping the order', async () => {
    const order: string[] = [];
    const released: string[] = [];
    const { hooks } = core([
      ({ context }) => {
        order.push('sync');
        addCleanup(context, () => released.push('one'));
      },
      async ({ context }) => {
        await new Promise((resolve) => setImmediate(resolve));
        order.push('async');
        addCleanup(context, () => released.push('two'));
      },
      ({ context }) => {
        order.push('after');
        addCleanup(context, () => released.push('three'));
      },
    ]);
    const pending = hooks.upgrade(request('/ws'));
    assert.ok(pending instanceof Promise);
    assert.deepEqual(order, ['sync'], 'the checks after the asynchronous one wait for it');
    const decision = await pending;
    assert.ok(decision.accept);
    assert.deepEqual(order, ['sync', 'async', 'after']);
    const conn = new FakeConnection(decision.context);
    hooks.open(conn);
    hooks.close(conn, 1000, '');
    assert.deepEqual(released, ['one', 'two', 'three']);
  });

  it('selects the subprotocol from the list a check filtered, then forgets the list', () => {
    const { hooks } = core([
      (input) => {
        input.protocols = ['pushgate.v1'];
      },
    ]);
    const decision = hooks.upgrade(request('/proto', { 'sec-websocket-protocol': 'pushgate.v2, pushgate.v1' }));
    assert.ok(!(decision instanceof Promise) && decision.accept);
    assert.equal(decision.protocol, 'pushgate.v1', 'pushgate.v2 was offered but filtered out');
  });

  it('a throwing check rejects with 500 and is counted as error', async () => {
    const { hooks, metrics } = core([() => Promise.reject(new Error('jwks down'))]);
    const decision = await decide(hooks, request('/ws'));
    assert.ok(!decision.accept);
    assert.equal(decision.status, 500);
    assert.equal(await metricValue(metrics, 'pushgate_handshakes_total', { route: '/ws', result: 'error' }), 1);
  });

  it('channel checks (claims) refuse a stream channel at the handshake and a pubsub subscribe per request', async () => {
    const onlyMine: ChannelCheck = (ctx, op, channel) => (channel.startsWith('mine:') || op !== 'subscribe' ? null : createError('PG_ERR_CHANNEL_NOT_ALLOWED', channel));
    const { hooks } = core([], [onlyMine]);
    const refused = await decide(hooks, request('/stream/theirs'));
    assert.ok(!refused.accept);
    assert.equal(refused.status, 403);
    assert.ok((await decide(hooks, request('/stream/mine:1'))).accept);

    const accepted = await decide(hooks, request('/ws'));
    assert.ok(accepted.accept);
    const conn = new FakeConnection(accepted.context);
    hooks.open(conn);
    hooks.message(conn, Buffer.from('{"id":1,"op":"subscribe","channel":"theirs"}'), false);
    hooks.message(conn, Buffer.from('{"id":2,"op":"subscribe","channel":"mine:x"}'), false);
    await new Promise((r) => setTimeout(r, 20));
    const [first, second] = conn.json();
    assert.equal(first.error.code, 'forbidden');
    assert.equal(second.ok, true);
  });

  it('refuses with 503 (draining) after setAccepting(false) and after close()', async () => {
    const { hooks, gateway } = core();
    gateway.setAccepting(false);
    const a = await decide(hooks, request('/ws'));
    assert.ok(!a.accept);
    assert.deepEqual([a.status, a.code], [503, 'draining']);
    gateway.setAccepting(true);
    assert.ok((await decide(hooks, request('/ws'))).accept);
    await gateway.close();
    const b = await decide(hooks, request('/ws'));
    assert.ok(!b.accept);
    assert.equal(b.status, 503);
  });
});
