// What pushgate writes to its log, read back as an operator's log pipeline
// would: JSON lines with the fields a query needs. Start, stop, rejected
// handshakes (sampled, while the metric counts every one), config problems,
// and silence per message at the default level.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { createRejectionLog } from '../src/control/handshake-log.js';
import { createGateway, type Gateway, type GatewayConfigInput } from '../src/index.js';
import { createLogger } from '../src/logger.js';
import type { RequestInfo } from '../src/engines/types.js';
import { metricValue } from './gateway/helpers/fakes.js';
import { TestClient } from './gateway/helpers/client.js';
import { RawClient, handshakeRequest } from './helpers/raw-client.js';

function logSink() {
  const lines: any[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger('info', stream) };
}

async function start(config: GatewayConfigInput = {}) {
  const { lines, logger } = logSink();
  const gateway = await createGateway({ config: { ...config, server: { host: '127.0.0.1', port: 0 } }, logger });
  const { port } = await gateway.listen();
  return { gateway, port, lines };
}

function request(path: string, headers: Record<string, string> = {}): RequestInfo {
  return { method: 'GET', path, query: '', headers, remoteAddress: '127.0.0.1' };
}

describe('a running gateway', () => {
  let gateway: Gateway;
  let port: number;
  let lines: any[];
  before(async () => {
    ({ gateway, port, lines } = await start({ log: { handshakeSampleLimit: 5 }, trustedProxies: ['127.0.0.1'] }));
  });
  after(() => gateway.close());

  test('one start line with the engine, the hot-path backend, every route URL and the demo URL', () => {
    const starts = lines.filter((l) => l.event === 'start');
    assert.equal(starts.length, 1);
    const line = starts[0];
    assert.equal(line.level, 30);
    assert.equal(line.port, port);
    assert.equal(line.engine, 'node');
    assert.match(line.native, /^(native|fallback)$/);
    assert.deepEqual(
      line.routes.map((r: any) => [r.path, r.type, r.url]),
      [
        ['/ws', 'pubsub', `ws://127.0.0.1:${port}/ws`],
        ['/stream/:channel', 'stream', `ws://127.0.0.1:${port}/stream/:channel`],
        ['/echo', 'echo', `ws://127.0.0.1:${port}/echo`],
      ],
    );
    assert.equal(line.demo, `http://127.0.0.1:${port}/`);
    assert.equal(line.metrics, `http://127.0.0.1:${port}/metrics`);
  });

  test('nothing is logged per message at the default level', async () => {
    const before = lines.length;
    const client = await TestClient.connect(`ws://127.0.0.1:${port}/echo`);
    for (let i = 0; i < 50; i++) client.ws.send(`m${i}`);
    await client.waitForCount(50);
    client.ws.close();
    assert.deepEqual(lines.slice(before), []);
  });

  test('a rejected handshake is logged with status, reason, path and the client address from a trusted proxy', async () => {
    const raw = await RawClient.request(port, handshakeRequest({ path: '/no-such-route', headers: { 'X-Forwarded-For': '203.0.113.7' } }));
    assert.equal(raw.status, 404);
    const line = lines.find((l) => l.event === 'handshake_rejected' && l.path === '/no-such-route');
    assert.ok(line, 'no rejection line');
    assert.equal(line.status, 404);
    assert.equal(line.code, 'not_found');
    assert.equal(line.reason, 'no WebSocket route at this path: /no-such-route');
    assert.equal(line.clientAddress, '203.0.113.7', 'the address behind the trusted proxy');
    assert.equal(line.remoteAddress, '127.0.0.1');
  });

  test('1,000 rejected handshakes: the metric counts all of them, the log holds a handful of lines and a count', async () => {
    const before = lines.length;
    const counted = await metricValue(gateway.metrics, 'pushgate_handshakes_total', { route: 'none', result: 'not_found' });
    const total = 1000;
    let next = 0;
    const worker = async () => {
      while (next < total) {
        next++;
        const res = await RawClient.request(port, handshakeRequest({ path: '/flood' }));
        assert.equal(res.status, 404);
      }
    };
    await Promise.all(Array.from({ length: 20 }, worker));
    assert.equal(await metricValue(gateway.metrics, 'pushgate_handshakes_total', { route: 'none', result: 'not_found' }), counted + total);

    const individual = lines.slice(before).filter((l) => l.event === 'handshake_rejected');
    // Limit 5 per reason per 10 s window; a slow machine may span a few windows.
    assert.ok(individual.length >= 1 && individual.length <= 5 * 10, `${individual.length} lines for ${total} rejections`);
    await gateway.close(); // flushes the current window's summary
    const logged = lines.slice(before).filter((l) => l.event === 'handshake_rejected').length;
    const suppressed = lines
      .slice(before)
      .filter((l) => l.event === 'handshake_rejected_summary' && l.status === 404)
      .reduce((sum, l) => sum + l.suppressed, 0);
    // Every rejection is either a line of its own or in a summary's count (the earlier test's one was in a previous window or this one).
    assert.ok(logged + suppressed >= total && logged + suppressed <= total + 1, `logged ${logged} + suppressed ${suppressed}`);
    const stop = lines.find((l) => l.event === 'stop');
    assert.ok(stop, 'a stop line');
    assert.equal(typeof stop.connectionsClosed, 'number');
  });
});

describe('the rejection log alone', () => {
  test('per reason: the first `limit` of a window in full, then one summary line with the count', () => {
    const { lines, logger } = logSink();
    const log = createRejectionLog({ logger, limit: 3, windowMs: 60_000 });
    for (let i = 0; i < 10; i++) log.record(request('/a'), { status: 401, code: 'unauthorized', message: 'no token' });
    for (let i = 0; i < 2; i++) log.record(request('/b'), { status: 403, code: 'forbidden_origin', message: 'origin not allowed' });
    assert.equal(lines.filter((l) => l.event === 'handshake_rejected' && l.status === 401).length, 3);
    assert.equal(lines.filter((l) => l.event === 'handshake_rejected' && l.status === 403).length, 2);
    log.flush();
    const summaries = lines.filter((l) => l.event === 'handshake_rejected_summary');
    assert.deepEqual(summaries.map((l) => [l.status, l.code, l.suppressed]), [[401, 'unauthorized', 7]]);
    // A new window logs again.
    log.record(request('/a'), { status: 401, code: 'unauthorized', message: 'no token' });
    assert.equal(lines.filter((l) => l.event === 'handshake_rejected' && l.status === 401).length, 4);
    log.flush();
  });

  test('limit 0 logs no individual line, only the count', () => {
    const { lines, logger } = logSink();
    const log = createRejectionLog({ logger, limit: 0, windowMs: 60_000 });
    for (let i = 0; i < 4; i++) log.record(request('/a'), { status: 429, code: 'rate_limited', message: 'slow down' });
    log.flush();
    assert.deepEqual(lines.map((l) => [l.event, l.suppressed]), [['handshake_rejected_summary', 4]]);
  });
});

test('a config problem: a human line on stderr and a JSON fatal line naming the key on stdout, exit 1', () => {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('PUSHGATE_')) env[key] = value;
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts'], {
    cwd: new URL('..', import.meta.url).pathname,
    env: { ...env, PUSHGATE_DRAIN_CLOSE_DELAY_MAX: '1m', PUSHGATE_DRAIN_TIMEOUT: '30s' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(result.status, 1);
  assert.match(result.stderr, /^config error: drain\.closeDelayMax: must be below drain\.timeout/m);
  const json = result.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line));
  assert.equal(json.length, 1);
  assert.equal(json[0].level, 60);
  assert.equal(json[0].event, 'config_error');
  assert.deepEqual(json[0].issues.map((i: any) => i.path), ['drain.closeDelayMax']);
});
