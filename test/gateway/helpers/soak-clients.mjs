// Worker thread for the soak test: holds the subscriber sockets on the second
// core, checks every message against the one it must be (in order), and
// reports progress through shared memory so the publisher can pace itself.
import { parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';

// workerData: { url, channel, pubsub, stream, received } where pubsub/stream are
// the subscriber counts on each route and received[i] (a shared Int32Array) is
// how many publications subscriber i has received in order (-1 after a mismatch).
// Plain JavaScript: a worker thread does not get the tsx loader of the tests.
const { url, channel, pubsub, stream, received } = workerData;
const sockets = [];

function open(path) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url + path);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function fail(index, detail) {
  if (Atomics.load(received, index) >= 0) parentPort.postMessage({ type: 'mismatch', index, detail });
  Atomics.store(received, index, -1);
}

async function startPubsub(index) {
  const ws = await open('/ws');
  sockets.push(ws);
  let epoch = null;
  ws.on('message', (data, isBinary) => {
    const next = received[index];
    if (next < 0) return;
    const text = data.toString('utf8');
    if (epoch === null) {
      const reply = JSON.parse(text);
      if (!reply.ok || reply.offset !== 0) return fail(index, `subscribe reply ${text}`);
      epoch = reply.epoch;
      return;
    }
    // The exact envelope of publication next+1 (its data is its own number).
    const k = next + 1;
    const expected = `{"channel":"${channel}","offset":${k},"epoch":"${epoch}","data":${k}}`;
    if (isBinary || text !== expected) return fail(index, `expected ${expected} got ${text.slice(0, 200)}`);
    Atomics.store(received, index, k);
  });
  ws.send(JSON.stringify({ id: 1, op: 'subscribe', channel }));
}

async function startStream(index) {
  const ws = await open(`/stream/${channel}`);
  sockets.push(ws);
  ws.on('message', (data, isBinary) => {
    const next = received[index];
    if (next < 0) return;
    const text = data.toString('utf8');
    if (isBinary || text !== String(next + 1)) return fail(index, `expected ${next + 1} got ${text.slice(0, 200)}`);
    Atomics.store(received, index, next + 1);
  });
}

async function main() {
  const starts = [];
  for (let i = 0; i < pubsub; i++) starts.push(() => startPubsub(i));
  for (let i = 0; i < stream; i++) starts.push(() => startStream(pubsub + i));
  // A hundred handshakes at a time: bounded, and kind to the listen backlog.
  for (let i = 0; i < starts.length; i += 100) await Promise.all(starts.slice(i, i + 100).map((s) => s()));
  parentPort.postMessage({ type: 'connected' });
}

parentPort.on('message', (message) => {
  if (message.type !== 'close') return;
  let open = sockets.length;
  if (open === 0) process.exit(0);
  for (const ws of sockets) {
    ws.once('close', () => {
      if (--open === 0) parentPort.postMessage({ type: 'closed' });
    });
    ws.close(1000);
  }
});

main().catch((error) => parentPort.postMessage({ type: 'error', detail: String(error?.stack ?? error) }));
