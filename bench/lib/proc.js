// What the bench reads about a server process from outside: /proc works for every
// target (ours or not) without its cooperation.
import { readFileSync } from 'node:fs';

/** Kernel clock ticks per second for /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const CLOCK_TICKS = 100;

/**
 * Resident set size of a process in bytes (VmRSS), or null when it cannot be read.
 * @param {number} pid
 */
export function readRssBytes(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * CPU time (user + system) a process has used so far, in ms, or null.
 * @param {number} pid
 */
export function readCpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name (field 2) may contain spaces: count fields after its closing ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** CPU of this process (all its threads) as a { userMs, systemMs } snapshot. */
export function selfCpu() {
  const u = process.cpuUsage();
  return { userMs: u.user / 1000, systemMs: u.system / 1000 };
}
