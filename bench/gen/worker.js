// Entry of one load-generator worker: a worker thread (echo, fan-out) or a child
// process (large connection counts: one process holds at most ~20,000 fds here).
// Protocol with the parent (lib/generators.js):
//   parent → {type:'start', task} | {type:'go'} | {type:'stop'}
//   worker → {type:'ready', ...counters} | {type:'progress', ...} | {type:'result', ...} | {type:'fatal', message}
import { parentPort, isMainThread } from 'node:worker_threads';
import { createRole } from './roles.js';
import { encodeHistogram } from '../lib/histogram.js';
import { monoMs } from '../lib/clock.js';

const PROGRESS_MS = 250;

/** @type {(message: object) => void} */
const post = isMainThread
  ? (message) => process.send?.(message)
  : (message) => parentPort?.postMessage(message);

/** @param {(message: any) => void} handler */
function onMessage(handler) {
  if (isMainThread) process.on('message', handler);
  else parentPort?.on('message', handler);
}

if (isMainThread) {
  if (typeof process.send !== 'function') {
    process.stderr.write('bench/gen/worker.js is started by the bench, not by hand\n');
    process.exit(2);
  }
  // The bench died: never keep connections (or the process) around.
  process.on('disconnect', () => process.exit(0));
}

/** @type {ReturnType<typeof createRole> | null} */
let role = null;
/** @type {NodeJS.Timeout | null} */
let progressTimer = null;
const cpuAtStart = process.cpuUsage();
let wallAtStart = monoMs();

/** CPU this process used since the worker started, in ms (process-wide: meaningful for child processes). */
function cpuSoFar() {
  const cpu = process.cpuUsage(cpuAtStart);
  return (cpu.user + cpu.system) / 1000;
}

function exit() {
  if (isMainThread) process.exit(0);
  else parentPort?.close();
}

onMessage(async (/** @type {any} */ message) => {
  try {
    if (message.type === 'start') {
      // Own watchdog: a worker never outlives its bound even if the parent hangs.
      setTimeout(() => {
        process.stderr.write('bench worker: watchdog expired, exiting\n');
        if (isMainThread) process.exit(4);
        else process.exit(4);
      }, message.maxMs).unref();
      role = createRole(message.task, post);
      wallAtStart = monoMs();
      await role.openAll();
      post({ type: 'ready', ...role.progress(), cpuMs: cpuSoFar(), firstStartAt: role.firstStartAt, lastOpenAt: role.lastOpenAt, errorSamples: role.errorSamples });
      progressTimer = setInterval(() => post({ type: 'progress', ...role?.progress(), cpuMs: cpuSoFar() }), PROGRESS_MS);
    } else if (message.type === 'go') {
      role?.go();
    } else if (message.type === 'stop') {
      if (progressTimer) clearInterval(progressTimer);
      if (!role) return exit();
      role.stop();
      post({
        type: 'result',
        ...role.progress(),
        firstStartAt: role.firstStartAt,
        lastOpenAt: role.lastOpenAt,
        firstRecvAt: role.firstRecvAt,
        histogram: encodeHistogram(role.histogram),
        errorSamples: role.errorSamples,
        cpuMs: cpuSoFar(),
        wallMs: monoMs() - wallAtStart,
      });
      await role.closeAll();
      exit();
    }
  } catch (error) {
    post({ type: 'fatal', message: String(/** @type {Error} */ (error)?.stack ?? error) });
    exit();
  }
});
