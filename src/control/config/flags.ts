// Command-line flags of the `pushgate` command → parsed actions plus a config layer.
import { parseArgs } from 'node:util';
import type { Origins } from './errors.js';
import { convertText, type SourceLayer } from './env.js';
import { setPath } from './merge.js';
import { EXTERNAL_OPTIONS } from './options.js';

/** A bad command line (unknown flag, missing value): the CLI exits 2 with this message. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface ParsedFlags extends SourceLayer {
  help: boolean;
  version: boolean;
  checkConfig: boolean;
  configFile?: string;
}

const CONFIG_FLAGS = EXTERNAL_OPTIONS.filter((option) => option.flag !== undefined);

export function parseFlags(argv: string[]): ParsedFlags {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    config: { type: 'string', short: 'c' },
    'check-config': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean', short: 'v' },
  };
  for (const option of CONFIG_FLAGS) options[option.flag!] = { type: 'string' };

  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  } catch (error) {
    // parseArgs' messages are already specific ("Unknown option '--prot'"); add where to look.
    throw new UsageError(`${(error as Error).message}. Run pushgate --help for the list of flags.`);
  }
  const flagValues = parsed.values as Record<string, string | boolean | undefined>;
  const values: Record<string, unknown> = {};
  const origins: Origins = new Map();
  for (const option of CONFIG_FLAGS) {
    const text = flagValues[option.flag!];
    if (typeof text !== 'string') continue;
    const source = `flag --${option.flag}`;
    setPath(values, option.path, convertText(text, option.kind, source));
    origins.set(option.path, source);
  }
  const configFile = flagValues.config;
  return {
    values,
    origins,
    warnings: [],
    help: flagValues.help === true,
    version: flagValues.version === true,
    checkConfig: flagValues['check-config'] === true,
    configFile: typeof configFile === 'string' ? configFile : undefined,
  };
}

export const HELP_TEXT = `Usage: pushgate [flags]

Starts the pushgate WebSocket push gateway.

Flags:
  --port <n>           port to listen on (default 8080; 0 picks a free port)
  --host <addr>        address to listen on (default 0.0.0.0)
  --engine <name>      node | uws (default node)
  -c, --config <file>  config file, YAML (.yaml/.yml) or JSON (.json)
  --check-config       validate the configuration, print it resolved, and exit
  --log-level <level>  fatal | error | warn | info | debug | trace | silent
  --metrics-port <n>   serve /metrics on this port only (default 0: the main port)
  -h, --help           show this help
  -v, --version        print the version

Every option can also be set in the config file or with a PUSHGATE_* environment
variable; flags win over variables, variables over the file. See
docs/configuration.md for the full list.
`;
