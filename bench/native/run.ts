// `npm run bench:native`: the hot-path operations side by side with their
// baselines in one process — native addon, TypeScript fallback, a byte-at-a-time
// loop, bufferutil, utf-8-validate, buffer.isUtf8, and Buffer.copy as the
// memory-bandwidth reference. Prints GB/s (median of several runs), the ratios
// issue 2 sets targets for, and the crossover sizes below which the TypeScript
// path wins (used as CROSSOVER in src/native/index.ts); writes everything as
// JSON to bench/results/native-<date>.json.
import { createRequire } from 'node:module';
import { isUtf8 } from 'node:buffer';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { FRAME_SLOTS, backend, implementations, type NativeOps } from '../../src/native/index.js';
import { consume, measure, type Measurement } from './measure.js';
import { KEY, asciiText, copyPair, maskedFrames, mixedText, oneFrame, randomPayload } from './inputs.js';

const require = createRequire(import.meta.url);
const bufferutil = require('bufferutil') as {
  mask(src: Uint8Array, key: Uint8Array, dst: Uint8Array, offset: number, length: number): void;
  unmask(buf: Uint8Array, key: Uint8Array): void;
};
const isValidUtf8 = require('utf-8-validate') as (buf: Uint8Array) => boolean;

const SIZES = [16, 125, 1024, 16 * 1024, 64 * 1024, 1024 * 1024];
const SWEEP_SIZES = [8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 1024, 2048, 4096];
const SCAN_FRAMES = 1000;
const SCAN_FRAME_SIZE = 16;

const native = implementations.native;
const fallback = implementations.fallback;
if (native === null) console.log(`native addon not available (${backend}): native columns are skipped`);

type Impl = { name: string; make: (size: number) => () => void };

/** Unmask candidates; each gets its own copy of the payload. */
function unmaskImpls(): Impl[] {
  const list: Impl[] = [];
  const ops = (name: string, o: NativeOps) => ({ name, make: (n: number) => { const b = randomPayload(n); return () => consume(o.unmask(b, KEY, 1)); } });
  if (native) list.push(ops('native', native));
  list.push(ops('fallback', fallback));
  list.push({ name: 'byte loop', make: (n) => { const b = randomPayload(n); return () => { for (let i = 0; i < b.length; i++) b[i] ^= KEY[(1 + i) & 3]; }; } });
  list.push({ name: 'bufferutil', make: (n) => { const b = randomPayload(n); return () => bufferutil.unmask(b, KEY); } });
  list.push({ name: 'Buffer.copy', make: (n) => { const { src, dst } = copyPair(n); return () => consume(src.copy(dst)); } });
  return list;
}

function maskImpls(): Impl[] {
  const list: Impl[] = [];
  const ops = (name: string, o: NativeOps) => ({ name, make: (n: number) => { const a = randomPayload(n); const b = Buffer.alloc(n); return () => o.mask(a, KEY, b, 0, n); } });
  if (native) list.push(ops('native', native));
  list.push(ops('fallback', fallback));
  list.push({ name: 'byte loop', make: (n) => { const a = randomPayload(n); const b = Buffer.alloc(n); return () => { for (let i = 0; i < n; i++) b[i] = a[i] ^ KEY[i & 3]; }; } });
  list.push({ name: 'bufferutil', make: (n) => { const a = randomPayload(n); const b = Buffer.alloc(n); return () => bufferutil.mask(a, KEY, b, 0, n); } });
  list.push({ name: 'Buffer.copy', make: (n) => { const { src, dst } = copyPair(n); return () => consume(src.copy(dst)); } });
  return list;
}

function utf8Impls(text: (n: number) => Buffer): Impl[] {
  const list: Impl[] = [];
  const ops = (name: string, o: NativeOps) => ({ name, make: (n: number) => { const t = text(n); return () => consume(o.utf8Step(t, 0)); } });
  if (native) list.push(ops('native', native));
  list.push(ops('fallback', fallback));
  list.push({ name: 'utf-8-validate', make: (n) => { const t = text(n); return () => consume(isValidUtf8(t) ? 1 : 0); } });
  list.push({ name: 'buffer.isUtf8', make: (n) => { const t = text(n); return () => consume(isUtf8(t) ? 1 : 0); } });
  return list;
}

/** Each scan unmasks every payload in place; the next scan XORs them back, so every run does the full work. */
function scanCall(o: NativeOps, buf: Buffer, maxFrames: number): () => void {
  const out = new Int32Array(maxFrames * FRAME_SLOTS);
  return () => consume(o.scanFrames(buf, 0, out, maxFrames));
}

type Table = Record<string, Record<string, Measurement>>;

function runTable(title: string, impls: Impl[], sizes: number[], bytesOf: (n: number) => number = (n) => n): Table {
  const table: Table = {};
  for (const impl of impls) {
    table[impl.name] = {};
    for (const n of sizes) table[impl.name][n] = measure(impl.make(n), bytesOf(n));
  }
  printTable(title, table, sizes, (m) => m.gbps.toFixed(2));
  return table;
}

function label(n: number): string {
  return n >= 1 << 20 ? `${n >> 20} MiB` : n >= 1024 ? `${n >> 10} KiB` : `${n} B`;
}

function printTable(title: string, table: Table, sizes: number[], cell: (m: Measurement) => string): void {
  console.log(`\n${title}`);
  console.log(['', ...sizes.map(label)].map((s, i) => (i === 0 ? s.padEnd(16) : s.padStart(9))).join(''));
  for (const [name, row] of Object.entries(table)) {
    console.log([name.padEnd(16), ...sizes.map((n) => (row[n] ? cell(row[n]) : '-').padStart(9))].join(''));
  }
}

/** Smallest sweep size from which native is faster than fallback at every larger sweep size. */
function crossover(table: Table): { firstFaster: number | null; stableFrom: number | null } {
  if (!table.native) return { firstFaster: null, stableFrom: null };
  const faster = SWEEP_SIZES.map((n) => table.native[n].nsPerCall < table.fallback[n].nsPerCall);
  const first = faster.indexOf(true);
  let stable = faster.length;
  while (stable > 0 && faster[stable - 1]) stable--;
  return { firstFaster: first < 0 ? null : SWEEP_SIZES[first], stableFrom: stable === faster.length ? null : SWEEP_SIZES[stable] };
}

const started = Date.now();
console.log(`pushgate native benchmark — node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}, backend ${backend}`);
console.log('GB/s, median of 7 runs of ~20 ms CPU time each (higher is better)');

const results: Record<string, unknown> = {};
const unmaskT = runTable('unmask (in place)', unmaskImpls(), SIZES);
const maskT = runTable('mask (src → dst)', maskImpls(), SIZES);
const utf8MixedT = runTable('utf8Step, mixed ASCII/Greek/CJK/emoji text', utf8Impls(mixedText), SIZES, (n) => mixedText(n).length);
const utf8AsciiT = runTable('utf8Step, pure ASCII text', utf8Impls(asciiText), SIZES, (n) => asciiText(n).length);

const frames = maskedFrames(SCAN_FRAMES, SCAN_FRAME_SIZE);
const scanT: Table = {};
for (const [name, o] of [['native', native], ['fallback', fallback]] as const) {
  if (o) scanT[name] = { [frames.length]: measure(scanCall(o, frames, SCAN_FRAMES), frames.length) };
}
console.log(`\nscanFrames over ${SCAN_FRAMES} back-to-back masked ${SCAN_FRAME_SIZE}-byte frames`);
for (const [name, row] of Object.entries(scanT)) {
  const m = row[frames.length];
  console.log(`${name.padEnd(16)}${((m.callsPerSec * SCAN_FRAMES) / 1e6).toFixed(1).padStart(9)} M frames/s${m.gbps.toFixed(2).padStart(9)} GB/s`);
}

// Crossover sweep: native vs fallback at small sizes, per operation.
const sweepOps = (label: string, make: (o: NativeOps, n: number) => () => void): Table => {
  const t: Table = {};
  for (const [name, o] of [['native', native], ['fallback', fallback]] as const) {
    if (!o) continue;
    t[name] = {};
    for (const n of SWEEP_SIZES) t[name][n] = measure(make(o, n), n);
  }
  printTable(`crossover sweep: ${label} (ns per call, lower is better)`, t, SWEEP_SIZES, (m) => m.nsPerCall.toFixed(0));
  return t;
};
const sweeps = {
  mask: sweepOps('mask', (o, n) => { const a = randomPayload(n); const b = Buffer.alloc(n); return () => o.mask(a, KEY, b, 0, n); }),
  unmask: sweepOps('unmask', (o, n) => { const b = randomPayload(n); return () => consume(o.unmask(b, KEY, 0)); }),
  utf8Step: sweepOps('utf8Step (mixed text)', (o, n) => { const t = mixedText(n); return () => consume(o.utf8Step(t, 0)); }),
  scanFrames: sweepOps('scanFrames (one frame filling the buffer)', (o, n) => scanCall(o, oneFrame(n), 4)),
};
const crossovers = Object.fromEntries(Object.entries(sweeps).map(([op, t]) => [op, crossover(t)]));

// The ratios issue 2 sets targets for.
const ratio = (a: Measurement | undefined, b: Measurement | undefined): number | null => (a && b ? a.gbps / b.gbps : null);
const big = SIZES.filter((n) => n >= 1024);
const ratios = {
  'native/bufferutil unmask (target ≥ 1.0 at ≥ 1 KiB)': Object.fromEntries(big.map((n) => [label(n), ratio(unmaskT.native?.[n], unmaskT.bufferutil[n])])),
  'native unmask/Buffer.copy at 64 KiB (target ≥ 0.5)': ratio(unmaskT.native?.[65536], unmaskT['Buffer.copy'][65536]),
  'fallback/byte loop unmask (target ≥ 3 at ≥ 1 KiB)': Object.fromEntries(big.map((n) => [label(n), ratio(unmaskT.fallback[n], unmaskT['byte loop'][n])])),
  'native utf8Step/buffer.isUtf8, mixed text (target ≥ 0.8 at ≥ 1 KiB)': Object.fromEntries(big.map((n) => [label(n), ratio(utf8MixedT.native?.[n], utf8MixedT['buffer.isUtf8'][n])])),
  'native/fallback scanFrames, 1000 × 16 B frames (target ≥ 3)': ratio(scanT.native?.[frames.length], scanT.fallback[frames.length]),
};
console.log('\nratios');
const fmt = (x: unknown): string => (x === null ? 'n/a' : typeof x === 'number' ? `${x.toFixed(2)}×` : Object.entries(x as object).map(([k, v]) => `${k} ${fmt(v)}`).join(', '));
for (const [name, value] of Object.entries(ratios)) console.log(`  ${name}: ${fmt(value)}`);
console.log('\ncrossover sizes (smallest sweep size from which native beats fallback at every larger size)');
for (const [op, c] of Object.entries(crossovers)) console.log(`  ${op.padEnd(12)} ${c.stableFrom ?? 'n/a'} B (first faster at ${c.firstFaster ?? 'n/a'} B)`);

Object.assign(results, {
  date: new Date().toISOString(), node: process.version, cpu: os.cpus()[0]?.model, cores: os.cpus().length, backend,
  unit: 'GB/s = 1e9 bytes/s; nsPerCall = median', sizes: SIZES,
  unmask: unmaskT, mask: maskT, utf8Mixed: utf8MixedT, utf8Ascii: utf8AsciiT,
  scanFrames: { frames: SCAN_FRAMES, frameSize: SCAN_FRAME_SIZE, results: scanT },
  crossoverSweep: { sizes: SWEEP_SIZES, ...sweeps }, crossovers, ratios,
  durationSec: (Date.now() - started) / 1000,
});
const dir = fileURLToPath(new URL('../results/', import.meta.url));
mkdirSync(dir, { recursive: true });
const file = `${dir}native-${new Date().toISOString().slice(0, 10)}.json`;
writeFileSync(file, JSON.stringify(results, null, 1) + '\n');
console.log(`\nwrote ${file} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
