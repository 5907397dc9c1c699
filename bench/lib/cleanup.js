// Every process the bench starts is registered here, so that a normal end, an
// error, SIGINT/SIGTERM or the watchdog all stop them. Children also exit on their
// own when their IPC channel to us disconnects (see servers/guard.js, gen/worker.js).

/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();
let installed = false;

/** @param {import('node:child_process').ChildProcess} child */
export function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export function killAllNow() {
  for (const child of children) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  children.clear();
}

/**
 * Stops one child: SIGTERM, then SIGKILL after graceMs. Resolves once it exited.
 * @param {import('node:child_process').ChildProcess} child
 * @param {number} [graceMs]
 */
export function stopChild(child, graceMs = 2000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    child.kill('SIGTERM');
  });
}

export function installSignalHandlers() {
  if (installed) return;
  installed = true;
  process.on('exit', killAllNow);
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping servers and generators\n`);
      killAllNow();
      process.exit(130);
    });
  }
}

/**
 * Kills everything and exits when a run overstays its bound, whatever hangs.
 * @param {number} seconds
 * @param {string} what
 */
export function startWatchdog(seconds, what) {
  const timer = setTimeout(() => {
    process.stderr.write(`\nbench: watchdog: ${what} exceeded ${seconds}s, killing everything\n`);
    killAllNow();
    process.exit(124);
  }, seconds * 1000);
  timer.unref();
  return () => clearTimeout(timer);
}
