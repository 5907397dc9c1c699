import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthError, createAuthenticator, type AuthOptions, type Authenticator } from '../../src/control/auth/authenticator.js';
import { NOW_MS, NOW_S, SECRET, keyPair, request, sign, unsecuredToken, type KeyPair } from './jwt-fixtures.js';

const fixedNow = () => NOW_MS;

/** The error table name a token is rejected with (or 'ok'). */
async function outcome(auth: Authenticator, token: string): Promise<string> {
  try {
    await auth.verifyToken(token);
    return 'ok';
  } catch (error) {
    assert.ok(error instanceof AuthError, `unexpected ${String(error)}`);
    return error.errorName;
  }
}

describe('JWT verification: every algorithm family', () => {
  const families = ['RS256', 'RS384', 'PS256', 'ES256', 'ES384', 'ES512', 'EdDSA'];
  const pairs: Record<string, KeyPair> = {};
  let auth: Authenticator;
  let dir: string;

  before(async () => {
    for (const alg of families) pairs[alg] = await keyPair(alg);
    pairs.Ed25519 = pairs.EdDSA;
    dir = mkdtempSync(join(tmpdir(), 'pushgate-auth-'));
    // One key given as a file path, the rest as PEM text: both forms are accepted.
    const rsPath = join(dir, 'rs256.pem');
    writeFileSync(rsPath, pairs.RS256.publicPem);
    auth = createAuthenticator({
      secrets: [SECRET],
      publicKeys: [rsPath, ...families.filter((a) => a !== 'RS256').map((a) => pairs[a].publicPem)],
      now: fixedNow,
    });
    rmSync(dir, { recursive: true, force: true });
  });

  for (const alg of ['HS256', 'HS384', 'HS512']) {
    it(`${alg} with the shared secret`, async () => {
      const claims = await auth.verifyToken(await sign({ sub: 'u1' }, SECRET, alg));
      assert.equal(claims.sub, 'u1');
      assert.equal(await outcome(auth, await sign({ sub: 'u1' }, 'another-secret-that-is-long-enough!!', alg)), 'PG_ERR_TOKEN_INVALID');
    });
  }

  for (const alg of families) {
    it(`${alg} with its PEM public key; a token from an unknown key is refused`, async () => {
      const claims = await auth.verifyToken(await sign({ sub: `user-${alg}` }, pairs[alg].privateKey, alg));
      assert.equal(claims.sub, `user-${alg}`);
      const stranger = await keyPair(alg);
      assert.equal(await outcome(auth, await sign({ sub: 'x' }, stranger.privateKey, alg)), 'PG_ERR_TOKEN_INVALID');
    });
  }

  it('the fully-specified Ed25519 algorithm name works with an Ed25519 key', async () => {
    const claims = await auth.verifyToken(await sign({ sub: 'ed' }, pairs.EdDSA.privateKey, 'Ed25519'));
    assert.equal(claims.sub, 'ed');
  });

  it('refuses alg "none"', async () => {
    assert.equal(await outcome(auth, unsecuredToken({ sub: 'x', exp: NOW_S + 60 })), 'PG_ERR_TOKEN_INVALID');
  });

  it('refuses HS256 signed with an RSA public key as the secret (algorithm confusion)', async () => {
    const rsaOnly = createAuthenticator({ publicKeys: [pairs.RS256.publicPem], now: fixedNow });
    const forged = await sign({ sub: 'admin' }, pairs.RS256.publicPem, 'HS256');
    await assert.rejects(rsaOnly.verifyToken(forged), (e: AuthError) => e.errorName === 'PG_ERR_TOKEN_INVALID' && /HS256 not accepted/.test(e.reason));
  });

  it('an ES256 key does not verify an ES384 token (algorithm bound to the curve)', async () => {
    const es256Only = createAuthenticator({ publicKeys: [pairs.ES256.publicPem], now: fixedNow });
    assert.equal(await outcome(es256Only, await sign({}, pairs.ES384.privateKey, 'ES384')), 'PG_ERR_TOKEN_INVALID');
  });

  it('a rotated-out secret is still accepted while it is listed', async () => {
    const rotating = createAuthenticator({ secrets: ['new-secret-new-secret-new-secret-!', SECRET], now: fixedNow });
    assert.equal((await rotating.verifyToken(await sign({ sub: 'old' }, SECRET, 'HS256'))).sub, 'old');
  });

  for (const garbage of ['', 'abc', 'a.b.c', 'a.b', '....', 'eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln', 'x'.repeat(20_000), '\u0000\uffff.\ud800.x']) {
    it(`malformed token ${JSON.stringify(garbage.slice(0, 30))} → token_invalid, no crash`, async () => {
      assert.equal(await outcome(auth, garbage), 'PG_ERR_TOKEN_INVALID');
    });
  }
});

describe('JWT time and issuer checks (clock injected, tolerance 5 s)', () => {
  const auth = createAuthenticator({ secrets: [SECRET], issuer: 'https://issuer.test', audience: ['pushgate', 'other'], now: fixedNow });
  const base = { iss: 'https://issuer.test', aud: 'pushgate' };
  const rows: Array<[string, Record<string, unknown>, string]> = [
    ['valid', {}, 'ok'],
    ['exp 3 s ago is inside the tolerance', { exp: NOW_S - 3 }, 'ok'],
    ['exp 6 s ago is expired', { exp: NOW_S - 6 }, 'PG_ERR_TOKEN_EXPIRED'],
    ['exp long ago', { exp: NOW_S - 86_400 }, 'PG_ERR_TOKEN_EXPIRED'],
    ['nbf 3 s ahead is inside the tolerance', { nbf: NOW_S + 3 }, 'ok'],
    ['nbf 6 s ahead is not yet valid', { nbf: NOW_S + 6 }, 'PG_ERR_TOKEN_INVALID'],
    ['wrong iss', { iss: 'https://evil.test' }, 'PG_ERR_TOKEN_INVALID'],
    ['missing iss', { iss: undefined }, 'PG_ERR_TOKEN_INVALID'],
    ['wrong aud', { aud: 'someone-else' }, 'PG_ERR_TOKEN_INVALID'],
    ['aud array containing an accepted audience', { aud: ['x', 'other'] }, 'ok'],
    ['missing aud', { aud: undefined }, 'PG_ERR_TOKEN_INVALID'],
    ['exp not a number', { exp: 'tomorrow' }, 'PG_ERR_TOKEN_INVALID'],
  ];
  for (const [name, overrides, expected] of rows) {
    it(`${name} → ${expected}`, async () => {
      const payload = { ...base, ...overrides };
      for (const key of Object.keys(payload)) if ((payload as Record<string, unknown>)[key] === undefined) delete (payload as Record<string, unknown>)[key];
      assert.equal(await outcome(auth, await sign(payload, SECRET, 'HS256')), expected);
    });
  }

  it('a forged signature on an expired token is invalid, not "expired" (signature first)', async () => {
    const forged = await sign({ ...base, exp: NOW_S - 100 }, 'forger-secret-forger-secret-forger!!', 'HS256');
    assert.equal(await outcome(auth, forged), 'PG_ERR_TOKEN_INVALID');
  });

  it('exposes the expiry including the tolerance, so the connection closes when the handshake would refuse', async () => {
    const claims = await auth.verifyToken(await sign({ ...base, exp: NOW_S + 100 }, SECRET, 'HS256'));
    assert.equal(claims.expiresAt, (NOW_S + 100) * 1000 + 5000);
    const noExp = createAuthenticator({ secrets: [SECRET], now: fixedNow });
    const forever = await new (await import('jose')).SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));
    assert.equal((await noExp.verifyToken(forever)).expiresAt, null);
  });

  it('a zero tolerance refuses a token expired one second ago', async () => {
    const strict = createAuthenticator({ secrets: [SECRET], clockTolerance: 0, now: fixedNow });
    assert.equal(await outcome(strict, await sign({ exp: NOW_S - 1 }, SECRET, 'HS256')), 'PG_ERR_TOKEN_EXPIRED');
  });
});

describe('claims: channels, publish, routes', () => {
  const auth = createAuthenticator({ secrets: [SECRET], now: fixedNow });
  const verify = async (payload: Record<string, unknown>) => auth.verifyToken(await sign(payload, SECRET, 'HS256'));

  it('compiles subscribe and publish patterns', async () => {
    const claims = await verify({ sub: '42', channels: ['news:*', 'user:42', 'a*b*c'], publish: ['chat:room-*'] });
    const table: Array<[string, boolean, boolean]> = [
      ['news:eu', true, false],
      ['news:', true, false],
      ['news:eu:sport', true, false],
      ['news', false, false],
      ['newsy:eu', false, false],
      ['user:42', true, false],
      ['user:420', false, false],
      ['user:4', false, false],
      ['axxbyyc', true, false],
      ['axxbyy', false, false],
      ['chat:room-1', false, true],
      ['chat:room', false, false],
    ];
    for (const [channel, subscribe, publish] of table) {
      assert.equal(claims.canSubscribe(channel), subscribe, `subscribe ${channel}`);
      assert.equal(claims.canPublish(channel), publish, `publish ${channel}`);
    }
  });

  it('an empty list allows nothing; an absent claim leaves it to the route', async () => {
    const none = await verify({ channels: [], publish: [] });
    assert.equal(none.canSubscribe('news:eu'), false);
    assert.equal(none.canPublish('news:eu'), false);
    const absent = await verify({});
    assert.equal(absent.canSubscribe('news:eu'), true);
    assert.equal(absent.canPublish('news:eu'), true);
    const star = await verify({ channels: ['*'] });
    assert.equal(star.canSubscribe('anything:at:all'), true);
  });

  it('a pathological glob is matched in linear-ish time (no regex backtracking)', async () => {
    const claims = await verify({ channels: ['*a*a*a*a*a*a*a*a*a*a*b'] });
    assert.equal(claims.canSubscribe('a'.repeat(5000)), false);
  });

  for (const [name, payload] of [
    ['channels not an array', { channels: 'news:*' }],
    ['channels with a number', { channels: ['news:*', 42] }],
    ['publish an object', { publish: { a: 1 } }],
    ['routes a string', { routes: '/ws' }],
    ['sub a number', { sub: 42 }],
    ['too many patterns', { channels: Array.from({ length: 1001 }, (_, i) => `c${i}`) }],
  ] as const) {
    it(`malformed claim (${name}) → token_invalid`, async () => {
      assert.equal(await outcome(auth, await sign(payload as Record<string, unknown>, SECRET, 'HS256')), 'PG_ERR_TOKEN_INVALID');
    });
  }
});

describe('authenticate(): token sources and route rules', () => {
  const options: AuthOptions = { secrets: [SECRET], now: fixedNow };
  const auth = createAuthenticator(options);
  const jwt = { auth: 'jwt' as const };
  let token: string;
  before(async () => {
    token = await sign({ sub: 'u7', routes: ['/ws', '/stream/*'], role: 'reader', groups: ['a', 'b'] }, SECRET, 'HS256');
  });

  it('reads the token from Authorization: Bearer', async () => {
    const r = await auth.authenticate(request({ authorization: `Bearer ${token}` }), jwt);
    assert.ok(r.ok);
    assert.equal(r.tokenSource, 'header');
    assert.equal(r.claims?.sub, 'u7');
  });

  it('the Bearer scheme is case-insensitive; other schemes are not tokens', async () => {
    assert.equal((await auth.authenticate(request({ authorization: `bEaReR   ${token}` }), jwt)).ok, true);
    const basic = await auth.authenticate(request({ authorization: 'Basic dXNlcjpwYXNz' }), jwt);
    assert.deepEqual(basic.ok ? 'accepted' : basic.error, 'PG_ERR_TOKEN_MISSING');
  });

  it('reads the token from the `token` query parameter', async () => {
    const r = await auth.authenticate(request({}, `a=1&token=${token}`), jwt);
    assert.ok(r.ok);
    assert.equal(r.tokenSource, 'query');
  });

  it('reads the token from a pushgate.jwt.<token> subprotocol entry and never offers it for selection', async () => {
    const r = await auth.authenticate(request({ 'sec-websocket-protocol': `pushgate, pushgate.jwt.${token}, mqtt` }), jwt);
    assert.ok(r.ok);
    assert.equal(r.tokenSource, 'subprotocol');
    assert.deepEqual(r.protocols, ['pushgate', 'mqtt']);
    assert.ok(!r.protocols.some((p) => p.includes(token)));
  });

  it('the token entry is stripped even when it is invalid or the route has no auth', async () => {
    const bad = await auth.authenticate(request({ 'sec-websocket-protocol': 'pushgate.jwt.garbage, chat' }), jwt);
    assert.equal(bad.ok, false);
    assert.deepEqual(bad.protocols, ['chat']);
    const open = await auth.authenticate(request({ 'sec-websocket-protocol': `PUSHGATE.JWT.${token},chat` }), { auth: 'none' });
    assert.ok(open.ok);
    assert.equal(open.claims, null);
    assert.deepEqual(open.protocols, ['chat']);
  });

  it('a custom query parameter and subprotocol prefix', async () => {
    const custom = createAuthenticator({ ...options, queryParam: 'access_token', subprotocolPrefix: 'bearer.' });
    assert.equal((await custom.authenticate(request({}, `access_token=${token}`), jwt)).ok, true);
    const viaProtocol = await custom.authenticate(request({ 'sec-websocket-protocol': `v1, bearer.${token}` }), jwt);
    assert.ok(viaProtocol.ok);
    assert.deepEqual(viaProtocol.protocols, ['v1']);
    assert.equal((await custom.authenticate(request({}, `token=${token}`), jwt)).ok, false);
  });

  it('header wins over subprotocol and query when several carry tokens', async () => {
    const other = await sign({ sub: 'other', routes: ['/ws'] }, SECRET, 'HS256');
    const r = await auth.authenticate(
      request({ authorization: `Bearer ${token}`, 'sec-websocket-protocol': `pushgate.jwt.${other}` }, `token=${other}`),
      jwt,
    );
    assert.ok(r.ok);
    assert.equal(r.claims?.sub, 'u7');
  });

  const refusals: Array<[string, () => ReturnType<Authenticator['authenticate']>, string]> = [
    ['no token at all', () => auth.authenticate(request(), jwt), 'PG_ERR_TOKEN_MISSING'],
    ['empty bearer', () => auth.authenticate(request({ authorization: 'Bearer ' }), jwt), 'PG_ERR_TOKEN_MISSING'],
    ['empty subprotocol token', () => auth.authenticate(request({ 'sec-websocket-protocol': 'pushgate.jwt.' }), jwt), 'PG_ERR_TOKEN_MISSING'],
    ['empty query token', () => auth.authenticate(request({}, 'token='), jwt), 'PG_ERR_TOKEN_MISSING'],
    ['garbage token', () => auth.authenticate(request({ authorization: 'Bearer nope' }), jwt), 'PG_ERR_TOKEN_INVALID'],
    ['path outside the routes claim', () => auth.authenticate(request({ authorization: `Bearer ${token}` }, '', '/admin'), jwt), 'PG_ERR_ROUTE_FORBIDDEN'],
    [
      'route requires a claim value the token lacks',
      () => auth.authenticate(request({ authorization: `Bearer ${token}` }), { auth: 'jwt', requireClaims: { role: 'admin' } }),
      'PG_ERR_ROUTE_FORBIDDEN',
    ],
    [
      'route requires membership of an array claim',
      () => auth.authenticate(request({ authorization: `Bearer ${token}` }), { auth: 'jwt', requireClaims: { groups: 'c' } }),
      'PG_ERR_ROUTE_FORBIDDEN',
    ],
  ];
  for (const [name, run, expected] of refusals) {
    it(`${name} → ${expected}`, async () => {
      const r = await run();
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.equal(r.error, expected);
        assert.ok(r.reason.length > 0);
      }
    });
  }

  it('routes claim globs and required claims that do match are accepted', async () => {
    assert.equal((await auth.authenticate(request({ authorization: `Bearer ${token}` }, '', '/stream/news'), jwt)).ok, true);
    const r = await auth.authenticate(request({ authorization: `Bearer ${token}` }), { auth: 'jwt', requireClaims: { role: 'reader', groups: 'b' } });
    assert.equal(r.ok, true);
  });
});

describe('key configuration errors', () => {
  const bad: Array<[string, AuthOptions, RegExp]> = [
    ['short HMAC secret', { secrets: ['too-short'] }, /auth\.secrets\[0\].*32 bytes/],
    ['PEM that is not a key', { publicKeys: ['-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----'] }, /auth\.publicKeys\[0\]: not a PEM public key/],
    ['missing PEM file', { publicKeys: ['/nonexistent/key.pem'] }, /auth\.publicKeys\[0\]: cannot read/],
    ['missing JWKS file', { jwksFile: '/nonexistent/jwks.json' }, /auth\.jwksFile: cannot load/],
    ['JWKS URL with another scheme', { jwksUrl: 'file:///etc/passwd' }, /auth\.jwksUrl must be an http\(s\) URL/],
    ['JWKS URL that is not a URL', { jwksUrl: 'not a url' }, /auth\.jwksUrl/],
    ['negative clock tolerance', { secrets: [SECRET], clockTolerance: -1 }, /clockTolerance/],
  ];
  for (const [name, options, message] of bad) {
    it(`${name} stops start-up naming the key`, () => assert.throws(() => createAuthenticator(options), message));
  }
});
