// The demo page's files: served with the right types, nothing else reachable.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Gateway } from '../../src/index.js';
import { call, rawRequest, startGateway } from './fixture.js';

let gateway: Gateway;
let base: string;
let port: number;
before(async () => {
  ({ gateway, base, port } = await startGateway());
});
after(() => gateway.close());

test('/ is the demo page; its script and stylesheet have their content types and no-cache', async () => {
  const expected: Array<[string, string, string]> = [
    ['/', 'text/html; charset=utf-8', 'public/index.html'],
    ['/index.html', 'text/html; charset=utf-8', 'public/index.html'],
    ['/app.js', 'text/javascript; charset=utf-8', 'public/app.js'],
    ['/style.css', 'text/css; charset=utf-8', 'public/style.css'],
  ];
  for (const [path, type, file] of expected) {
    const reply = await call(base, 'GET', path);
    assert.equal(reply.status, 200, path);
    assert.equal(reply.headers.get('content-type'), type, path);
    assert.equal(reply.headers.get('cache-control'), 'no-cache', path);
    assert.equal(reply.text, readFileSync(file, 'utf8'), path);
  }
});

test('the page links the script and stylesheet it is served with', async () => {
  const html = (await call(base, 'GET', '/')).text;
  assert.match(html, /<script src="\/app\.js"/);
  assert.match(html, /<link rel="stylesheet" href="\/style\.css">/);
});

test('directory traversal in every spelling gets a 404 and never a file from outside public/', async () => {
  const attempts = [
    '/../package.json',
    '/%2e%2e/package.json',
    '/%2E%2E%2Fpackage.json',
    '/..%2fpackage.json',
    '/public/../package.json',
    '/./../src/index.ts',
    '//etc/passwd',
    '/..\\package.json',
    '/app.js/../../package.json',
    '/%00index.html',
  ];
  for (const path of attempts) {
    const response = await rawRequest(port, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    const status = response.split(' ')[1];
    assert.ok(status === '404' || status === '400', `${path} → ${response.split('\r\n')[0]}`);
    assert.doesNotMatch(response, /"devDependencies"|root:x:0|createGateway/, path);
  }
});

test('dotfiles and unknown files are not served', async () => {
  assert.equal((await call(base, 'GET', '/.env')).status, 404);
  assert.equal((await call(base, 'GET', '/nothing.js')).status, 404);
});

test('with the demo switched off, / is a 404', async () => {
  const off = await startGateway({ demo: { enabled: false } });
  try {
    assert.equal((await call(off.base, 'GET', '/')).status, 404);
    assert.equal((await call(off.base, 'GET', '/app.js')).status, 404);
  } finally {
    await off.gateway.close();
  }
});
