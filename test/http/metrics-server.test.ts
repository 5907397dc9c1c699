// `metrics.port`: /metrics on a separate listener (kept off the public
// ingress) and no longer on the gateway's own port.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { ConfigError, createGateway, type Gateway } from '../../src/index.js';
import { call } from './fixture.js';
import { freePort, refused } from '../helpers/ports.js';

const gateways: Gateway[] = [];
after(() => Promise.all(gateways.map((g) => g.close())));

test('with metrics.port set, /metrics answers there and 404 on the gateway port; the listener closes with the gateway', async () => {
  const metricsPort = await freePort();
  const gateway = await createGateway({
    config: { server: { host: '127.0.0.1', port: 0 }, metrics: { port: metricsPort }, log: { level: 'silent' } },
  });
  gateways.push(gateway);
  const { port } = await gateway.listen();
  assert.deepEqual(gateway.metricsAddress(), { port: metricsPort, host: '127.0.0.1' });

  const scrape = await call(`http://127.0.0.1:${metricsPort}`, 'GET', '/metrics');
  assert.equal(scrape.status, 200);
  assert.match(scrape.headers.get('content-type') ?? '', /^text\/plain/);
  assert.match(scrape.text, /^# HELP pushgate_connections /m);
  assert.match(scrape.text, /pushgate_native_backend_info\{backend="(native|fallback)"\} 1/);

  const head = await call(`http://127.0.0.1:${metricsPort}`, 'HEAD', '/metrics');
  assert.deepEqual([head.status, head.text], [200, '']);
  const other = await call(`http://127.0.0.1:${metricsPort}`, 'GET', '/healthz');
  assert.equal(other.status, 404);
  assert.equal(other.json.error.code, 'not_found');
  const post = await call(`http://127.0.0.1:${metricsPort}`, 'POST', '/metrics', '');
  assert.equal(post.status, 405);

  const onMain = await call(`http://127.0.0.1:${port}`, 'GET', '/metrics');
  assert.equal(onMain.status, 404, 'not served on the public port');
  assert.equal((await call(`http://127.0.0.1:${port}`, 'GET', '/healthz')).status, 200);

  await gateway.close();
  assert.equal(await refused(metricsPort), true);
  assert.equal(gateway.metricsAddress(), null);
});

test('metrics.port 0 (the default) keeps /metrics on the gateway port and opens no other listener', async () => {
  const gateway = await createGateway({ config: { server: { host: '127.0.0.1', port: 0 }, log: { level: 'silent' } } });
  gateways.push(gateway);
  const { port } = await gateway.listen();
  assert.equal(gateway.metricsAddress(), null);
  assert.equal((await call(`http://127.0.0.1:${port}`, 'GET', '/metrics')).status, 200);
});

test('a metrics port already in use fails listen() with EADDRINUSE and leaves nothing listening', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const taken = (blocker.address() as { port: number }).port;
  try {
    const gateway = await createGateway({ config: { server: { host: '127.0.0.1', port: 0 }, metrics: { port: taken }, log: { level: 'silent' } } });
    await assert.rejects(gateway.listen(), { code: 'EADDRINUSE' });
    assert.equal(gateway.port, undefined);
  } finally {
    await new Promise((resolve) => blocker.close(resolve));
  }
});

test('metrics.port equal to server.port is a config error naming metrics.port', async () => {
  await assert.rejects(
    createGateway({ config: { server: { port: 9300 }, metrics: { port: 9300 } } }),
    (error: unknown) => error instanceof ConfigError && /metrics\.port: must differ from server\.port/.test(error.message),
  );
});
