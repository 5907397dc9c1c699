// Soak: 100,000 publications to 1,000 subscribers (half pubsub, half stream)
// over real sockets; every subscriber must receive every publication, exactly
// once, in order. Subscribers live in a worker thread; publications go through
// the in-process publish API in bursts, each burst waiting until every
// subscriber has caught up, so memory stays bounded. No timing assertion: a
// stall guard only fails the test when nothing moves for a long time.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { startGateway, type TestGateway } from './helpers/gateway.js';
import { metricValue } from './helpers/fakes.js';

const SUBSCRIBERS = 1_000;
const PUBLICATIONS = 100_000;
const BURST = 1_000;
const STALL_MS = 120_000;
const CHANNEL = 'soak';

let gw: TestGateway;
let worker: Worker | null = null;

before(async () => {
  gw = await startGateway();
});

after(async () => {
  if (worker) await worker.terminate();
  await gw.close();
});

function nextMessage(w: Worker, type: string): Promise<any> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: any) => {
      if (m.type === type) {
        w.off('message', onMessage);
        resolve(m);
      } else if (m.type === 'error') {
        reject(new Error(m.detail));
      }
    };
    w.on('message', onMessage);
    w.once('error', reject);
  });
}

it(`${PUBLICATIONS} publications reach each of ${SUBSCRIBERS} subscribers, all of them, in order`, async () => {
  const received = new Int32Array(new SharedArrayBuffer(SUBSCRIBERS * 4));
  const mismatches: string[] = [];
  const data = { url: gw.url(''), channel: CHANNEL, pubsub: SUBSCRIBERS / 2, stream: SUBSCRIBERS / 2, received };
  worker = new Worker(new URL('./helpers/soak-clients.mjs', import.meta.url), { workerData: data });
  worker.on('message', (m) => m.type === 'mismatch' && mismatches.push(`subscriber ${m.index}: ${m.detail}`));
  await nextMessage(worker, 'connected');

  // Wait until every subscription is live on the server.
  {
    const deadline = Date.now() + STALL_MS;
    while (gw.core.stats().subscriptions < SUBSCRIBERS) {
      assert.ok(Date.now() < deadline, `only ${gw.core.stats().subscriptions} subscriptions`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  for (let published = 0; published < PUBLICATIONS; ) {
    const end = Math.min(PUBLICATIONS, published + BURST);
    for (; published < end; ) {
      published++;
      const result = await gw.core.publish(CHANNEL, { kind: 'json', data: published }, 'embed');
      if (result.offset !== published) assert.fail(`offset ${result.offset} for publication ${published}`);
    }
    await waitAll(received, published, mismatches);
  }

  assert.deepEqual(mismatches, []);
  for (let i = 0; i < SUBSCRIBERS; i++) assert.equal(received[i], PUBLICATIONS, `subscriber ${i}`);
  assert.equal(await metricValue(gw.metrics, 'pushgate_deliveries_total', { namespace: 'default' }), PUBLICATIONS * SUBSCRIBERS);
  assert.equal(await metricValue(gw.metrics, 'pushgate_dropped_messages_total', { route: '/ws' }), 0);

  worker.postMessage({ type: 'close' });
  await nextMessage(worker, 'closed');
});

/** Waits until every subscriber has `target` publications; fails on a mismatch or when nothing moves for STALL_MS. */
async function waitAll(received: Int32Array, target: number, mismatches: string[]): Promise<void> {
  let lastSum = -1;
  let lastMove = Date.now();
  for (;;) {
    let min = Infinity;
    let sum = 0;
    for (let i = 0; i < received.length; i++) {
      const n = Atomics.load(received, i);
      if (n < 0) assert.fail(mismatches.join('\n') || `subscriber ${i} saw a wrong message`);
      if (n < min) min = n;
      sum += n;
    }
    if (min >= target) return;
    if (sum !== lastSum) {
      lastSum = sum;
      lastMove = Date.now();
    } else if (Date.now() - lastMove > STALL_MS) {
      assert.fail(`stalled at publication ${target}: slowest subscriber has ${min}`);
    }
    await new Promise((r) => setTimeout(r, 2));
  }
}
