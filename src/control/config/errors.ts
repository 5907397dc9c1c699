// Turns schema issues into messages a person can act on: the key's full path,
// what was expected, what was found, and where the bad value came from
// (an environment variable or a flag, when it did not come from a file).
import type { z } from 'zod';

export interface ConfigIssue {
  /** Dotted key path, e.g. `routes.0.type` ('' for the top level). */
  path: string;
  message: string;
}

/** Thrown for any configuration problem; `message` holds one `config error: …` line per issue. */
export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map((issue) => `config error: ${issue.path ? `${issue.path}: ` : ''}${issue.message}`).join('\n'));
    this.name = 'ConfigError';
  }
}

/** Which source set which key: dotted path → `environment variable PUSHGATE_PORT`, `flag --port`, `file x.yaml`. */
export type Origins = Map<string, string>;

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function joinPath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

/** The most specific origin recorded for `path` or one of its parents. */
function originOf(path: string, origins: Origins): string | undefined {
  for (let probe = path; ; ) {
    const origin = origins.get(probe);
    if (origin) return origin;
    const dot = probe.lastIndexOf('.');
    if (dot < 0) return undefined;
    probe = probe.slice(0, dot);
  }
}

function withOrigin(issue: ConfigIssue, origins: Origins): ConfigIssue {
  const origin = originOf(issue.path, origins);
  return origin ? { path: issue.path, message: `${issue.message} (set by ${origin})` } : issue;
}

/**
 * `knownKeys(path)` lists the keys allowed at an object path, so an unknown key's
 * message can say what would have been accepted.
 */
export function formatIssues(
  issues: readonly z.core.$ZodIssue[],
  origins: Origins,
  knownKeys: (path: readonly PropertyKey[]) => string[],
): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of issues) {
    const path = joinPath(issue.path);
    const got = `got ${describeValue(issue.input)}`;
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = knownKeys(issue.path);
        const hint = known.length ? ` (expected one of: ${known.join(', ')})` : '';
        for (const key of issue.keys) {
          out.push(withOrigin({ path: path ? `${path}.${key}` : key, message: `unknown key${hint}` }, origins));
        }
        continue;
      }
      case 'invalid_type':
        out.push({
          path,
          message: issue.input === undefined ? `is required (expected ${issue.expected})` : `expected ${issue.expected}, ${got}`,
        });
        break;
      case 'invalid_value':
        out.push({ path, message: `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(' | ')}, ${got}` });
        break;
      case 'too_small':
        out.push({
          path,
          message:
            issue.origin === 'array' || issue.origin === 'string'
              ? `expected at least ${issue.minimum} ${issue.origin === 'array' ? 'entries' : 'characters'}, ${got}`
              : `expected a number >= ${issue.minimum}, ${got}`,
        });
        break;
      case 'too_big':
        out.push({
          path,
          message:
            issue.origin === 'array' || issue.origin === 'string'
              ? `expected at most ${issue.maximum} ${issue.origin === 'array' ? 'entries' : 'characters'}, ${got}`
              : `expected a number <= ${issue.maximum}, ${got}`,
        });
        break;
      case 'invalid_format':
        out.push({
          path,
          message: issue.format === 'starts_with' ? `expected a path starting with "/", ${got}` : `expected ${issue.format}, ${got}`,
        });
        break;
      case 'custom':
        out.push({ path, message: `${issue.message}, ${got}` });
        break;
      default:
        out.push({ path, message: `${issue.message}, ${got}` });
    }
    out[out.length - 1] = withOrigin(out[out.length - 1], origins);
  }
  return out;
}
