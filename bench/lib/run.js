// Runs one scenario against one target: starts the target (when named), runs, stops it.
import { startTarget, TargetUnavailableError } from './targets.js';
import { runEcho } from '../scenarios/echo.js';
import { runFanout } from '../scenarios/fanout.js';
import { runConnect, runIdle } from '../scenarios/connections.js';

const RUNNERS = { echo: runEcho, fanout: runFanout, connect: runConnect, idle: runIdle };

/**
 * @param {import('./args.js').BenchOptions} options
 * @returns {Promise<any>} the scenario's result, or { unavailable: true, reason } when the target cannot run
 */
export async function runScenario(options) {
  let target;
  try {
    target = await startTarget(options.target, {
      jwtSecret: options.scenario === 'connect' && options.jwt ? options.jwtSecret : undefined,
      inproc: options.scenario === 'fanout' && options.via === 'inproc',
    });
  } catch (error) {
    if (error instanceof TargetUnavailableError) {
      return { scenario: options.scenario, target: error.target, unavailable: true, reason: error.reason };
    }
    throw error;
  }
  try {
    return await RUNNERS[options.scenario](options, target);
  } finally {
    await target.stop();
  }
}
