import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { AuthError, createAuthenticator } from '../../src/control/auth/authenticator.js';
import { NOW_MS, keyPair, sign, type KeyPair } from './jwt-fixtures.js';

const fixedNow = () => NOW_MS;

async function errorName(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    assert.ok(error instanceof AuthError, `unexpected ${String(error)}`);
    return error.errorName;
  }
}

/** A loopback JWKS server whose answer each test chooses; counts requests. */
function jwksServer() {
  const state = {
    requests: 0,
    mode: 'ok' as 'ok' | 'hang' | 'error' | 'not-json',
    jwks: { keys: [] as Record<string, unknown>[] },
  };
  const server = http.createServer((req, res) => {
    state.requests++;
    if (state.mode === 'hang') return; // never answers; closed in after()
    if (state.mode === 'error') {
      res.writeHead(500).end('boom');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(state.mode === 'not-json' ? '{"keys": nope' : JSON.stringify(state.jwks));
  });
  return {
    state,
    server,
    async start(): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
    },
    async stop(): Promise<void> {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('JWKS file', () => {
  let rsa: KeyPair;
  let ec: KeyPair;
  let dir: string;
  let path: string;

  before(async () => {
    rsa = await keyPair('RS256', 'rsa-1');
    ec = await keyPair('ES256', 'ec-1');
    dir = mkdtempSync(join(tmpdir(), 'pushgate-jwks-'));
    path = join(dir, 'jwks.json');
    writeFileSync(path, JSON.stringify({ keys: [rsa.publicJwk, ec.publicJwk] }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('verifies tokens from each key by kid', async () => {
    const auth = createAuthenticator({ jwksFile: path, now: fixedNow });
    assert.equal((await auth.verifyToken(await sign({ sub: 'r' }, rsa.privateKey, 'RS256', { kid: 'rsa-1' }))).sub, 'r');
    assert.equal((await auth.verifyToken(await sign({ sub: 'e' }, ec.privateKey, 'ES256', { kid: 'ec-1' }))).sub, 'e');
  });

  it('refuses an unknown kid, a key outside the set, and an HMAC token', async () => {
    const auth = createAuthenticator({ jwksFile: path, now: fixedNow });
    assert.equal(await errorName(auth.verifyToken(await sign({}, rsa.privateKey, 'RS256', { kid: 'nope' }))), 'PG_ERR_TOKEN_INVALID');
    const stranger = await keyPair('RS256');
    assert.equal(await errorName(auth.verifyToken(await sign({}, stranger.privateKey, 'RS256', { kid: 'rsa-1' }))), 'PG_ERR_TOKEN_INVALID');
    assert.equal(await errorName(auth.verifyToken(await sign({}, 'x'.repeat(40), 'HS256'))), 'PG_ERR_TOKEN_INVALID');
  });

  it('without a kid, every key of the right type is tried', async () => {
    const second = await keyPair('RS256', 'rsa-2');
    const twoRsa = join(dir, 'two.json');
    writeFileSync(twoRsa, JSON.stringify({ keys: [rsa.publicJwk, { ...second.publicJwk, kid: undefined }] }));
    const auth = createAuthenticator({ jwksFile: twoRsa, now: fixedNow });
    assert.equal((await auth.verifyToken(await sign({ sub: 'second' }, second.privateKey, 'RS256'))).sub, 'second');
  });

  it('a file that is not a JWKS stops start-up', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"not":"a jwks"}');
    assert.throws(() => createAuthenticator({ jwksFile: bad }), /auth\.jwksFile/);
  });
});

describe('JWKS URL (loopback server)', () => {
  const jwks = jwksServer();
  let url: string;
  let rsa: KeyPair;
  let rotated: KeyPair;

  before(async () => {
    url = await jwks.start();
    rsa = await keyPair('RS256', 'k1');
    rotated = await keyPair('ES256', 'k2');
  });
  after(() => jwks.stop());

  function reset(mode: typeof jwks.state.mode, keys: Record<string, unknown>[] = [rsa.publicJwk]) {
    jwks.state.mode = mode;
    jwks.state.jwks = { keys };
    jwks.state.requests = 0;
  }

  it('fetches once and serves the second verification from its cache', async () => {
    reset('ok');
    const auth = createAuthenticator({ jwksUrl: url, now: fixedNow });
    const token = await sign({ sub: 'cached' }, rsa.privateKey, 'RS256', { kid: 'k1' });
    assert.equal((await auth.verifyToken(token)).sub, 'cached');
    assert.equal((await auth.verifyToken(token)).sub, 'cached');
    assert.equal(jwks.state.requests, 1);
  });

  it('concurrent first verifications share one fetch', async () => {
    reset('ok');
    const auth = createAuthenticator({ jwksUrl: url, now: fixedNow });
    const token = await sign({ sub: 'c' }, rsa.privateKey, 'RS256', { kid: 'k1' });
    const results = await Promise.all(Array.from({ length: 20 }, () => auth.verifyToken(token)));
    assert.equal(results.length, 20);
    assert.equal(jwks.state.requests, 1);
  });

  it('an unknown kid refetches (key rotation) unless inside the cooldown', async () => {
    reset('ok');
    const noCooldown = createAuthenticator({ jwksUrl: url, jwksCooldown: 0, now: fixedNow });
    await noCooldown.verifyToken(await sign({}, rsa.privateKey, 'RS256', { kid: 'k1' }));
    jwks.state.jwks = { keys: [rsa.publicJwk, rotated.publicJwk] };
    const rotatedToken = await sign({ sub: 'rotated' }, rotated.privateKey, 'ES256', { kid: 'k2' });
    assert.equal((await noCooldown.verifyToken(rotatedToken)).sub, 'rotated');
    assert.equal(jwks.state.requests, 2);

    reset('ok');
    const cooling = createAuthenticator({ jwksUrl: url, jwksCooldown: 600_000, now: fixedNow });
    await cooling.verifyToken(await sign({}, rsa.privateKey, 'RS256', { kid: 'k1' }));
    jwks.state.jwks = { keys: [rsa.publicJwk, rotated.publicJwk] };
    assert.equal(await errorName(cooling.verifyToken(rotatedToken)), 'PG_ERR_TOKEN_INVALID');
    assert.equal(jwks.state.requests, 1, 'a flood of unknown kids cannot make the gateway hammer the JWKS server');
  });

  it('a server that never answers → auth_unavailable after the timeout', async () => {
    reset('hang');
    const auth = createAuthenticator({ jwksUrl: url, jwksTimeout: 200, now: fixedNow });
    const token = await sign({}, rsa.privateKey, 'RS256', { kid: 'k1' });
    assert.equal(await errorName(auth.verifyToken(token)), 'PG_ERR_AUTH_UNAVAILABLE');
    assert.equal(jwks.state.requests, 1);
  });

  it('a 500 or a broken document → auth_unavailable (not the client\'s fault)', async () => {
    const token = await sign({}, rsa.privateKey, 'RS256', { kid: 'k1' });
    for (const mode of ['error', 'not-json'] as const) {
      reset(mode);
      const auth = createAuthenticator({ jwksUrl: url, now: fixedNow });
      assert.equal(await errorName(auth.verifyToken(token)), 'PG_ERR_AUTH_UNAVAILABLE', mode);
    }
  });

  it('an unreachable JWKS does not hide a local key that matches', async () => {
    reset('error');
    const local = await keyPair('RS256');
    const auth = createAuthenticator({ jwksUrl: url, publicKeys: [local.publicPem], now: fixedNow });
    assert.equal((await auth.verifyToken(await sign({ sub: 'local' }, local.privateKey, 'RS256'))).sub, 'local');
    assert.equal(jwks.state.requests, 0, 'local keys are tried before the network');
  });

  it('the handshake gets 401-class token_invalid, not 503, for a bad token when the JWKS is fine', async () => {
    reset('ok');
    const auth = createAuthenticator({ jwksUrl: url, now: fixedNow });
    const stranger = await keyPair('RS256');
    const r = await auth.authenticate(
      { path: '/ws', query: '', headers: { authorization: `Bearer ${await sign({}, stranger.privateKey, 'RS256', { kid: 'k1' })}` } },
      { auth: 'jwt' },
    );
    assert.equal(r.ok ? 'accepted' : r.error, 'PG_ERR_TOKEN_INVALID');
  });
});
