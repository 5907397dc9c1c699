// The demo page: the files of public/ served at their own names, `/` being
// index.html. Only files that exist under public/ when the gateway starts get
// a route, so no request path — `..`, encoded dots, absolute paths — can name
// anything else; contents are read per request, so edits show on reload.
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Router } from './router.js';

/** public/ sits two levels up from both src/http and dist/http. */
export const PUBLIC_DIR = fileURLToPath(new URL('../../public/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

function listFiles(dir: string, root: string, out: string[]): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) listFiles(full, root, out);
    else if (entry.isFile()) out.push(relative(root, full).split(sep).join('/'));
  }
  return out;
}

export function addStaticRoutes(router: Router, dir: string = PUBLIC_DIR): void {
  for (const file of listFiles(dir, dir, [])) {
    const serve = async () => ({
      status: 200,
      headers: {
        'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
        // The page is tiny and changes with the gateway: always revalidate.
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
      },
      body: await readFile(join(dir, file)),
    });
    router.add(['GET'], `/${file}`, 'static', serve);
    if (file === 'index.html') router.add(['GET'], '/', 'static', serve);
  }
}
