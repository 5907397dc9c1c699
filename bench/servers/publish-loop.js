// In-process publishing (`fanout --via inproc`): the server process itself stamps
// and publishes, so no HTTP sits between the bench and the fan-out. Shared by the
// baselines and the pushgate host so that every target runs the very same loop.
import { stampPublication } from '../lib/payload.js';
import { monoMs } from '../lib/clock.js';

/**
 * @param {{
 *   publish: (channel: string, payload: Buffer) => unknown,
 *   channels: string[], count: number, rate: number, size: number, durationMs: number,
 * }} job
 * @returns {Promise<{ sent: number, failed: number, firstAt: number, lastAt: number, sentPerChannel: number[] }>}
 */
export async function runPublishLoop(job) {
  const { publish, channels, count, rate, size } = job;
  const durationMs = Math.min(job.durationMs, 120_000);
  let sent = 0;
  let failed = 0;
  const sentPerChannel = new Array(channels.length).fill(0);
  const firstAt = monoMs();
  let lastAt = firstAt;
  const yieldToIo = () => new Promise((resolve) => setImmediate(resolve));
  while (sent + failed < count && monoMs() - firstAt < durationMs) {
    if (rate > 0) {
      const due = Math.min(count, Math.floor(((monoMs() - firstAt) / 1000) * rate) + 1);
      if (sent + failed >= due) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        continue;
      }
    }
    const seq = sent + failed;
    try {
      // A promise (pushgate's publish) is awaited so errors count; sync publishers return at once.
      await publish(channels[seq % channels.length], stampPublication(size, seq));
      sent++;
      sentPerChannel[seq % channels.length]++;
    } catch {
      failed++;
    }
    lastAt = monoMs();
    // Let the event loop flush sockets between publications, as a real server would.
    await yieldToIo();
  }
  return { sent, failed, firstAt, lastAt, sentPerChannel };
}

/**
 * Wires {type:'publish'} IPC requests from the bench to a publish function.
 * @param {(channel: string, payload: Buffer) => unknown} publish
 */
export function servePublishRequests(publish) {
  if (typeof process.send !== 'function') return;
  process.on('message', (/** @type {any} */ message) => {
    if (!message || message.type !== 'publish') return;
    runPublishLoop({ publish, channels: message.channels, count: message.count, rate: message.rate, size: message.size, durationMs: message.durationMs })
      .then((result) => process.send?.({ type: 'published', id: message.id, ...result }))
      .catch((error) => process.send?.({ type: 'published', id: message.id, error: String(error) }));
  });
}
