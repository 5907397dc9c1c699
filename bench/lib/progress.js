// The live progress line on stderr: a bar for the elapsed share of the run and the
// rate of the last second. On a terminal it redraws in place; otherwise (logs, CI)
// it prints a line every few seconds.
import { monoMs } from './clock.js';

/**
 * @param {{ label: string, durationSec: number, unit: string, read: () => { count: number, errors: number }, quiet?: boolean }} options
 * @returns {{ stop: () => void }}
 */
export function startProgress({ label, durationSec, unit, read, quiet }) {
  if (quiet) return { stop: () => {} };
  const tty = process.stderr.isTTY === true;
  const started = monoMs();
  let lastCount = read().count;
  let lastAt = started;
  let lastPrinted = started;
  const timer = setInterval(() => {
    const now = monoMs();
    const { count, errors } = read();
    const rate = ((count - lastCount) * 1000) / Math.max(1, now - lastAt);
    lastCount = count;
    lastAt = now;
    const elapsed = (now - started) / 1000;
    const share = Math.min(1, elapsed / durationSec);
    const bar = '#'.repeat(Math.round(share * 20)).padEnd(20, '-');
    const line = `${label} [${bar}] ${elapsed.toFixed(1)}s/${durationSec}s  ${formatCount(rate)} ${unit}/s  total ${formatCount(count)}  errors ${errors}`;
    if (tty) process.stderr.write(`\r${line}\x1b[K`);
    else if (now - lastPrinted >= 2000) {
      process.stderr.write(`${line}\n`);
      lastPrinted = now;
    }
  }, 1000);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      if (tty) process.stderr.write('\r\x1b[K');
    },
  };
}

/** 1234567 → "1.23M", 12345 → "12.3k". @param {number} n */
export function formatCount(n) {
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (abs >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (abs >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}

/** @param {number} bytes */
export function formatBytes(bytes) {
  const abs = Math.abs(bytes);
  if (abs >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
  if (abs >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(2)} MiB`;
  if (abs >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${Math.round(bytes)} B`;
}
