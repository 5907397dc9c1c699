import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ERRORS_DOC_PATH, renderErrorsDoc } from '../../src/protocol/errors-doc.js';
import { ERRORS } from '../../src/protocol/errors.js';

test('docs/errors.md is the rendering of the current error table', () => {
  const doc = readFileSync(ERRORS_DOC_PATH, 'utf8');
  assert.equal(doc, renderErrorsDoc(), 'docs/errors.md is stale: run `npm run docs:errors`');
  for (const name of Object.keys(ERRORS)) assert.ok(doc.includes(`\`${name}\``), name);
});

test('every close code in the table is one a server may send', () => {
  for (const [name, e] of Object.entries(ERRORS)) {
    const code: number | null = e.closeCode;
    if (code === null) continue;
    assert.ok((code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999), `${name}: ${code}`);
  }
});
