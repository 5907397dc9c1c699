import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
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
