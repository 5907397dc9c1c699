// Publishes through the HTTP API (POST /api/publish/<channel>, binary body) over a
// keep-alive agent: `concurrency` requests in flight at most, either as fast as the
// server answers or paced at `rate` publications per second.
import http from 'node:http';
import { stampPublication } from '../lib/payload.js';
import { monoMs } from '../lib/clock.js';
import { sleep } from '../lib/common.js';

/**
 * @param {{
 *   host: string, port: number, paths: string[], count: number, rate: number, size: number,
 *   concurrency: number, durationMs: number,
 * }} job paths[i] is the publish path of channel i; publication k goes to channel k % paths.length
 * @returns {Promise<{ sent: number, failed: number, firstAt: number, lastAt: number, sentPerChannel: number[], failureSamples: string[] }>}
 */
export async function publishOverHttp(job) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency });
  const sentPerChannel = new Array(job.paths.length).fill(0);
  /** @type {string[]} */
  const failureSamples = [];
  let issued = 0;
  let sent = 0;
  let failed = 0;
  let inFlight = 0;
  const firstAt = monoMs();
  let lastAt = firstAt;
  const deadline = firstAt + job.durationMs;

  /** @param {number} seq */
  const publishOne = (seq) =>
    new Promise((resolve) => {
      const channelIndex = seq % job.paths.length;
      const fail = (/** @type {string} */ why) => {
        failed++;
        if (failureSamples.length < 5) failureSamples.push(why);
        resolve(undefined);
      };
      const body = stampPublication(job.size, seq);
      const req = http.request(
        {
          host: job.host, port: job.port, method: 'POST', path: job.paths[channelIndex], agent,
          headers: { 'content-type': 'application/octet-stream', 'content-length': body.length },
          timeout: 30_000,
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk) => {
            if (text.length < 300) text += chunk;
          });
          res.on('end', () => {
            lastAt = monoMs();
            if (res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300) {
              sent++;
              sentPerChannel[channelIndex]++;
              resolve(undefined);
            } else {
              fail(`HTTP ${res.statusCode}: ${text.slice(0, 200)}`);
            }
          });
          res.on('error', (error) => fail(error.message));
        },
      );
      req.on('timeout', () => req.destroy(new Error('publish request timed out')));
      req.on('error', (error) => fail(error.message));
      req.end(body);
    });

  await new Promise((resolve) => {
    const pump = () => {
      while (inFlight < job.concurrency && issued < job.count && monoMs() < deadline) {
        if (job.rate > 0 && issued >= Math.floor(((monoMs() - firstAt) / 1000) * job.rate) + 1) {
          sleep(1).then(pump);
          return;
        }
        inFlight++;
        publishOne(issued++).then(() => {
          inFlight--;
          pump();
        });
      }
      if (inFlight === 0 && (issued >= job.count || monoMs() >= deadline)) resolve(undefined);
      else if (inFlight === 0) sleep(1).then(pump);
    };
    pump();
  });
  agent.destroy();
  return { sent, failed, firstAt, lastAt, sentPerChannel, failureSamples };
}
