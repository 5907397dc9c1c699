// Scenario `echo`: every connection keeps `pipelining` messages in flight against an
// echo route; throughput is messages echoed per second, latency is each message's
// round trip measured by the client (send time kept per connection, answers are in order).
import { startGenerators } from '../lib/generators.js';
import { startProgress } from '../lib/progress.js';
import { sleep, serverCpuWindow, measuredBlock, round } from '../lib/common.js';
import { monoMs } from '../lib/clock.js';
import { LIMITS } from '../lib/limits.js';

/**
 * @param {import('../lib/args.js').BenchOptions} options
 * @param {import('../lib/targets.js').Target} target
 */
export async function runEcho(options, target) {
  const startedAt = new Date().toISOString();
  const gen = await startGenerators({
    role: 'echo', host: target.host, port: target.port, connections: options.connections,
    paths: [target.echoPath], workers: options.workers, sourceAddresses: options.sourceAddresses,
    concurrency: 200, size: options.size, pipelining: options.pipelining, text: options.text,
    maxMs: (options.duration + LIMITS.setupAllowanceSec) * 1000,
  });
  try {
    await gen.waitReady(60_000);
    if (gen.totals().opened === 0) throw new Error(`no connection to ${target.name} could be opened`);
    gen.markWindow();
    const serverCpu = serverCpuWindow(target);
    const progress = startProgress({
      label: `echo ${target.name}`, durationSec: options.duration, unit: 'msgs', quiet: options.quiet || options.json,
      read: () => {
        const t = gen.totals();
        return { count: t.received, errors: t.handshakeErrors + t.socketErrors + t.protocolErrors + t.closedByServer + t.mismatches };
      },
    });
    const t0 = monoMs();
    gen.go();
    await sleep(options.duration * 1000);
    const elapsedMs = monoMs() - t0;
    const serverCpuPercent = serverCpu();
    progress.stop();
    const result = await gen.stop();
    const c = result.counters;
    const seconds = elapsedMs / 1000;
    return {
      scenario: 'echo',
      target: target.name,
      description: target.description,
      startedAt,
      options: {
        connections: options.connections, duration: options.duration, pipelining: options.pipelining,
        size: options.size, text: options.text,
      },
      connections: { requested: options.connections, opened: c.opened, failed: c.failed },
      durationSec: round(seconds, 3),
      messages: {
        sent: c.sent,
        received: c.received,
        perSec: Math.round(c.received / seconds),
        bytesPerSec: Math.round(c.bytes / seconds),
      },
      ...measuredBlock(result, target, serverCpuPercent),
    };
  } finally {
    gen.kill();
  }
}
