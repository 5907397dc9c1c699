#!/usr/bin/env node
// The `pushgate` command: a thin wrapper over createGateway(). Exit codes:
// 0 normal (including after SIGINT/SIGTERM), 1 bad configuration or start-up
// failure, 2 bad command line.
import { ConfigError } from './control/config/errors.js';
import { HELP_TEXT, parseFlags, UsageError, type ParsedFlags } from './control/config/flags.js';
import { loadConfig } from './control/config/index.js';
import type { GatewayConfig } from './control/config-types.js';
import { packageInfo } from './http/package-info.js';
import { createGateway, type Gateway } from './index.js';

/** The resolved config as --check-config prints it: API keys are secrets and stay out of terminals and CI logs. */
function printable(config: GatewayConfig): GatewayConfig {
  return { ...config, api: { ...config.api, keys: config.api.keys.map(() => '<redacted>') } };
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

function stopOnSignals(gateway: Gateway): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second signal means "now": skip the rest of the close.
      process.exit(1);
    }
    stopping = true;
    gateway.logger.info({ signal }, 'shutting down');
    // Bounded: a peer that never answers the close must not keep the process alive.
    const limit = setTimeout(() => process.exit(0), gateway.config.server.closeTimeout + 2000);
    limit.unref();
    gateway.close().then(
      () => process.exit(0),
      (error: unknown) => {
        gateway.logger.error({ err: error }, 'error while shutting down');
        process.exit(0);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
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
    process.stderr.write(`${explain(error)}\n`);
    return 1;
  }
  stopOnSignals(gateway);
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
