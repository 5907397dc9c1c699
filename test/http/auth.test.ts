// Who may use the HTTP API: Bearer keys when configured, loopback only when not.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/control/config/index.js';
import type { RequestInfo } from '../../src/engines/types.js';
import { createMemoryBroker } from '../../src/gateway/broker/memory.js';
import { createGatewayCore } from '../../src/gateway/core.js';
import { createApiAuth, isLoopback } from '../../src/http/auth.js';
import { createReadiness } from '../../src/http/health.js';
import { createHttpHandler } from '../../src/http/http-handler.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import type { Gateway } from '../../src/index.js';
import { call, postJson, startGateway } from './fixture.js';

function request(remoteAddress: string, authorization?: string): RequestInfo {
  return { method: 'GET', path: '/api/info', query: '', headers: authorization ? { authorization } : {}, remoteAddress };
}

test('loopback addresses in every form a socket reports them', () => {
  for (const address of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) assert.equal(isLoopback(address), true, address);
  for (const address of ['10.0.0.1', '192.168.1.1', '::ffff:10.0.0.1', '2001:db8::1', '1270.0.0.1', '127.0.0.1.evil', '']) {
    assert.equal(isLoopback(address), false, address);
  }
});

test('with keys: only the exact key in a Bearer header passes, from any address', () => {
  const check = createApiAuth(['s3cret-key', 'other-key']);
  assert.equal(check(request('203.0.113.9', 'Bearer s3cret-key')), null);
  assert.equal(check(request('203.0.113.9', 'bearer other-key')), null);
  for (const header of [undefined, 'Bearer', 'Bearer s3cret', 'Bearer s3cret-key2', 'Basic s3cret-key', 's3cret-key']) {
    assert.equal(check(request('127.0.0.1', header))?.code, 'unauthorized', String(header));
  }
});

test('without keys, behind a proxy: the client address decides, and unknown proxies are refused', () => {
  const withHeaders = (remoteAddress: string, headers: Record<string, string>): RequestInfo => ({ ...request(remoteAddress), headers });
  // No trustedProxies: a same-host nginx relays a remote client from 127.0.0.1 — refused, not "loopback".
  const untrusting = createApiAuth([]);
  assert.equal(untrusting(withHeaders('127.0.0.1', { 'x-forwarded-for': '203.0.113.9' }))?.code, 'forbidden');
  assert.equal(untrusting(withHeaders('127.0.0.1', { 'x-real-ip': '127.0.0.1' }))?.code, 'forbidden');
  assert.equal(untrusting(withHeaders('127.0.0.1', { forwarded: 'for=127.0.0.1' }))?.code, 'forbidden');
  assert.equal(untrusting(withHeaders('127.0.0.1', {})), null);
  // nginx trusted: the forwarded client address is what must be on loopback.
  const trusting = createApiAuth([], ['127.0.0.1/32']);
  assert.equal(trusting(withHeaders('127.0.0.1', { 'x-forwarded-for': '203.0.113.9' }))?.code, 'forbidden');
  assert.equal(trusting(withHeaders('127.0.0.1', { 'x-forwarded-for': '127.0.0.5' })), null);
  assert.equal(trusting(withHeaders('127.0.0.1', { 'x-real-ip': '198.51.100.2' }))?.code, 'forbidden');
  // A forged header from a peer that is not a trusted proxy changes nothing.
  assert.equal(trusting(withHeaders('198.51.100.7', { 'x-forwarded-for': '127.0.0.1' }))?.code, 'forbidden');
});

describe('without keys, the API answers loopback clients only', () => {
  test('a request from another address gets 403 with a JSON error saying why', async () => {
    const { config } = loadConfig({ config: { log: { level: 'silent' } } });
    const metrics = createMetrics({ defaultMetrics: false });
    const logger = createLogger('silent');
    const core = createGatewayCore(config, { broker: createMemoryBroker({ sweepInterval: 0 }), metrics, logger });
    const handler = createHttpHandler({
      config, metrics, logger, core, readiness: createReadiness(),
      engine: 'node', nativeBackend: 'fallback', version: '0.0.0', startedAt: Date.now(),
    });
    try {
      const denied = await handler(request('198.51.100.7'), async () => Buffer.alloc(0));
      assert.equal(denied.status, 403);
      const body = JSON.parse(String(denied.body));
      assert.equal(body.error.code, 'forbidden');
      assert.match(body.error.message, /loopback/);
      // Health and the demo page are not part of the API: still served.
      const health = await handler({ ...request('198.51.100.7'), path: '/healthz' }, async () => Buffer.alloc(0));
      assert.equal(health.status, 200);
      const allowed = await handler(request('::ffff:127.0.0.1'), async () => Buffer.alloc(0));
      assert.equal(allowed.status, 200);
    } finally {
      await core.close();
    }
  });

  test('over real sockets from 127.0.0.1 the API works without any key', async () => {
    const { gateway, base } = await startGateway();
    try {
      assert.equal((await postJson(base, '/api/publish', { channel: 'open', data: 1 })).status, 200);
    } finally {
      await gateway.close();
    }
  });
});

describe('with keys configured, over real sockets', () => {
  let gateway: Gateway;
  let base: string;
  before(async () => {
    ({ gateway, base } = await startGateway({ api: { keys: ['k-123456', 'k-abcdef'] } }));
  });
  after(() => gateway.close());

  test('no key → 401 with WWW-Authenticate', async () => {
    const reply = await postJson(base, '/api/publish', { channel: 'c', data: 1 });
    assert.equal(reply.status, 401);
    assert.equal(reply.headers.get('www-authenticate'), 'Bearer');
    assert.equal(reply.json.error.code, 'unauthorized');
  });

  test('wrong key → 401, also for endpoints that do not exist', async () => {
    assert.equal((await postJson(base, '/api/publish', { channel: 'c', data: 1 }, { authorization: 'Bearer k-12345' })).status, 401);
    assert.equal((await call(base, 'GET', '/api/secret-endpoint', undefined, { authorization: 'Bearer nope' })).status, 401);
  });

  test('right key → 200, either configured key', async () => {
    const one = await postJson(base, '/api/publish', { channel: 'c', data: 1 }, { authorization: 'Bearer k-123456' });
    assert.equal(one.status, 200);
    assert.equal(one.json.offset, 1);
    const two = await call(base, 'GET', '/api/channels', undefined, { authorization: 'Bearer k-abcdef' });
    assert.equal(two.status, 200);
  });

  test('refusals are counted under the bounded "denied" label', async () => {
    const values = (await gateway.metrics.apiRequests.get()).values;
    const denied = values.find((v) => v.labels.endpoint === 'denied' && v.labels.status === '401');
    assert.ok(denied && denied.value >= 3);
  });
});
