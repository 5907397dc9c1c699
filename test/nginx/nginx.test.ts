// examples/nginx.conf in front of a real gateway, with Debian's nginx. The
// config under test is the example itself, with only its ports, file paths and
// read timeout substituted (each substitution must match exactly once, so the
// test fails if the example drifts away from what is tested). Asserts what a
// user behind nginx relies on: messages flow both ways, the gateway sees the
// client's address (per-address limits apply per real client, not to nginx),
// the Host reaches the Origin check, and an idle connection outlives nginx's
// read timeout thanks to the gateway's pings — while without pings it is cut.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, handshake, refusal, start, type Client, type Running } from '../control/integration/fixture.js';
import { freePort } from '../helpers/ports.js';

const NGINX = '/usr/sbin/nginx';
const API_KEY = 'nginx-test-api-key';
/** nginx's proxy_read_timeout in the test; the example's 75s becomes this. */
const READ_TIMEOUT_S = 2;
/** Idle longer than the read timeout, with margin. */
const IDLE_MS = 4500;

function skipReason(): string | false {
  if (!existsSync(NGINX)) return `${NGINX} not installed (Debian package nginx; scripts/test-setup.sh installs it)`;
  if (process.getuid?.() !== 0) return 'nginx test runs as root (it starts nginx with its own prefix and ports)';
  return false;
}


function replaceOnce(text: string, from: string, to: string): string {
  const count = text.split(from).length - 1;
  assert.equal(count, 1, `examples/nginx.conf should contain ${JSON.stringify(from)} exactly once (found ${count})`);
  return text.replace(from, to);
}

/** The example with test ports, paths and timeout; everything else as shipped. */
function renderConfig(example: string, opts: { dir: string; listenPort: number; upstreamPort: number }): string {
  let conf = example;
  conf = replaceOnce(
    conf,
    'worker_processes auto;',
    [
      'worker_processes 1;',
      'daemon off;',
      'master_process on;',
      `pid ${opts.dir}/nginx.pid;`,
      `error_log ${opts.dir}/error.log info;`,
    ].join('\n'),
  );
  conf = replaceOnce(conf, 'worker_connections 16384;', 'worker_connections 1024;');
  conf = replaceOnce(
    conf,
    '\nhttp {\n',
    [
      '\nhttp {',
      `    access_log ${opts.dir}/access.log;`,
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((name) => `    ${name}_temp_path ${opts.dir}/${name}_temp;`),
      '',
    ].join('\n'),
  );
  conf = replaceOnce(conf, 'server 127.0.0.1:8080;', `server 127.0.0.1:${opts.upstreamPort};`);
  conf = replaceOnce(conf, 'listen 80;', `listen 127.0.0.1:${opts.listenPort};`);
  conf = replaceOnce(conf, 'proxy_read_timeout 75s;', `proxy_read_timeout ${READ_TIMEOUT_S}s;`);
  return conf;
}

/** Bounded wait until nginx accepts TCP connections. */
async function waitListening(port: number, nginx: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (nginx.exitCode !== null) break;
    const ok = await new Promise<boolean>((resolve) => {
      const socket = tcpConnect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
  throw new Error(`nginx did not start (exit ${nginx.exitCode}):\n${log}`);
}

describe('examples/nginx.conf in front of the gateway', { skip: skipReason() }, () => {
  let dir: string;
  let gw: Running;
  let nginx: ChildProcess;
  let base: string;
  const clients: Client[] = [];

  before(async () => {
    gw = await start('node', {
      trustedProxies: ['127.0.0.1/32'],
      api: { keys: [API_KEY] },
      routes: [
        { path: '/ws', type: 'pubsub' },
        { path: '/echo', type: 'echo', pingInterval: '500ms' },
        { path: '/echo-noping', type: 'echo', pingInterval: 0 },
        { path: '/perip', type: 'echo', limits: { maxConnectionsPerIp: 1 } },
        { path: '/strict', type: 'echo', requireOrigin: true },
      ],
    });
    dir = mkdtempSync(join(tmpdir(), 'pushgate-nginx-'));
    // nginx workers run as an unprivileged user when the master is root.
    chmodSync(dir, 0o755);
    const listenPort = await freePort();
    const conf = renderConfig(readFileSync('examples/nginx.conf', 'utf8'), { dir, listenPort, upstreamPort: gw.port });
    writeFileSync(join(dir, 'nginx.conf'), conf);
    nginx = spawn(NGINX, ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')], { stdio: 'ignore' });
    await waitListening(listenPort, nginx, join(dir, 'error.log'));
    base = `127.0.0.1:${listenPort}`;
  });

  after(async () => {
    for (const client of clients) client.terminate();
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((resolve) => nginx.once('exit', resolve));
      nginx.kill('SIGTERM'); // fast shutdown of the master and its worker
      const timer = setTimeout(() => nginx.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await gw?.gateway.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function open(path: string, options?: Parameters<typeof connect>[1]): Promise<Client> {
    const client = await connect(`ws://${base}${path}`, options);
    clients.push(client);
    return client;
  }

  it('carries messages both ways: echo, and an API publication to a subscriber', async () => {
    const echo = await open('/echo');
    echo.ws.send('through nginx');
    assert.equal(await echo.message(0), 'through nginx');

    const subscriber = await open('/ws');
    assert.equal((await subscriber.request({ op: 'subscribe', channel: 'news' })).ok, true);
    const response = await fetch(`http://${base}/api/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
      body: JSON.stringify({ channel: 'news', data: { title: 'hello' } }),
      signal: AbortSignal.timeout(10_000),
    });
    assert.equal(response.status, 200);
    const delivered = JSON.parse(await subscriber.message(1));
    assert.deepEqual({ channel: delivered.channel, data: delivered.data }, { channel: 'news', data: { title: 'hello' } });
  });

  it('gives every client its own per-address quota: the gateway sees X-Forwarded-For, not nginx', async () => {
    // Every connection reaches the gateway from nginx (127.0.0.1); the clients
    // connect to nginx from two other loopback addresses. With one connection
    // per address allowed, a second one from 127.0.0.2 is refused while
    // 127.0.0.3 still gets in: the limit keys on the forwarded address.
    await open('/perip', { localAddress: '127.0.0.2' });
    const second = await handshake(`ws://${base}/perip`, { localAddress: '127.0.0.2' });
    assert.deepEqual(refusal(second), { status: 429, code: 'too_many_connections', reason: 'too_many_connections' });
    await open('/perip', { localAddress: '127.0.0.3' });
  });

  it('forwards the Host, so the default Origin check accepts pages served through nginx', async () => {
    await open('/strict', { origin: `http://${base}` });
    const foreign = await handshake(`ws://${base}/strict`, { origin: 'http://evil.example' });
    assert.equal(refusal(foreign).status, 403);
  });

  it(`keeps an idle connection open past proxy_read_timeout ${READ_TIMEOUT_S}s thanks to pings, and cuts it without them`, async () => {
    const pinged = await open('/echo');
    const silent = await open('/echo-noping');
    let pings = 0;
    pinged.ws.on('ping', () => pings++);
    const silentClosed = silent.waitClosed(IDLE_MS + 10_000);
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));

    assert.ok(pings >= 1, 'the gateway pinged the idle connection');
    pinged.ws.send('still here');
    assert.equal(await pinged.message(0), 'still here');

    // The control: nginx drops the unpinged connection without a close frame.
    const { code } = await silentClosed;
    assert.equal(code, 1006);
  });
});
