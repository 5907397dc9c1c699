// docs/configuration.md and examples/ cannot fall behind the schema: every
// option, variable and flag the code knows is in the one table, and every
// example config is valid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { defaultConfig, loadConfig } from '../../src/control/config/index.js';
import { EXTERNAL_OPTIONS } from '../../src/control/config/options.js';

const doc = readFileSync('docs/configuration.md', 'utf8');
const tableRows = doc.split('\n').filter((line) => line.startsWith('| `'));

function rowFor(key: string): string | undefined {
  return tableRows.find((row) => row.startsWith(`| \`${key}\` |`));
}

function leafKeys(value: unknown, prefix: string, out: string[]): string[] {
  if (Array.isArray(value)) {
    if (prefix === 'routes') leafKeys(value[0], 'routes[]', out);
    out.push(prefix);
  } else if (value && typeof value === 'object' && Object.keys(value).length > 0) {
    for (const [key, inner] of Object.entries(value)) leafKeys(inner, prefix ? `${prefix}.${key}` : key, out);
  } else {
    out.push(prefix);
  }
  return out;
}

test('every key of the resolved config has a row in docs/configuration.md', () => {
  const keys = leafKeys(defaultConfig(), '', []);
  assert.ok(keys.length > 25);
  for (const key of keys) assert.ok(rowFor(key), `no table row for ${key}`);
  for (const field of Object.keys(defaultConfig().channels.defaults)) {
    assert.ok(rowFor(`channels.namespaces.<name>.${field}`), `no row for namespace option ${field}`);
  }
});

test('every environment variable and flag appears in its option row', () => {
  for (const option of EXTERNAL_OPTIONS) {
    const row = rowFor(option.path);
    assert.ok(row, `no row for ${option.path}`);
    assert.ok(row.includes(`\`${option.env}\``), `${option.path}: row does not name ${option.env}`);
    if (option.flag) assert.ok(row.includes(`\`--${option.flag}\``), `${option.path}: row does not name --${option.flag}`);
  }
});

test('every example config is valid, and minimal.yaml is exactly the defaults', () => {
  const files = readdirSync('examples').filter((name) => /\.(ya?ml|json)$/.test(name));
  assert.ok(files.includes('minimal.yaml'));
  for (const name of files) assert.doesNotThrow(() => loadConfig({ configFile: `examples/${name}` }), name);
  assert.deepEqual(loadConfig({ configFile: 'examples/minimal.yaml' }).config, defaultConfig());
});
