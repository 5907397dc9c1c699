#!/usr/bin/env node
// The `pushgate` command: a thin wrapper over createGateway(). Exit codes:
// 0 normal (including after SIGINT/SIGTERM: the drain ran, forced or not),
// 1 bad configuration, start-up failure, a second signal during the drain, or
// an uncaught error; 2 bad command line. Start-up failures are written twice:
// a human line on stderr and a JSON log line on stdout (docs/operations.md#logs).
import { ConfigError } from './control/config/errors.js';
import { HELP_TEXT, parseFlags, UsageError, type ParsedFlags } from './control/config/flags.js';
import { loadConfig } from './control/config/index.js';
import type { GatewayConfig } from './control/config-types.js';
import { packageInfo } from './http/package-info.js';
import { createGateway, type Gateway } from './index.js';
import { createExitLogger, logConfigProblem } from './logger.js';

/** The resolved config as --check-config prints it: API keys and JWT secrets stay out of terminals and CI logs. */
function printable(config: GatewayConfig): GatewayConfig {
  return {
    ...config,
    api: { ...config.api, keys: config.api.keys.map(() => '<redacted>') },
    auth: { ...config.auth, secrets: config.auth.secrets.map(() => '<redacted>') },
  };
}

function explain(error: unknown): string {
  if (error instanceof ConfigError) return error.message;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return `pushgate: cannot listen: address already in use (${(error as Error).message})`;
  if (code === 'EACCES') return `pushgate: cannot listen: permission denied (${(error as Error).message})`;
  return `pushgate: ${(error as Error).message ?? String(error)}`;
}

function checkConfig(flags: ParsedFlags): number {
  try {
    const { config, configFile, warnings } = loadConfig({ env: process.env, flags });
    for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
    process.stdout.write(`${JSON.stringify(printable(config), null, 2)}\n`);
    process.stderr.write(`config ok${configFile ? ` (${configFile})` : ' (no config file)'}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`${explain(error)}\n`);
    return 1;
  }
}

/**
 * SIGTERM/SIGINT start the drain (gateway.drain(): not ready, 503 to new
 * handshakes, spread 1001 closes, exit by drain.timeout). A second signal
 * means "now": exit 1 at once without waiting for the drain.
 */
function stopOnSignals(gateway: Gateway): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      gateway.logger.warn({ event: 'forced_exit', signal }, 'second signal: exiting now without finishing the drain');
      process.exit(1);
    }
    stopping = true;
    gateway.logger.info({ event: 'signal', signal }, `shutting down on ${signal}: draining`);
    // Backstop only: drain() itself ends by drain.timeout; nothing may keep the process past it for long.
    const limit = setTimeout(() => {
      gateway.logger.warn({ event: 'forced_exit' }, 'drain did not finish in time: exiting');
      process.exit(0);
    }, gateway.config.drain.timeout + 2000);
    limit.unref();
    gateway.drain().then(
      () => process.exit(0),
      (error: unknown) => {
        gateway.logger.error({ err: error }, 'error while draining');
        process.exit(0);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** A bug that escaped every handler: one JSON fatal line (not a stack on stderr only), then exit 1. */
function exitOnUncaught(gateway: Gateway): void {
  const die = (kind: string) => (error: unknown) => {
    gateway.logger.fatal({ event: 'crash', err: error }, `${kind}: exiting`);
    process.exit(1);
  };
  process.on('uncaughtException', die('uncaught exception'));
  process.on('unhandledRejection', die('unhandled promise rejection'));
}

/** Start-up failure: the human line on stderr, and the same as a JSON log line on stdout. */
function reportStartupFailure(error: unknown): void {
  process.stderr.write(`${explain(error)}\n`);
  const logger = createExitLogger();
  if (error instanceof ConfigError) logConfigProblem(logger, error.issues);
  else logger.fatal({ event: 'start_failed', err: error }, explain(error));
}

async function main(argv: string[]): Promise<number | undefined> {
  let flags: ParsedFlags;
  try {
    flags = parseFlags(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`pushgate: ${error.message}\n`);
    return 2;
  }
  if (flags.help) {
    process.stdout.write(HELP_TEXT);
    return 0;
  }
  if (flags.version) {
    process.stdout.write(`${packageInfo().version}\n`);
    return 0;
  }
  if (flags.checkConfig) return checkConfig(flags);

  let gateway: Gateway;
  try {
    gateway = await createGateway({ env: process.env, flags });
    await gateway.listen();
  } catch (error) {
    reportStartupFailure(error);
    return 1;
  }
  stopOnSignals(gateway);
  exitOnUncaught(gateway);
  return undefined; // keep running until a signal
}

// Exit explicitly once done: a half-started gateway may hold timers that would keep the process alive.
main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`${explain(error)}\n`);
    process.exit(1);
  },
);
