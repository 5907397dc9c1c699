// Structured JSON logs (pino): one JSON object per line on stdout, numeric
// pino levels (30 info, 40 warn, 50 error, 60 fatal), `time` in epoch ms. One
// logger per gateway; components take a child with their name. What is logged
// (docs/operations.md#logs): start, drain and stop with counts, configuration
// problems, rejected handshakes (sampled), errors. Nothing per message at the
// default level. Log lines that start a queryable event carry an `event` field.
import { pino, type Logger } from 'pino';
import type { LogLevel } from './control/config-types.js';
import type { ConfigIssue } from './control/config/errors.js';

export type { Logger };

export function createLogger(level: LogLevel, destination?: NodeJS.WritableStream): Logger {
  return pino({ name: 'pushgate', level, base: { pid: process.pid } }, destination ?? pino.destination(1));
}

/**
 * A logger for the last lines before the process exits (configuration
 * problems, start-up failures), when the gateway's own logger may not exist
 * yet: synchronous, so nothing is lost to process.exit().
 */
export function createExitLogger(destination?: NodeJS.WritableStream): Logger {
  return pino({ name: 'pushgate', level: 'info', base: { pid: process.pid } }, destination ?? pino.destination({ fd: 1, sync: true }));
}

/**
 * A configuration problem as one JSON line, for log pipelines that only read
 * stdout (Kubernetes, systemd); the CLI also prints the human `config error:`
 * lines on stderr.
 */
export function logConfigProblem(logger: Logger, issues: readonly ConfigIssue[]): void {
  logger.fatal({ event: 'config_error', issues }, `invalid configuration: ${issues.map((issue) => issue.path || '(top level)').join(', ')}`);
}
