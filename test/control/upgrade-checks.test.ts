import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestInfo } from '../../src/engines/types.js';
import {
  createUpgradeChecks,
  type RouteSecurityOptions,
  type UpgradeAccepted,
  type UpgradeCheckResult,
  type UpgradeChecksOptions,
} from '../../src/control/upgrade-checks.js';
import { NOW_MS, NOW_S, SECRET, keyPair, sign } from './jwt-fixtures.js';
import { manualClock } from '../helpers/manual-clock.js';

function req(headers: Record<string, string> = {}, remoteAddress = '203.0.113.1', path = '/ws', query = ''): RequestInfo {
  return { method: 'GET', path, query, headers: { host: 'gw.example.com', ...headers }, remoteAddress };
}


const auth = { secrets: [SECRET], now: () => NOW_MS };
const open: RouteSecurityOptions = { path: '/ws', auth: 'none' };
const jwtRoute: RouteSecurityOptions = { path: '/ws', auth: 'jwt' };

function expectRejected(result: UpgradeCheckResult, status: number, code: string, label: string) {
  assert.equal(result.ok, false, 'expected a rejection');
  if (result.ok) return;
  assert.deepEqual({ status: result.status, code: result.code, result: result.result }, { status, code, result: label });
  assert.equal(result.error.httpStatus, status);
  assert.equal(result.error.code, code);
  assert.ok(result.message.length > 0);
}

describe('upgrade checks: every rejection path has its status, code and metric label', () => {
  let token: string;
  let expired: string;
  let wrongRoute: string;
  before(async () => {
    token = await sign({ sub: 'u1' }, SECRET, 'HS256');
    expired = await sign({ sub: 'u1', exp: NOW_S - 60 }, SECRET, 'HS256');
    wrongRoute = await sign({ sub: 'u1', routes: ['/other'] }, SECRET, 'HS256');
  });

  const cases: Array<{
    name: string;
    options: UpgradeChecksOptions;
    route: RouteSecurityOptions;
    /** Requests made first (all must pass) to fill a limit. */
    warmup?: number;
    headers?: () => Record<string, string>;
    expect: [number, string, string];
    extraHeader?: [string, RegExp];
  }> = [
    { name: 'global handshake rate', options: { limits: { handshakeRate: { rate: 1, burst: 2 } } }, route: open, warmup: 2, expect: [429, 'rate_limited', 'rate_limited'], extraHeader: ['retry-after', /^1$/] },
    { name: 'route handshake rate', options: {}, route: { ...open, limits: { handshakeRate: { rate: 0.1, burst: 1 } } }, warmup: 1, expect: [429, 'rate_limited', 'rate_limited'], extraHeader: ['retry-after', /^10$/] },
    { name: 'global max connections', options: { limits: { maxConnections: 3 } }, route: open, warmup: 3, expect: [503, 'over_capacity', 'over_capacity'] },
    { name: 'route max connections', options: {}, route: { ...open, limits: { maxConnections: 2 } }, warmup: 2, expect: [503, 'over_capacity', 'over_capacity'] },
    { name: 'global per-IP connections', options: { limits: { maxConnectionsPerIp: 2 } }, route: open, warmup: 2, expect: [429, 'too_many_connections', 'rate_limited'] },
    { name: 'route per-IP connections', options: {}, route: { ...open, limits: { maxConnectionsPerIp: 1 } }, warmup: 1, expect: [429, 'too_many_connections', 'rate_limited'] },
    { name: 'foreign Origin (default same-host rule)', options: {}, route: open, headers: () => ({ origin: 'https://evil.example' }), expect: [403, 'forbidden_origin', 'forbidden_origin'] },
    { name: 'Origin outside allowedOrigins', options: {}, route: { ...open, allowedOrigins: ['https://app.example.com'] }, headers: () => ({ origin: 'https://gw.example.com' }), expect: [403, 'forbidden_origin', 'forbidden_origin'] },
    { name: 'missing Origin with requireOrigin', options: {}, route: { ...open, requireOrigin: true }, expect: [403, 'forbidden_origin', 'forbidden_origin'] },
    { name: 'missing token', options: { auth }, route: jwtRoute, expect: [401, 'token_missing', 'unauthorized'], extraHeader: ['www-authenticate', /^Bearer realm="pushgate"$/] },
    { name: 'invalid token', options: { auth }, route: jwtRoute, headers: () => ({ authorization: 'Bearer not.a.jwt' }), expect: [401, 'token_invalid', 'unauthorized'], extraHeader: ['www-authenticate', /error="invalid_token"/] },
    { name: 'expired token', options: { auth }, route: jwtRoute, headers: () => ({ authorization: `Bearer ${expired}` }), expect: [401, 'token_expired', 'unauthorized'], extraHeader: ['www-authenticate', /error="invalid_token"/] },
    { name: 'token not valid for this route', options: { auth }, route: jwtRoute, headers: () => ({ authorization: `Bearer ${wrongRoute}` }), expect: [403, 'forbidden', 'forbidden'] },
    { name: 'route requires a claim', options: { auth }, route: { ...jwtRoute, requireClaims: { role: 'admin' } }, headers: () => ({ authorization: `Bearer ${token}` }), expect: [403, 'forbidden', 'forbidden'] },
  ];

  for (const c of cases) {
    it(`${c.name} → ${c.expect[0]} ${c.expect[1]}`, async () => {
      const checks = createUpgradeChecks({ clock: manualClock().now, ...c.options });
      for (let i = 0; i < (c.warmup ?? 0); i++) {
        const r = await checks(req(), c.route);
        assert.equal(r.ok, true, `warm-up request ${i} should pass`);
      }
      const result = await checks(req(c.headers?.() ?? {}), c.route);
      expectRejected(result, ...c.expect);
      if (c.extraHeader && !result.ok) assert.match(result.headers[c.extraHeader[0]] ?? '', c.extraHeader[1]);
      assert.equal(checks.openConnections, c.warmup ?? 0, 'warm-up slots stay held, the rejected one holds none');
    });
  }
});

describe('upgrade checks: order and slot accounting', () => {
  it('checks run in order: rate limit before capacity before Origin before token', async () => {
    const checks = createUpgradeChecks({ auth, clock: manualClock().now, limits: { handshakeRate: { rate: 1, burst: 2 }, maxConnections: 1 } });
    const bad = { origin: 'https://evil.example' }; // and no token
    const first = await checks(req(bad), jwtRoute);
    expectRejected(first, 403, 'forbidden_origin', 'forbidden_origin');
    const held = await checks(req({}, '198.51.100.1'), open);
    assert.ok(held.ok);
    expectRejected(await checks(req(bad), jwtRoute), 503, 'over_capacity', 'over_capacity');
    expectRejected(await checks(req(bad), jwtRoute), 429, 'rate_limited', 'rate_limited');
    held.slot.release();
  });

  it('a rejected Origin or token frees its slot at once', async () => {
    const checks = createUpgradeChecks({ auth, limits: { maxConnections: 1 } });
    for (let i = 0; i < 50; i++) {
      assert.equal((await checks(req({ origin: 'https://evil.example' }), open)).ok, false);
      assert.equal((await checks(req({ authorization: 'Bearer x' }), jwtRoute)).ok, false);
      assert.equal(checks.openConnections, 0);
    }
    const r = await checks(req(), open);
    assert.ok(r.ok);
    assert.equal(checks.openConnections, 1);
    r.slot.release();
    r.slot.release();
    assert.equal(checks.openConnections, 0);
  });

  it('a burst of 400 concurrent JWT handshakes against maxConnections 100 admits exactly 100', async () => {
    const checks = createUpgradeChecks({ auth, limits: { maxConnections: 100 } });
    const token = await sign({ sub: 'burst' }, SECRET, 'HS256');
    const results = await Promise.all(
      Array.from({ length: 400 }, (_, i) => checks(req({ authorization: `Bearer ${token}` }, `10.${i >> 8}.${i & 255}.1`), jwtRoute)),
    );
    const accepted = results.filter((r): r is UpgradeAccepted => r.ok);
    assert.equal(accepted.length, 100);
    assert.equal(results.filter((r) => !r.ok && r.code === 'over_capacity').length, 300);
    assert.equal(checks.openConnections, 100);
    for (const r of accepted) r.slot.release();
    assert.equal(checks.openConnections, 0);
  });

  it('route and process limits are both held and both released', async () => {
    const checks = createUpgradeChecks({ limits: { maxConnections: 3 } });
    const a: RouteSecurityOptions = { path: '/a', auth: 'none', limits: { maxConnections: 2 } };
    const b: RouteSecurityOptions = { path: '/b', auth: 'none' };
    const r1 = await checks(req(), a);
    const r2 = await checks(req(), a);
    expectRejected(await checks(req(), a), 503, 'over_capacity', 'over_capacity');
    const r3 = await checks(req(), b);
    expectRejected(await checks(req(), b), 503, 'over_capacity', 'over_capacity');
    assert.ok(r1.ok && r2.ok && r3.ok);
    r1.slot.release();
    assert.equal((await checks(req(), b)).ok, true, 'a slot freed on /a is usable on /b');
    assert.equal(checks.openConnections, 3);
  });
});

describe('upgrade checks: behind a trusted proxy', () => {
  it('per-IP limits and the reported address use X-Forwarded-For only from trusted peers', async () => {
    const checks = createUpgradeChecks({ trustedProxies: ['127.0.0.0/8'], limits: { maxConnectionsPerIp: 1 } });
    const viaProxy = (client: string) => req({ 'x-forwarded-for': `6.6.6.6, ${client}` }, '127.0.0.1');
    const a = await checks(viaProxy('203.0.113.10'), open);
    const b = await checks(viaProxy('203.0.113.11'), open);
    assert.ok(a.ok && b.ok);
    assert.equal(a.clientAddress, '203.0.113.10');
    assert.equal(b.clientAddress, '203.0.113.11');
    const again = await checks(viaProxy('203.0.113.10'), open);
    expectRejected(again, 429, 'too_many_connections', 'rate_limited');
    assert.equal(again.clientAddress, '203.0.113.10');

    // An untrusted peer cannot dodge its per-IP limit by inventing X-Forwarded-For values.
    const spoof1 = await checks(req({ 'x-forwarded-for': '1.1.1.1' }, '198.51.100.5'), open);
    const spoof2 = await checks(req({ 'x-forwarded-for': '2.2.2.2' }, '198.51.100.5'), open);
    assert.ok(spoof1.ok);
    assert.equal(spoof1.clientAddress, '198.51.100.5');
    expectRejected(spoof2, 429, 'too_many_connections', 'rate_limited');
  });
});

describe('upgrade checks: what an accepted handshake carries', () => {
  it('claims, expiry, subprotocols without the token, and per-connection limiters', async () => {
    const clock = manualClock();
    const checks = createUpgradeChecks({ auth, clock: clock.now });
    const token = await sign({ sub: 'u9', channels: ['news:*'], exp: NOW_S + 120 }, SECRET, 'HS256');
    const route: RouteSecurityOptions = {
      ...jwtRoute,
      limits: { messageRate: { rate: 10, burst: 2 }, maxSubscriptions: 2 },
    };
    const r = await checks(req({ 'sec-websocket-protocol': `pushgate.jwt.${token}, pushgate`, origin: 'https://gw.example.com' }), route);
    assert.ok(r.ok, r.ok ? '' : `${r.code}: ${r.message}`);
    assert.equal(r.claims?.sub, 'u9');
    assert.equal(r.claims?.canSubscribe('news:eu'), true);
    assert.equal(r.claims?.canSubscribe('user:1'), false);
    assert.equal(r.claims?.expiresAt, (NOW_S + 120) * 1000 + 5000);
    assert.equal(r.tokenSource, 'subprotocol');
    assert.deepEqual(r.protocols, ['pushgate']);
    assert.deepEqual([r.slot.message(1), r.slot.message(1), r.slot.message(1)], [null, null, 'PG_ERR_MESSAGE_RATE']);
    const reserve = () => r.slot.reserveSubscription()?.code ?? 'ok';
    assert.deepEqual([reserve(), reserve(), reserve()], ['ok', 'ok', 'too_many_subscriptions']);

    const other = await checks(req({ authorization: `Bearer ${token}` }, '203.0.113.2'), route);
    assert.ok(other.ok);
    assert.equal(other.slot.message(1), null, 'each connection has its own buckets');
    assert.equal(other.slot.subscriptions, 0);
    r.slot.release();
    other.slot.release();
    assert.equal(checks.openConnections, 0);
  });

  it('an open route still strips token entries from the offered subprotocols', async () => {
    const checks = createUpgradeChecks();
    const r = await checks(req({ 'sec-websocket-protocol': 'pushgate.jwt.abc.def.ghi' }), open);
    assert.ok(r.ok);
    assert.deepEqual(r.protocols, []);
    assert.equal(r.claims, null);
    r.slot.release();
  });
});

describe('upgrade checks: synchronous unless a token is verified', () => {
  it('answers a route without auth with a plain result, accepted or refused', () => {
    const checks = createUpgradeChecks({ auth, limits: { maxConnections: 1 } });
    const accepted = checks(req(), open);
    assert.ok(!(accepted instanceof Promise));
    assert.ok(accepted.ok);
    const refused = checks(req(), open);
    assert.ok(!(refused instanceof Promise));
    expectRejected(refused, 503, 'over_capacity', 'over_capacity');
    const origin = checks(req({ origin: 'https://evil.example' }), jwtRoute);
    assert.ok(!(origin instanceof Promise), 'refused before the token is looked at');
    accepted.slot.release();
    assert.equal(checks.openConnections, 0);
  });

  it('answers a JWT route with a Promise, holding the slot while the token is verified', async () => {
    const checks = createUpgradeChecks({ auth, limits: { maxConnections: 1 } });
    const token = await sign({ sub: 'u1' }, SECRET, 'HS256');
    const bad = checks(req({ authorization: 'Bearer not.a.jwt' }), jwtRoute);
    assert.ok(bad instanceof Promise);
    assert.equal(checks.openConnections, 1, 'taken before verification');
    expectRejected(await bad, 401, 'token_invalid', 'unauthorized');
    assert.equal(checks.openConnections, 0, 'given back when the token is refused');
    const good = await checks(req({ authorization: `Bearer ${token}` }), jwtRoute);
    assert.ok(good.ok);
    assert.equal(good.claims?.sub, 'u1');
    assert.equal(checks.openConnections, 1);
    good.slot.release();
    assert.equal(checks.openConnections, 0);
  });
});

describe('upgrade checks: handshakes that never open', () => {
  it('with openTimeout, an accepted slot whose connection never opens is given back exactly once', async () => {
    const checks = createUpgradeChecks({ openTimeout: 50 });
    const r = checks(req(), open);
    assert.ok(!(r instanceof Promise) && r.ok);
    const kept = checks(req(), open);
    assert.ok(!(kept instanceof Promise) && kept.ok);
    kept.slot.open(() => assert.fail('no token, no expiry close'));
    for (let i = 0; i < 500 && checks.openConnections > 1; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(checks.openConnections, 1, 'only the opened connection still holds its slot');
    r.slot.release();
    assert.equal(checks.openConnections, 1);
    kept.slot.release();
    assert.equal(checks.openConnections, 0);
  });
});

describe('upgrade checks: JWKS outage', () => {
  const server = http.createServer(() => {
    /* never answers */
  });
  let url: string;
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('→ 503 auth_unavailable, counted as error, slot released', async () => {
    const checks = createUpgradeChecks({ auth: { jwksUrl: url, jwksTimeout: 150, now: () => NOW_MS } });
    const pair = await keyPair('ES256', 'k');
    const token = await sign({}, pair.privateKey, 'ES256', { kid: 'k' });
    const r = await checks(req({ authorization: `Bearer ${token}` }), jwtRoute);
    expectRejected(r, 503, 'auth_unavailable', 'error');
    assert.equal(checks.openConnections, 0);
  });
});

describe('upgrade checks: configuration errors surface at prepare()', () => {
  const bad: Array<[string, UpgradeChecksOptions, RouteSecurityOptions, RegExp]> = [
    ['jwt route without keys', {}, { path: '/secure', auth: 'jwt' }, /route \/secure: auth "jwt" needs/],
    ['bad allowedOrigins entry', {}, { path: '/o', auth: 'none', allowedOrigins: ['https://a.*.com'] }, /route \/o: allowedOrigins\[0\]/],
    ['bad message rate', {}, { path: '/m', auth: 'none', limits: { messageRate: { rate: 0, burst: 1 } } }, /route \/m: messageRate\.rate/],
    ['negative maxSubscriptions', {}, { path: '/s', auth: 'none', limits: { maxSubscriptions: -1 } }, /route \/s: maxSubscriptions/],
  ];
  for (const [name, options, route, message] of bad) {
    it(name, () => assert.throws(() => createUpgradeChecks(options).prepare(route), message));
  }

  it('a bad trusted proxy stops creation', () => {
    assert.throws(() => createUpgradeChecks({ trustedProxies: ['nope'] }), /trustedProxies\[0\]/);
  });
});
