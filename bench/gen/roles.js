// What a generator worker does with its connections. Each role opens its share of
// connections (bounded handshakes in flight), reports 'ready', and keeps counters
// and a latency histogram that the parent collects on 'stop'.
import { performance } from 'node:perf_hooks';
import { WsClient } from './client.js';
import { buildClientFrame, OPCODE } from '../lib/frames.js';
import { readPublication } from '../lib/payload.js';
import { monoMs } from '../lib/clock.js';
import { createHistogram, recordMs } from '../lib/histogram.js';

/**
 * @typedef {{
 *   role: 'echo' | 'subscribe' | 'open',
 *   host: string, port: number,
 *   firstIndex: number, count: number, sourceAddresses: number, concurrency: number,
 *   paths: string[],
 *   size?: number, pipelining?: number, text?: boolean, checkOrder?: boolean,
 * }} Task
 */

/** Source address of the connection with global index i: 127.0.0.1 .. 127.0.0.N. */
export function sourceAddress(/** @type {number} */ index, /** @type {number} */ addresses) {
  return `127.0.0.${1 + (index % addresses)}`;
}

export class Role {
  /** @param {Task} task @param {(message: object) => void} post */
  constructor(task, post) {
    this.task = task;
    this.post = post;
    this.histogram = createHistogram();
    /** @type {WsClient[]} */
    this.clients = [];
    this.counters = {
      opened: 0, failed: 0, sent: 0, received: 0, bytes: 0,
      handshakeErrors: 0, socketErrors: 0, protocolErrors: 0, closedByServer: 0, mismatches: 0, orderErrors: 0,
    };
    this.firstStartAt = 0;
    this.lastOpenAt = 0;
    this.firstRecvAt = 0;
    this.lastRecvAt = 0;
    this.stopped = false;
    /** The first few error details, so a failing run says why. */
    /** @type {string[]} */
    this.errorSamples = [];
  }

  /** Opens every connection, at most task.concurrency handshakes at a time. */
  openAll() {
    const { task } = this;
    let next = 0;
    let inFlight = 0;
    this.firstStartAt = monoMs();
    return new Promise((resolve) => {
      const settle = () => {
        inFlight--;
        if (this.counters.opened + this.counters.failed === task.count) resolve(undefined);
        else pump();
      };
      const pump = () => {
        while (!this.stopped && inFlight < task.concurrency && next < task.count) {
          const index = task.firstIndex + next++;
          inFlight++;
          const started = performance.now();
          let settled = false;
          const client = new WsClient(
            {
              host: task.host,
              port: task.port,
              path: task.paths[index % task.paths.length],
              localAddress: sourceAddress(index, task.sourceAddresses),
            },
            {
              onOpen: (c) => {
                settled = true;
                this.counters.opened++;
                this.lastOpenAt = monoMs();
                if (task.role === 'open') recordMs(this.histogram, performance.now() - started);
                this.opened(c);
                settle();
              },
              onData: (c) => this.beforeRead(c),
              onMessage: (c, payload, length) => this.message(c, payload, length),
              onReadEnd: (c) => this.afterRead(c),
              onError: (c, kind, detail) => {
                this.error(kind, detail);
                if (!settled) {
                  settled = true;
                  this.counters.failed++;
                  settle();
                }
              },
            },
          );
          this.clients.push(client);
        }
      };
      if (task.count === 0) resolve(undefined);
      else pump();
    });
  }

  /** @param {'handshake' | 'socket' | 'protocol' | 'closed'} kind @param {string} detail */
  error(kind, detail) {
    if (this.stopped) return;
    const c = this.counters;
    if (kind === 'handshake') c.handshakeErrors++;
    else if (kind === 'socket') c.socketErrors++;
    else if (kind === 'protocol') c.protocolErrors++;
    else c.closedByServer++;
    if (this.errorSamples.length < 5) this.errorSamples.push(`${kind}: ${detail}`);
  }

  /** @param {WsClient} _client */
  opened(_client) {}
  /** @param {WsClient} _client */
  beforeRead(_client) {}
  /** @param {WsClient} _client @param {Buffer} _payload @param {number} _length */
  message(_client, _payload, _length) {}
  /** @param {WsClient} _client */
  afterRead(_client) {}
  go() {}

  progress() {
    return { ...this.counters, lastRecvAt: this.lastRecvAt };
  }

  /** Stops measuring; the caller encodes the histogram and closes the connections. */
  stop() {
    this.stopped = true;
  }

  closeAll() {
    return new Promise((resolve) => {
      let open = 0;
      const timer = setTimeout(resolve, 1500);
      const done = () => {
        if (--open <= 0) {
          clearTimeout(timer);
          resolve(undefined);
        }
      };
      for (const client of this.clients) {
        if (client.done) continue;
        open++;
        const previous = client.handlers.onClose;
        client.handlers.onClose = (c) => {
          previous?.(c);
          done();
        };
        client.close();
      }
      if (open === 0) {
        clearTimeout(timer);
        resolve(undefined);
      }
    });
  }
}

/** Round trips: keeps `pipelining` messages in flight per connection; latency from the client's own clock. */
class EchoRole extends Role {
  /** @param {Task} task @param {(message: object) => void} post */
  constructor(task, post) {
    super(task, post);
    const size = task.size ?? 32;
    this.pipelining = task.pipelining ?? 1;
    this.size = size;
    this.payload = Buffer.alloc(size, 0x61);
    this.sending = false;
    this.chunkTime = 0;
  }

  /** @param {WsClient} client */
  opened(client) {
    const frame = buildClientFrame(this.payload, { opcode: this.task.text ? OPCODE.TEXT : OPCODE.BINARY, maskKey: client.maskKey });
    // Up to `pipelining` frames in one buffer: answering k echoes is one write of k frames.
    const burst = Buffer.allocUnsafe(frame.length * this.pipelining);
    for (let i = 0; i < this.pipelining; i++) frame.copy(burst, i * frame.length);
    client.state = { frameLength: frame.length, burst, sentAt: new Float64Array(this.pipelining), head: 0, tail: 0, due: 0 };
  }

  go() {
    this.sending = true;
    for (const client of this.clients) {
      if (client.open && !client.closing) this.send(client, this.pipelining);
    }
  }

  /** @param {WsClient} client @param {number} count */
  send(client, count) {
    const s = client.state;
    const now = performance.now();
    for (let i = 0; i < count; i++) {
      s.sentAt[s.tail % this.pipelining] = now;
      s.tail++;
    }
    this.counters.sent += count;
    client.write(count === this.pipelining ? s.burst : s.burst.subarray(0, count * s.frameLength));
  }

  /** @param {WsClient} _client */
  beforeRead(_client) {
    this.chunkTime = performance.now();
  }

  /** @param {WsClient} client @param {Buffer} _payload @param {number} length */
  message(client, _payload, length) {
    const s = client.state;
    if (s === null || s.head === s.tail) {
      if (!this.stopped) this.counters.mismatches++;
      return;
    }
    const sentAt = s.sentAt[s.head % this.pipelining];
    s.head++;
    if (this.stopped) return;
    if (length !== this.size) this.counters.mismatches++;
    this.counters.received++;
    this.counters.bytes += length;
    recordMs(this.histogram, this.chunkTime - sentAt);
    s.due++;
  }

  /** @param {WsClient} client */
  afterRead(client) {
    const s = client.state;
    if (s === null || s.due === 0) return;
    const due = s.due;
    s.due = 0;
    if (this.sending && !this.stopped) this.send(client, due);
  }

  stop() {
    this.sending = false;
    super.stop();
  }
}

/** Fan-out subscribers: latency = receive time - publish time carried in the payload. */
class SubscribeRole extends Role {
  /** @param {Task} task @param {(message: object) => void} post */
  constructor(task, post) {
    super(task, post);
    this.chunkTime = 0;
  }

  /** @param {WsClient} client */
  opened(client) {
    client.state = { lastSeq: -1 };
  }

  /** @param {WsClient} _client */
  beforeRead(_client) {
    this.chunkTime = monoMs();
  }

  /** @param {WsClient} client @param {Buffer} payload @param {number} length */
  message(client, payload, length) {
    if (this.stopped) return;
    const publication = readPublication(payload);
    if (publication === null) {
      this.counters.mismatches++;
      return;
    }
    // Only meaningful when publications reach the server one after another.
    if (this.task.checkOrder && publication.seq <= client.state.lastSeq) this.counters.orderErrors++;
    client.state.lastSeq = publication.seq;
    this.counters.received++;
    this.counters.bytes += length;
    if (this.firstRecvAt === 0) this.firstRecvAt = this.chunkTime;
    this.lastRecvAt = this.chunkTime;
    recordMs(this.histogram, this.chunkTime - publication.sentAt);
  }
}

/** connect/idle: open, record handshake latency, then hold the connections until stop. */
class OpenRole extends Role {}

/** @param {Task} task @param {(message: object) => void} post */
export function createRole(task, post) {
  switch (task.role) {
    case 'echo':
      return new EchoRole(task, post);
    case 'subscribe':
      return new SubscribeRole(task, post);
    case 'open':
      return new OpenRole(task, post);
    default:
      throw new Error(`unknown role ${task.role}`);
  }
}
