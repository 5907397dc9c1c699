// The /metrics exposition passes `promtool check metrics` (Prometheus' own
// linter: naming, units, help text, types) once traffic has created labelled
// series of every kind: handshakes by several results, messages, publications,
// deliveries, subscriptions, close codes, limit hits.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect, handshake, metricReaches, start, type Running } from '../control/integration/fixture.js';

const PROMTOOL = ['/usr/bin/promtool', '/usr/local/bin/promtool'].find((path) => existsSync(path));

function promtoolCheck(text: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PROMTOOL!, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
    child.stdin.end(text);
  });
}

describe('the metrics exposition', { skip: PROMTOOL ? false : 'promtool not installed (Debian package prometheus; scripts/test-setup.sh installs it)' }, () => {
  let gw: Running;
  before(async () => {
    gw = await start('node', {
      routes: [
        { path: '/ws', type: 'pubsub', limits: { maxSubscriptions: 1 } },
        { path: '/echo', type: 'echo', limits: { messageRate: { rate: 0.01, burst: 1 } } },
        { path: '/strict', type: 'echo', requireOrigin: true },
      ],
    });
    const subscriber = await connect(gw.url('/ws'));
    await subscriber.request({ op: 'subscribe', channel: 'news:a' });
    await subscriber.request({ op: 'subscribe', channel: 'news:b' }); // subscription limit hit
    await subscriber.request({ op: 'nope' }); // client protocol error
    await gw.gateway.publish('news:a', { hello: 'world' });
    await subscriber.message(3);
    const echo = await connect(gw.url('/echo'));
    echo.ws.send('one');
    echo.ws.send('two'); // message rate: close 4002
    await echo.waitClosed();
    // Counted when the server's side of the close completes, possibly just after the client saw it.
    await metricReaches(gw.gateway, 'pushgate_close_codes_sent_total', { route: '/echo', code: '4002' }, 1);
    await handshake(gw.url('/strict')); // 403 forbidden_origin
    await handshake(gw.url('/nowhere')); // 404
    subscriber.ws.close(1000);
    await subscriber.waitClosed();
  });
  after(() => gw.gateway.close());

  it('passes promtool check metrics', async () => {
    const response = await fetch(`${gw.base}/metrics`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(response.status, 200);
    const text = await response.text();
    // The traffic above produced labelled series (not just empty metric families).
    for (const series of [
      'pushgate_handshakes_total{route="/strict",result="forbidden_origin"} 1',
      'pushgate_limit_hits_total{route="/echo",limit="message_rate"} 1',
      'pushgate_limit_hits_total{route="/ws",limit="subscriptions"} 1',
      'pushgate_close_codes_sent_total{route="/echo",code="4002"} 1',
    ]) {
      assert.ok(text.includes(series), `missing ${series}`);
    }
    const result = await promtoolCheck(text);
    assert.equal(result.code, 0, `promtool check metrics:\n${result.output}`);
  });
});
