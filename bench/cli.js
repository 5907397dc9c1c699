#!/usr/bin/env node
// `npm run bench -- <scenario> [options]`: one scenario, one target, a table (or
// --json) at the end. Exit codes: 0 ok, 1 run failed, 2 bad arguments,
// 3 target unavailable, 124 watchdog, 130 interrupted.
import { parseArgs, ArgError, USAGE } from './lib/args.js';
import { installSignalHandlers, startWatchdog, killAllNow } from './lib/cleanup.js';
import { LIMITS } from './lib/limits.js';
import { runScenario } from './lib/run.js';
import { renderResult } from './lib/table.js';

let options;
try {
  options = parseArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof ArgError)) throw error;
  process.stderr.write(`bench: ${error.message}\n\n${USAGE}`);
  process.exit(2);
}
if (options.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

installSignalHandlers();
// Whole-run bound: measurement + setup + draining, whatever the scenario.
startWatchdog(options.duration + options.settle + LIMITS.setupAllowanceSec + 60, `${options.scenario} run`);

try {
  const result = await runScenario(options);
  if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else process.stdout.write(`${renderResult(result)}\n`);
  if (result.unavailable) {
    if (!options.json) process.stderr.write(`bench: ${result.target} unavailable: ${result.reason}\n`);
    process.exitCode = 3;
  }
} catch (error) {
  process.stderr.write(`bench: ${/** @type {Error} */ (error).message}\n`);
  process.exitCode = 1;
} finally {
  killAllNow();
}
// Worker threads and sockets must not keep a finished run alive.
setTimeout(() => process.exit(), 200).unref();
