// createGateway() as an embedding application uses it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { ConfigError, createGateway, createMetrics } from '../src/index.js';
import { createLogger } from '../src/logger.js';
import { TestClient } from './http/fixture.js';

const quiet = { log: { level: 'silent' as const }, server: { host: '127.0.0.1', port: 0 } };

test('listen() reports the bound port; publish() reaches pubsub and stream subscribers; close() frees the port', async () => {
  const gateway = await createGateway({ config: quiet });
  assert.equal(gateway.port, undefined);
  assert.equal(gateway.address(), null);
  const { port, host } = await gateway.listen();
  assert.ok(port > 0);
  assert.equal(host, '127.0.0.1');
  assert.deepEqual(gateway.address(), { port, host });
  assert.equal(gateway.port, port);

  const pubsub = await TestClient.open(`ws://127.0.0.1:${port}/ws`);
  const stream = await TestClient.open(`ws://127.0.0.1:${port}/stream/embed`);
  try {
    pubsub.send({ id: 7, op: 'subscribe', channel: 'embed' });
    await pubsub.waitFor(1);
    assert.equal(pubsub.json(0).id, 7);

    const first = await gateway.publish('embed', { hello: 'embedder' });
    assert.equal(first.offset, 1);
    const second = await gateway.publish('embed', Uint8Array.from([1, 2, 3]));
    assert.equal(second.offset, 2);

    await pubsub.waitFor(3);
    assert.deepEqual(pubsub.json(1).data, { hello: 'embedder' });
    assert.equal(pubsub.json(2).encoding, 'base64');
    await stream.waitFor(2);
    assert.equal(stream.messages[0].data.toString(), '{"hello":"embedder"}');
    assert.equal(stream.messages[1].isBinary, true);
    assert.deepEqual([...stream.messages[1].data], [1, 2, 3]);

    const counted = (await gateway.metrics.publications.get()).values.find((v) => v.labels.source === 'embed');
    assert.equal(counted?.value, 2);
  } finally {
    pubsub.close();
    stream.close();
    await gateway.close();
    await gateway.close(); // idempotent
  }
  // The port is free again: something else can bind it.
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
});

test('bad input to publish() is a table error, not a crash', async () => {
  const gateway = await createGateway({ config: quiet });
  try {
    await assert.rejects(gateway.publish('bad channel', 1), (error: Error & { code?: string }) => error.code === 'bad_channel');
  } finally {
    await gateway.close();
  }
});

test('config file, config object and env combine with the documented precedence', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pushgate-index-'));
  try {
    const file = join(dir, 'gw.yaml');
    writeFileSync(file, 'server:\n  port: 1234\n  host: 127.0.0.9\napi:\n  keys: [from-file]\n');
    const fromFile = await createGateway({ configFile: file, config: { log: { level: 'silent' } } });
    assert.equal(fromFile.config.server.port, 1234);
    assert.deepEqual(fromFile.config.api.keys, ['from-file']);
    await fromFile.close();

    const overridden = await createGateway({
      configFile: file,
      config: { log: { level: 'silent' }, server: { port: 2345 } },
      env: { PUSHGATE_API_KEY: 'from-env' },
    });
    assert.equal(overridden.config.server.port, 2345, 'the config object wins over the file');
    assert.equal(overridden.config.server.host, '127.0.0.9');
    assert.deepEqual(overridden.config.api.keys, ['from-env'], 'env wins over both');
    await overridden.close();

    // process.env is not read unless passed: embedding stays deterministic.
    process.env.PUSHGATE_PORT = '4567';
    try {
      const plain = await createGateway({ config: { log: { level: 'silent' } } });
      assert.equal(plain.config.server.port, 8080);
      await plain.close();
    } finally {
      delete process.env.PUSHGATE_PORT;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('config errors reject with a ConfigError naming the key', async () => {
  await assert.rejects(createGateway({ config: { server: { port: -5 } } }), (error) => {
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /^config error: server\.port: /);
    return true;
  });
});

test('engine: uws runs the gateway on uWebSockets.js', async () => {
  const gateway = await createGateway({ config: { ...quiet, server: { engine: 'uws', host: '127.0.0.1', port: 0 } } });
  try {
    const { port } = await gateway.listen();
    const info = (await (await fetch(`http://127.0.0.1:${port}/api/info`)).json()) as { engine: string };
    assert.equal(info.engine, 'uws');
  } finally {
    await gateway.close();
  }
});

test('a caller-supplied logger and metrics registry are the ones used', async () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const metrics = createMetrics({ defaultMetrics: false });
  const gateway = await createGateway({ config: { server: { host: '127.0.0.1', port: 0 } }, logger: createLogger('info', sink), metrics });
  try {
    assert.equal(gateway.metrics, metrics);
    const { port } = await gateway.listen();
    const text = lines.join('');
    assert.match(text, new RegExp(`ws://127\\.0\\.0\\.1:${port}/ws \\(pubsub\\)`));
    assert.match(text, new RegExp(`demo page: http://127\\.0\\.0\\.1:${port}/`));
    assert.match(text, /"level":40.*the HTTP API answers loopback clients only/);
    assert.match(await metrics.registry.metrics(), /pushgate_native_backend_info\{backend="(native|fallback)"\} 1/);
  } finally {
    await gateway.close();
  }
});
