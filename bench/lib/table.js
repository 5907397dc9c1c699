// Human output: box tables in autocannon's style, one renderer for every scenario.
import { formatBytes, formatCount } from './progress.js';

/**
 * @param {string[]} header
 * @param {(string | number)[][]} rows
 */
export function boxTable(header, rows) {
  const all = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...all.map((r) => String(r[i] ?? '').length)));
  const line = (/** @type {string} */ l, /** @type {string} */ m, /** @type {string} */ r) => l + widths.map((w) => '─'.repeat(w + 2)).join(m) + r;
  const row = (/** @type {(string|number)[]} */ cells) => '│' + cells.map((c, i) => ` ${String(c ?? '').padEnd(widths[i])} `).join('│') + '│';
  return [line('┌', '┬', '┐'), row(header), line('├', '┼', '┤'), ...rows.map(row), line('└', '┴', '┘')].join('\n');
}

/** @param {any} l latencyMs block */
function latencyTable(l) {
  return boxTable(
    ['Latency', 'p50', 'p90', 'p99', 'p99.9', 'Avg', 'Stdev', 'Max'],
    [['ms', l.p50, l.p90, l.p99, l.p999, l.mean, l.stdev, l.max]],
  );
}

/** @param {any} r */
function footer(r) {
  const g = r.generator;
  const lines = [];
  if (g) {
    lines.push(`generator: ${g.workers} ${g.mode === 'thread' ? 'worker thread(s)' : 'child process(es)'}, ${g.sourceAddresses} source address(es), CPU ${g.cpuPercent}% of one core`);
  }
  if (r.server && typeof r.server.cpuPercent === 'number') lines.push(`server: pid ${r.server.pid}, CPU ${r.server.cpuPercent}% of one core`);
  const e = r.errors;
  if (e) {
    lines.push(`errors: ${e.total} (handshake ${e.handshake}, socket ${e.socket}, protocol ${e.protocol}, closed by server ${e.closedByServer}, mismatched ${e.mismatches}, out of order ${e.outOfOrder})`);
    for (const sample of e.samples ?? []) lines.push(`  e.g. ${sample}`);
  }
  return lines.join('\n');
}

/**
 * The final human-readable report of one scenario result.
 * @param {any} r
 */
export function renderResult(r) {
  if (r.unavailable) return `${r.scenario} against ${r.target}: unavailable (${r.reason})`;
  const out = [];
  const c = r.connections;
  if (r.scenario === 'echo') {
    const o = r.options;
    out.push(`echo against ${r.description}: ${c.opened}/${c.requested} connections, ${o.pipelining} in flight each, ${o.size} B ${o.text ? 'text' : 'binary'}, ${r.durationSec}s`);
    out.push(latencyTable(r.latencyMs));
    out.push(boxTable(['Throughput', 'msgs/s', 'bytes/s', 'sent', 'received', 'errors'], [
      ['', formatCount(r.messages.perSec), `${formatBytes(r.messages.bytesPerSec)}/s`, r.messages.sent, r.messages.received, r.errors.total],
    ]));
  } else if (r.scenario === 'fanout') {
    const o = r.options;
    out.push(`fanout against ${r.description}: ${c.opened}/${c.requested} subscribers on ${o.channels} channel(s), ${r.publications.sent} publications via ${o.via}${o.rate ? ` at ${o.rate}/s` : ' as fast as possible'}, ${o.size} B`);
    out.push(latencyTable(r.latencyMs));
    out.push(boxTable(['Fan-out', 'deliveries/s', 'bytes/s', 'delivered', 'expected', 'lost', 'publications/s', 'failed pubs'], [
      ['', formatCount(r.deliveries.perSec), `${formatBytes(r.deliveries.bytesPerSec)}/s`, r.deliveries.delivered, r.deliveries.expected, r.deliveries.lost, formatCount(r.publications.perSec), r.publications.failed],
    ]));
    for (const sample of r.publications.failureSamples ?? []) out.push(`  publish failure e.g. ${sample}`);
  } else if (r.scenario === 'connect') {
    out.push(`connect against ${r.description}${r.options.jwt ? ' with JWT' : ''}: ${c.opened}/${c.requested} opened, ${r.options.concurrency} handshakes in flight, ${r.durationSec}s`);
    out.push(boxTable(['Handshake latency', 'p50', 'p90', 'p99', 'p99.9', 'Avg', 'Max'], [
      ['ms', r.latencyMs.p50, r.latencyMs.p90, r.latencyMs.p99, r.latencyMs.p999, r.latencyMs.mean, r.latencyMs.max],
    ]));
    out.push(boxTable(['Connect', 'handshakes/s', 'opened', 'failed'], [['', formatCount(r.handshakesPerSec), c.opened, c.failed]]));
  } else if (r.scenario === 'idle') {
    const m = r.memory;
    const show = (/** @type {number | null} */ v) => (v === null ? 'n/a' : formatBytes(v));
    out.push(`idle against ${r.description}: ${c.opened}/${c.requested} connections held`);
    out.push(boxTable(['Server memory', 'before', 'after', 'per connection'], [
      ['RSS', show(m.rssBefore), show(m.rssAfter), show(m.rssPerConnection)],
      ['heap used', show(m.heapBefore), show(m.heapAfter), show(m.heapPerConnection)],
      ['V8 young generation', show(m.youngGenerationBefore ?? null), show(m.youngGenerationAfter ?? null), ''],
      ['RSS − young generation', '', '', show(m.rssExclYoungGenPerConnection ?? null)],
    ]));
  }
  out.push(footer(r));
  return out.join('\n');
}
