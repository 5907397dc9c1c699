import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { HttpReply } from '../../src/engines/types.js';
import { addHealthRoutes, createReadiness, type Readiness } from '../../src/http/health.js';
import { Router } from '../../src/http/router.js';
import type { Gateway } from '../../src/index.js';
import { call, startGateway } from './fixture.js';

let gateway: Gateway;
let base: string;
before(async () => {
  ({ gateway, base } = await startGateway());
});
after(() => gateway.close());

test('/healthz answers 200 {"status":"ok"}', async () => {
  const reply = await call(base, 'GET', '/healthz');
  assert.equal(reply.status, 200);
  assert.deepEqual(reply.json, { status: 'ok' });
  assert.equal(reply.headers.get('cache-control'), 'no-store');
});

test('/readyz is 200 while accepting, 503 while draining, and back', async () => {
  assert.equal((await call(base, 'GET', '/readyz')).status, 200);
  gateway.setReady(false);
  const draining = await call(base, 'GET', '/readyz');
  assert.equal(draining.status, 503);
  assert.deepEqual(draining.json, { status: 'draining' });
  assert.equal((await call(base, 'GET', '/healthz')).status, 200, 'a draining gateway is still alive');
  gateway.setReady(true);
  assert.deepEqual((await call(base, 'GET', '/readyz')).json, { status: 'ready' });
});

test('HEAD gets the status without a body; other methods get 405', async () => {
  const head = await call(base, 'HEAD', '/healthz');
  assert.equal(head.status, 200);
  assert.equal(head.text, '');
  const post = await call(base, 'POST', '/healthz', '');
  assert.equal(post.status, 405);
  assert.equal(post.json.error.code, 'method_not_allowed');
});

describe('readiness checks (a required dependency such as a broker)', () => {
  function probe(readiness: Readiness) {
    const router = new Router();
    addHealthRoutes(router, readiness);
    const match = router.resolve({ method: 'GET', path: '/readyz', query: '', headers: {}, remoteAddress: '127.0.0.1' });
    assert.ok('route' in match);
    return match.route.handler({ method: 'GET', path: '/readyz', query: '', headers: {}, remoteAddress: '127.0.0.1' }, async () => Buffer.alloc(0), {}) as HttpReply;
  }

  test('a failing check makes /readyz 503 naming it; a check that throws counts as failing; recovery makes it 200 again', () => {
    const readiness = createReadiness();
    let brokerUp = true;
    readiness.addCheck('broker', () => brokerUp);
    readiness.addCheck('flaky', () => {
      throw new Error('boom');
    });
    let reply = probe(readiness);
    assert.equal(reply.status, 503);
    assert.deepEqual(JSON.parse(String(reply.body)), { status: 'not_ready', failing: ['flaky'] });
    brokerUp = false;
    assert.deepEqual(JSON.parse(String(probe(readiness).body)).failing, ['broker', 'flaky']);
    readiness.addCheck('flaky', () => true);
    brokerUp = true;
    reply = probe(readiness);
    assert.equal(reply.status, 200);
    assert.equal(readiness.ready, true);
  });

  test('draining wins over checks: the body says draining', () => {
    const readiness = createReadiness();
    readiness.addCheck('broker', () => false);
    readiness.setReady(false);
    const reply = probe(readiness);
    assert.equal(reply.status, 503);
    assert.deepEqual(JSON.parse(String(reply.body)), { status: 'draining' });
  });
});
