// Reads a config file: YAML (.yaml, .yml) or JSON (.json), chosen by extension.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from './errors.js';

export function readConfigFile(file: string): Record<string, unknown> {
  const ext = extname(file).toLowerCase();
  if (ext !== '.yaml' && ext !== '.yml' && ext !== '.json') {
    throw new ConfigError([{ path: '', message: `config file ${file}: expected a name ending in .yaml, .yml or .json` }]);
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ConfigError([{ path: '', message: `cannot read config file ${file} (${reason})` }]);
  }
  let parsed: unknown;
  try {
    // uniqueKeys: a key written twice is almost always a mistake; say so instead of keeping the last.
    parsed = ext === '.json' ? JSON.parse(text) : parseYaml(text, { uniqueKeys: true, prettyErrors: true });
  } catch (error) {
    const firstLine = String((error as Error).message).split('\n')[0].replace(/:$/, '');
    throw new ConfigError([{ path: '', message: `config file ${file} is not valid ${ext === '.json' ? 'JSON' : 'YAML'}: ${firstLine}` }]);
  }
  // An empty YAML file parses to null: it means "all defaults".
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError([{ path: '', message: `config file ${file}: expected a mapping of options at the top level` }]);
  }
  return parsed as Record<string, unknown>;
}
