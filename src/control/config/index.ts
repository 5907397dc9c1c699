// Resolves the configuration from its sources, highest precedence first:
// flags > environment (PUSHGATE_*) > programmatic config > config file > defaults.
// Everything wrong is reported at once, each problem with its key path.
import type { GatewayConfig } from '../config-types.js';
import { ConfigError, formatIssues, type ConfigIssue, type Origins } from './errors.js';
import { envLayer } from './env.js';
import { readConfigFile } from './file.js';
import type { ParsedFlags } from './flags.js';
import { mergeLayers } from './merge.js';
import { CONFIG_FILE_ENV } from './options.js';
import { configSchema, type GatewayConfigInput } from './schema.js';
import { semanticIssues } from './semantic.js';

export { ConfigError } from './errors.js';
export { parseFlags, UsageError, HELP_TEXT } from './flags.js';
export type { GatewayConfigInput } from './schema.js';

export interface LoadConfigOptions {
  /** A config object shaped like a config file; wins over the file. */
  config?: GatewayConfigInput;
  /** Config file path; PUSHGATE_CONFIG and --config win over it. */
  configFile?: string;
  /** Environment to read PUSHGATE_* variables from (none when omitted). */
  env?: NodeJS.ProcessEnv;
  flags?: Pick<ParsedFlags, 'values' | 'origins' | 'configFile'>;
}

export interface LoadedConfig {
  config: GatewayConfig;
  /** The config file that was read, if any. */
  configFile?: string;
  /** Not fatal, but worth a log line (e.g. unknown PUSHGATE_* variables). */
  warnings: string[];
}

const DEFAULT_CONFIG: GatewayConfig = configSchema.parse({});

/** Keys accepted at an object path, derived from the defaults, for "unknown key" messages. */
function knownKeys(path: readonly PropertyKey[]): string[] {
  let node: unknown = DEFAULT_CONFIG;
  for (let i = 0; i < path.length; i++) {
    const key = path[i];
    if (Array.isArray(node)) node = node[0];
    else if (path[i - 1] === 'namespaces') node = DEFAULT_CONFIG.channels.defaults;
    else node = (node as Record<string, unknown> | undefined)?.[String(key)];
  }
  return node && typeof node === 'object' && !Array.isArray(node) ? Object.keys(node) : [];
}

export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = envLayer(options.env ?? {});
  const fileFromEnv = options.env?.[CONFIG_FILE_ENV]?.trim() || undefined;
  const configFile = options.flags?.configFile ?? fileFromEnv ?? options.configFile;

  const origins: Origins = new Map();
  let fileValues: Record<string, unknown> | undefined;
  if (configFile !== undefined) {
    fileValues = readConfigFile(configFile);
    for (const key of Object.keys(fileValues)) origins.set(key, `config file ${configFile}`);
  }
  const programmatic = options.config as Record<string, unknown> | undefined;
  if (programmatic) for (const key of Object.keys(programmatic)) origins.delete(key);
  // Later sets win, mirroring the merge order below.
  for (const [path, origin] of env.origins) origins.set(path, origin);
  for (const [path, origin] of options.flags?.origins ?? []) origins.set(path, origin);

  const merged = mergeLayers(fileValues, programmatic, env.values, options.flags?.values);
  const result = configSchema.safeParse(merged, { reportInput: true });
  if (!result.success) throw new ConfigError(formatIssues(result.error.issues, origins, knownKeys));

  const semantic: ConfigIssue[] = semanticIssues(result.data);
  if (semantic.length > 0) throw new ConfigError(semantic);
  return { config: result.data, configFile, warnings: env.warnings };
}

export function defaultConfig(): GatewayConfig {
  return configSchema.parse({});
}
