// The demo page in a real browser (Debian's headless Chromium via playwright-core):
// two pages subscribe to one channel, page A publishes, page B shows the message
// with its offset; then a page rides out a dropped connection and resumes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Gateway } from '../../src/index.js';
import { postJson, startGateway } from '../http/fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is absent: run scripts/test-setup.sh (installs Debian's chromium)`;

let gateway: Gateway;
let base: string;
let browser: Browser;

before(async () => {
  if (skip) return;
  ({ gateway, base } = await startGateway());
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    timeout: 60_000,
  });
});

after(async () => {
  await browser?.close();
  await gateway?.close();
});

async function openDemo(): Promise<Page> {
  const page = await browser.newPage();
  page.setDefaultTimeout(20_000);
  await page.goto(base + '/');
  await page.locator('[data-testid="connection-state"][data-state="open"]').waitFor();
  return page;
}

async function subscribe(page: Page, channel: string): Promise<void> {
  await page.getByTestId('subscribe-channel').fill(channel);
  await page.getByTestId('subscribe-button').click();
  await page.locator(`[data-testid="subscription"][data-channel="${channel}"] .position`).filter({ hasText: 'offset' }).waitFor();
}

test('page A publishes, page B sees the message with its channel and offset', { skip }, async () => {
  const a = await openDemo();
  const b = await openDemo();
  await subscribe(a, 'room:e2e');
  await subscribe(b, 'room:e2e');

  await a.getByTestId('publish-channel').fill('room:e2e');
  await a.getByTestId('publish-data').fill('{"text": "hello from page A"}');
  await a.getByTestId('publish-button').click();
  await a.getByTestId('publish-status').filter({ hasText: 'published to room:e2e at offset 1' }).waitFor();

  const received = b.locator('[data-testid="message"][data-channel="room:e2e"][data-offset="1"]');
  await received.waitFor();
  assert.match(await received.innerText(), /\{"text":"hello from page A"\}/);
  // The publisher is subscribed too and sees its own message.
  await a.locator('[data-testid="message"][data-channel="room:e2e"][data-offset="1"]').waitFor();

  // Text mode sends a JSON string; bad JSON in JSON mode is caught on the page.
  await a.getByTestId('publish-data').fill('not json');
  await a.getByTestId('publish-button').click();
  await a.getByTestId('publish-status').filter({ hasText: 'not valid JSON' }).waitFor();
  await a.getByTestId('publish-format-text').check();
  await a.getByTestId('publish-button').click();
  const text = b.locator('[data-testid="message"][data-channel="room:e2e"][data-offset="2"]');
  await text.waitFor();
  assert.match(await text.innerText(), /"not json"/);
  await a.close();
  await b.close();
});

/**
 * A TCP relay in front of the gateway, so the test can cut the page's
 * connections (as a network drop or a proxy restart would) and refuse new
 * ones for a while — the gateway itself keeps running with its history.
 */
async function startRelay(targetPort: number) {
  const pairs = new Set<Socket>();
  let accepting = true;
  const server = createServer((client) => {
    if (!accepting) {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, '127.0.0.1');
    pairs.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      pairs.delete(client);
      pairs.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    cut(refuse: boolean) {
      accepting = !refuse;
      for (const socket of pairs) socket.destroy();
    },
    resume() {
      accepting = true;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

test('after its connection drops, the page reconnects by itself and replays what it missed', { skip }, async () => {
  const relay = await startRelay(gateway.port!);
  const page = await browser.newPage();
  page.setDefaultTimeout(30_000);
  try {
    await page.goto(relay.url);
    await page.locator('[data-testid="connection-state"][data-state="open"]').waitFor();
    await subscribe(page, 'resume:e2e');
    await postJson(base, '/api/publish', { channel: 'resume:e2e', data: 'first' });
    await page.locator('[data-testid="message"][data-channel="resume:e2e"][data-offset="1"]').waitFor();

    relay.cut(true);
    await page.locator('[data-testid="connection-state"][data-state="reconnecting"]').waitFor();
    // Published while the page cannot reach the gateway.
    await postJson(base, '/api/publish', { channel: 'resume:e2e', data: 'while away 1' });
    await postJson(base, '/api/publish', { channel: 'resume:e2e', data: 'while away 2' });
    relay.resume();

    await page.locator('[data-testid="connection-state"][data-state="open"]').waitFor();
    await page.locator('[data-testid="message"][data-channel="resume:e2e"][data-offset="3"]').waitFor();
    await page.getByTestId('log').filter({ hasText: 'resumed resume:e2e after offset 1: missed messages replayed' }).waitFor();
    const offsets = await page
      .locator('[data-testid="message"][data-channel="resume:e2e"]')
      .evaluateAll((items) => items.map((item) => item.getAttribute('data-offset')));
    // Newest first on the page; each offset exactly once.
    assert.deepEqual(offsets, ['3', '2', '1']);
  } finally {
    await page.close();
    await relay.close();
  }
});
