import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backend } from '../../src/native/index.js';
import { call, postJson, startGateway } from './fixture.js';

test('/metrics serves the registry in Prometheus text format, with the native backend and API counts', async () => {
  const { gateway, base } = await startGateway();
  try {
    await postJson(base, '/api/publish', { channel: 'm', data: 1 });
    const reply = await call(base, 'GET', '/metrics');
    assert.equal(reply.status, 200);
    assert.match(reply.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    assert.match(reply.text, new RegExp(`^pushgate_native_backend_info\\{backend="${backend}"\\} 1$`, 'm'));
    assert.match(reply.text, /^pushgate_api_requests_total\{endpoint="publish",status="200"\} 1$/m);
    assert.match(reply.text, /^pushgate_process_cpu_seconds_total /m);
  } finally {
    await gateway.close();
  }
});

test('the metrics path is configurable, and metrics can be switched off', async () => {
  const moved = await startGateway({ metrics: { path: '/internal/prom' } });
  try {
    assert.equal((await call(moved.base, 'GET', '/internal/prom')).status, 200);
    assert.equal((await call(moved.base, 'GET', '/metrics')).status, 404);
  } finally {
    await moved.gateway.close();
  }
  const off = await startGateway({ metrics: { enabled: false } });
  try {
    const reply = await call(off.base, 'GET', '/metrics');
    assert.equal(reply.status, 404);
    assert.equal(reply.json.error.code, 'not_found');
  } finally {
    await off.gateway.close();
  }
});
