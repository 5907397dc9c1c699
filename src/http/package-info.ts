// The package's own name and version (for /api/info and `pushgate --version`),
// read from package.json, which sits two levels up from both src/http and dist/http.
import { readFileSync } from 'node:fs';

let cached: { name: string; version: string } | undefined;

export function packageInfo(): { name: string; version: string } {
  if (!cached) {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
    cached = { name: pkg.name, version: pkg.version };
  }
  return cached;
}
