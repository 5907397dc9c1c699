// Renders the error table (errors.ts) as docs/errors.md, so the documentation is
// generated from the one table and cannot drift from it.
// Regenerate with `npm run docs:errors`; test/protocol/errors-doc.test.ts checks it.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ERRORS, type ErrorEntry } from './errors.js';

export const ERRORS_DOC_PATH = fileURLToPath(new URL('../../docs/errors.md', import.meta.url));

function cell(value: string | number | null | undefined): string {
  return value === null || value === undefined ? '—' : String(value).replace(/\|/g, '\\|');
}

export function renderErrorsDoc(): string {
  const rows = Object.entries(ERRORS as Record<string, ErrorEntry>).map(
    ([name, e]) => `| \`${name}\` | ${cell(e.closeCode)} | ${cell(e.httpStatus)} | \`${e.code}\` | ${cell(e.message)} |`,
  );
  return [
    '# Errors',
    '',
    '<!-- Generated from src/protocol/errors.ts by `npm run docs:errors`; do not edit by hand. -->',
    '',
    'Every error pushgate reports comes from one table, `src/protocol/errors.ts`.',
    'A WebSocket that an error ends is closed with the entry\'s **close code** and its',
    'message as the close reason (cut to 123 bytes). An HTTP request it rejects gets the',
    '**HTTP status**, the header `X-Pushgate-Reason: <code>` and the JSON body',
    '`{"error":{"code":"<code>","message":"<message>"}}`. Client protocol replies carry',
    'the same `code` and `message`.',
    '',
    'Close codes 1002, 1007 and 1009 are RFC 6455 protocol failures (the peer broke the',
    'protocol, sent invalid UTF-8, or sent too much); 1001 means the server is going away',
    'or the peer stopped answering pings; 4xxx codes are pushgate\'s own and a client can',
    'act on them (4003: read faster or subscribe to less).',
    '',
    '| Name | Close code | HTTP status | `code` | Message |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(ERRORS_DOC_PATH, renderErrorsDoc());
  console.log(`wrote ${ERRORS_DOC_PATH}`);
}
