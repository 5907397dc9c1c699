// PUSHGATE_* environment variables → a config layer, plus where each value came
// from so a bad one is reported under the variable's name.
import { parse as parseYaml } from 'yaml';
import { ConfigError, type Origins } from './errors.js';
import { setPath } from './merge.js';
import { EXTERNAL_OPTIONS, OTHER_KNOWN_ENV, type ValueKind } from './options.js';

export interface SourceLayer {
  values: Record<string, unknown>;
  origins: Origins;
  warnings: string[];
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/**
 * Text → value for a given kind. Text that does not look like the kind is
 * passed through unchanged, so the schema reports it with the expected type.
 */
export function convertText(text: string, kind: ValueKind, source: string): unknown {
  const trimmed = text.trim();
  switch (kind) {
    case 'int':
      return /^-?\d+$/.test(trimmed) ? Number(trimmed) : text;
    case 'bool':
      if (TRUE.has(trimmed.toLowerCase())) return true;
      if (FALSE.has(trimmed.toLowerCase())) return false;
      return text;
    case 'list':
      return trimmed.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
    case 'structured':
      try {
        // YAML is a superset of JSON, so either spelling works.
        return parseYaml(text);
      } catch (error) {
        const firstLine = String((error as Error).message).split('\n')[0];
        throw new ConfigError([{ path: '', message: `${source}: expected JSON or YAML text (${firstLine})` }]);
      }
    case 'unit':
    case 'string':
      return trimmed;
  }
}

export function envLayer(env: NodeJS.ProcessEnv): SourceLayer {
  const values: Record<string, unknown> = {};
  const origins: Origins = new Map();
  const known = new Set<string>(OTHER_KNOWN_ENV);
  for (const option of EXTERNAL_OPTIONS) {
    known.add(option.env);
    const text = env[option.env];
    // An empty variable counts as unset (`PUSHGATE_PORT= pushgate` is a common way to clear one).
    if (text === undefined || text.trim() === '') continue;
    const source = `environment variable ${option.env}`;
    setPath(values, option.path, convertText(text, option.kind, source));
    origins.set(option.path, source);
  }
  const warnings = Object.keys(env)
    .filter((name) => name.startsWith('PUSHGATE_') && !known.has(name))
    .map((name) => `unknown environment variable ${name} ignored`);
  return { values, origins, warnings };
}
