import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createOriginCheck, parseRequestOrigin, type OriginOptions } from '../../src/control/origin.js';

type Row = { origin?: string; host?: string; allowed: boolean; note?: string };

function runTable(title: string, options: OriginOptions, rows: Row[]) {
  describe(title, () => {
    const check = createOriginCheck(options);
    for (const row of rows) {
      const label = `${row.allowed ? 'allows' : 'refuses'} ${row.origin === undefined ? '(no Origin)' : JSON.stringify(row.origin)}${row.host ? ` with Host ${row.host}` : ''}${row.note ? ` — ${row.note}` : ''}`;
      it(label, () => {
        const headers: Record<string, string> = {};
        if (row.origin !== undefined) headers['origin'] = row.origin;
        if (row.host !== undefined) headers['host'] = row.host;
        const decision = check(headers);
        assert.equal(decision.ok, row.allowed, decision.ok ? 'was allowed' : `was refused: ${decision.reason}`);
        if (!decision.ok) assert.ok(decision.reason.length > 0);
      });
    }
  });
}

runTable(
  'allow-list with exact origins and a subdomain glob',
  { allowedOrigins: ['https://example.com', 'https://*.example.com', 'http://localhost:3000', 'https://[::1]:8443', 'https://bücher.example'] },
  [
    { origin: 'https://example.com', allowed: true },
    { origin: 'https://app.example.com', allowed: true },
    { origin: 'https://a.b.example.com', allowed: true, note: 'glob spans several labels' },
    { origin: 'HTTPS://APP.EXAMPLE.COM', allowed: true, note: 'case-insensitive' },
    { origin: 'https://example.com.', allowed: true, note: 'trailing dot names the same host' },
    { origin: 'https://app.example.com.', allowed: true },
    { origin: 'http://example.com', allowed: false, note: 'scheme must match' },
    { origin: 'https://example.com:8443', allowed: false, note: 'port must match' },
    { origin: 'https://app.example.com:444', allowed: false, note: 'glob port must match' },
    { origin: 'https://example.com:443', allowed: false, note: 'explicit default port is not canonical: browsers never send it' },
    { origin: 'https://example.com.evil.net', allowed: false },
    { origin: 'https://evilexample.com', allowed: false },
    { origin: 'https://app.evilexample.com', allowed: false },
    { origin: 'https://.example.com', allowed: false, note: 'empty label' },
    { origin: 'https://exаmple.com', allowed: false, note: 'Cyrillic а (U+0430) homoglyph, raw' },
    { origin: 'https://xn--exmple-4nf.com', allowed: false, note: 'the same homoglyph, punycoded' },
    { origin: 'https://xn--bcher-kva.example', allowed: true, note: 'IDN entry compared in its ASCII form' },
    { origin: 'https://bücher.example', allowed: false, note: 'browsers send IDNs punycoded; raw Unicode is not canonical' },
    { origin: 'https://example.com/', allowed: false, note: 'path' },
    { origin: 'https://example.com/path', allowed: false, note: 'path' },
    { origin: 'https://user@example.com', allowed: false, note: 'userinfo' },
    { origin: 'https://evil.net@example.com', allowed: false, note: 'userinfo' },
    { origin: 'https://example.com?x=1', allowed: false, note: 'query' },
    { origin: 'https://example.com#x', allowed: false, note: 'fragment' },
    { origin: 'https://%65xample.com', allowed: false, note: 'percent-escaped host' },
    { origin: 'https://example.com\\@evil.net', allowed: false, note: 'backslash' },
    { origin: 'null', allowed: false, note: 'opaque origin not listed' },
    { origin: 'NULL', allowed: false },
    { origin: 'example.com', allowed: false, note: 'no scheme' },
    { origin: '*', allowed: false },
    { origin: 'https://', allowed: false },
    { origin: 'http://localhost:3000', allowed: true },
    { origin: 'http://localhost:3001', allowed: false },
    { origin: 'http://localhost', allowed: false },
    { origin: 'https://[::1]:8443', allowed: true, note: 'IPv6' },
    { origin: 'https://[0:0::1]:8443', allowed: false, note: 'IPv6 not in canonical form' },
    { origin: 'https://[::2]:8443', allowed: false },
    { origin: 'https://127.0.0.1', allowed: false },
    { origin: undefined, allowed: true, note: 'non-browser client' },
    { origin: '', allowed: true, note: 'empty header counts as absent' },
  ],
);

runTable('default: same host as the Host header', {}, [
  { origin: 'https://gw.example.com', host: 'gw.example.com', allowed: true },
  { origin: 'http://gw.example.com', host: 'gw.example.com', allowed: true, note: 'scheme is not known behind a TLS proxy' },
  { origin: 'https://gw.example.com', host: 'GW.EXAMPLE.COM', allowed: true },
  { origin: 'https://gw.example.com', host: 'gw.example.com:443', allowed: true, note: 'default port of the Origin scheme' },
  { origin: 'http://gw.example.com:8080', host: 'gw.example.com:8080', allowed: true },
  { origin: 'http://gw.example.com', host: 'gw.example.com:8080', allowed: false, note: 'ports differ' },
  { origin: 'https://gw.example.com.', host: 'gw.example.com', allowed: true },
  { origin: 'https://other.example.com', host: 'gw.example.com', allowed: false },
  { origin: 'https://gw.example.com.evil.net', host: 'gw.example.com', allowed: false },
  { origin: 'https://gw.example.com', host: undefined, allowed: false, note: 'no Host to compare with' },
  { origin: 'https://gw.example.com', host: 'gw.example.com/x', allowed: false, note: 'malformed Host' },
  { origin: 'https://gw.example.com', host: 'evil@gw.example.com', allowed: false, note: 'malformed Host' },
  { origin: 'http://[::1]:9000', host: '[::1]:9000', allowed: true },
  { origin: 'null', host: 'gw.example.com', allowed: false },
  { origin: undefined, host: 'gw.example.com', allowed: true },
]);

runTable('requireOrigin', { requireOrigin: true, allowedOrigins: ['https://example.com'] }, [
  { origin: undefined, allowed: false },
  { origin: '', allowed: false },
  { origin: 'https://example.com', allowed: true },
]);

runTable('explicit null and wildcard', { allowedOrigins: ['null', 'capacitor://localhost'] }, [
  { origin: 'null', allowed: true },
  { origin: 'capacitor://localhost', allowed: true, note: 'non-http app scheme' },
  { origin: 'CAPACITOR://LOCALHOST', allowed: true },
  { origin: 'https://localhost', allowed: false },
]);

runTable('any origin', { allowedOrigins: ['*'] }, [
  { origin: 'https://anything.test', allowed: true },
  { origin: 'null', allowed: true },
  { origin: undefined, allowed: true },
]);

runTable('empty allow-list refuses every browser', { allowedOrigins: [] }, [
  { origin: 'https://example.com', host: 'example.com', allowed: false },
  { origin: undefined, allowed: true },
]);

describe('allowedOrigins configuration errors name the entry', () => {
  const bad: Array<[string, RegExp]> = [
    ['https://*example.com', /allowedOrigins\[1\].*first label/],
    ['https://app.*.example.com', /allowedOrigins\[1\].*first label/],
    ['*://example.com', /allowedOrigins\[1\]/],
    ['https://*.com', /allowedOrigins\[1\].*at least two labels/],
    ['https://example.com/path', /allowedOrigins\[1\].*path/],
    ['https://user@example.com', /allowedOrigins\[1\].*userinfo/],
    ['not an origin', /allowedOrigins\[1\].*not a valid origin/],
  ];
  for (const [entry, message] of bad) {
    it(`refuses ${JSON.stringify(entry)}`, () => {
      assert.throws(() => createOriginCheck({ allowedOrigins: ['https://ok.example', entry] }), message);
    });
  }

  it('accepts a trailing slash and uppercase in an entry', () => {
    const check = createOriginCheck({ allowedOrigins: ['HTTPS://Example.COM/'] });
    assert.equal(check({ origin: 'https://example.com' }).ok, true);
  });
});

describe('parseRequestOrigin', () => {
  it('splits scheme, host and non-default port', () => {
    assert.deepEqual(parseRequestOrigin('https://a.example:8443'), { scheme: 'https', hostname: 'a.example', port: '8443' });
    assert.deepEqual(parseRequestOrigin('http://[::1]'), { scheme: 'http', hostname: '[::1]', port: '' });
  });
  it('refuses numeric shorthands the URL parser would rewrite', () => {
    assert.equal(parseRequestOrigin('http://0x7f.1'), null);
    assert.equal(parseRequestOrigin('http://2130706433'), null);
  });
});
