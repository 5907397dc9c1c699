// Scenario `fanout`: S subscribers on the raw stream route, spread over C channels;
// publications (through the HTTP API, or in-process inside the server) carry their
// publish time, so every delivery gives a publish-to-receive latency on the shared
// monotonic clock. Deliveries are counted against what should have arrived.
import { randomBytes } from 'node:crypto';
import { startGenerators } from '../lib/generators.js';
import { startProgress } from '../lib/progress.js';
import { sleep, waitFor, serverCpuWindow, measuredBlock, round, withTimeout } from '../lib/common.js';
import { monoMs } from '../lib/clock.js';
import { LIMITS } from '../lib/limits.js';
import { publishOverHttp } from './http-publisher.js';

/** Longest wait for the last deliveries once publishing is over, and for a stalled stream. */
const DRAIN_MAX_MS = 20_000;
const DRAIN_STALL_MS = 3_000;

/**
 * Subscribers per channel when subscriber j listens on channel j % channels.
 * @param {number} subscribers @param {number} channels
 */
export function subscribersPerChannel(subscribers, channels) {
  return Array.from({ length: channels }, (_, c) => Math.floor(subscribers / channels) + (c < subscribers % channels ? 1 : 0));
}

/**
 * @param {import('../lib/args.js').BenchOptions} options
 * @param {import('../lib/targets.js').Target} target
 */
export async function runFanout(options, target) {
  const startedAt = new Date().toISOString();
  if (options.via === 'inproc' && !target.supportsInproc) {
    throw new Error(`${target.name} cannot publish in-process`);
  }
  // Fresh channel names per run: a server with history must not replay an earlier run.
  const runId = randomBytes(4).toString('hex');
  const channels = Array.from({ length: options.channels }, (_, i) => `bench-${runId}-${i}`);
  const gen = await startGenerators({
    role: 'subscribe', host: target.host, port: target.port, connections: options.connections,
    paths: channels.map((ch) => target.streamPath(ch)), workers: options.workers, sourceAddresses: options.sourceAddresses,
    concurrency: 200,
    // Concurrent HTTP publications may reach the server in any order; sequential ones may not.
    checkOrder: options.via === 'inproc' || options.publishConcurrency === 1,
    maxMs: (options.duration + LIMITS.setupAllowanceSec + DRAIN_MAX_MS / 1000) * 1000,
  });
  try {
    await gen.waitReady(60_000);
    if (gen.totals().opened === 0) throw new Error(`no subscriber could connect to ${target.name}`);
    // The handshake answer may precede the subscription taking effect in some servers.
    await sleep(300);
    gen.markWindow();
    const serverCpu = serverCpuWindow(target);
    const progress = startProgress({
      label: `fanout ${target.name}`, durationSec: options.duration, unit: 'deliveries', quiet: options.quiet || options.json,
      read: () => {
        const t = gen.totals();
        return { count: t.received, errors: t.handshakeErrors + t.socketErrors + t.protocolErrors + t.closedByServer + t.mismatches + t.orderErrors };
      },
    });
    const durationMs = options.duration * 1000;
    /** @type {{ sent: number, failed: number, firstAt: number, lastAt: number, sentPerChannel: number[], failureSamples?: string[] }} */
    let published;
    if (options.via === 'http') {
      published = await publishOverHttp({
        host: target.host, port: target.port, paths: channels.map((ch) => target.publishPath(ch)),
        count: options.publications, rate: options.rate, size: options.size,
        concurrency: options.publishConcurrency, durationMs,
      });
    } else {
      const reply = await withTimeout(
        target.publishInproc({ channels, count: options.publications, rate: options.rate, size: options.size, durationMs }),
        durationMs + 60_000,
        'in-process publishing',
      );
      if (reply.error) throw new Error(`in-process publishing failed: ${reply.error}`);
      published = reply;
    }
    const perChannel = subscribersPerChannel(gen.totals().opened === options.connections ? options.connections : gen.totals().opened, options.channels);
    const expected = published.sentPerChannel.reduce((sum, sent, c) => sum + sent * perChannel[c], 0);

    // Wait for the tail of the deliveries: until all arrived, the stream stalls, or the bound.
    const drainStart = monoMs();
    let lastCount = -1;
    let lastChange = drainStart;
    await waitFor(() => {
      const received = gen.totals().received;
      if (received !== lastCount) {
        lastCount = received;
        lastChange = monoMs();
      }
      return received >= expected || monoMs() - lastChange > DRAIN_STALL_MS;
    }, DRAIN_MAX_MS, 50);
    const serverCpuPercent = serverCpu();
    progress.stop();
    const result = await gen.stop();
    const c = result.counters;
    const deliverySeconds = Math.max(result.lastRecvAt - published.firstAt, 1) / 1000;
    const publishSeconds = Math.max(published.lastAt - published.firstAt, 1) / 1000;
    return {
      scenario: 'fanout',
      target: target.name,
      description: target.description,
      startedAt,
      options: {
        subscribers: options.connections, channels: options.channels, via: options.via, rate: options.rate,
        publications: options.publications, size: options.size, duration: options.duration,
        publishConcurrency: options.via === 'http' ? options.publishConcurrency : null,
      },
      connections: { requested: options.connections, opened: c.opened, failed: c.failed },
      publications: {
        sent: published.sent,
        failed: published.failed,
        perSec: Math.round(published.sent / publishSeconds),
        failureSamples: published.failureSamples ?? [],
      },
      deliveries: {
        expected,
        delivered: c.received,
        lost: Math.max(0, expected - c.received),
        perSec: Math.round(c.received / deliverySeconds),
        bytesPerSec: Math.round(c.bytes / deliverySeconds),
      },
      durationSec: round(deliverySeconds, 3),
      ...measuredBlock(result, target, serverCpuPercent),
    };
  } finally {
    gen.kill();
  }
}
