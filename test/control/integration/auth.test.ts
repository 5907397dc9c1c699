// JWT auth end to end: every refusal has its status, body, X-Pushgate-Reason
// and handshakes_total result; a token is accepted from each of its three
// places and never echoed; claims restrict channels; an expiring token closes
// the connection with 4001.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINE_NAMES, engineUnavailableReason } from '../../helpers/engines.js';
import { OTHER_SECRET, SECRET, connect, handshake, metric, metricReaches, rawUpgrade, refusal, start, token, type Running } from './fixture.js';

const HANDSHAKES = 'pushgate_handshakes_total';

for (const engine of ENGINE_NAMES) {
  describe(`control plane on ${engine}: JWT auth`, { skip: engineUnavailableReason(engine) ?? false }, () => {
    let gw: Running;
    before(async () => {
      gw = await start(engine, {
        // No skew allowance, so the expiry test closes right at `exp`.
        auth: { secrets: [SECRET], clockTolerance: 0 },
        routes: [
          { path: '/ws', type: 'pubsub', auth: 'jwt', subprotocols: ['pushgate'] },
          { path: '/admin', type: 'pubsub', auth: 'jwt', requireClaims: { role: 'admin' } },
          { path: '/stream/:channel', type: 'stream', auth: 'jwt' },
          { path: '/open', type: 'pubsub', subprotocols: ['pushgate'] },
        ],
      });
    });
    after(() => gw.gateway.close());

    async function expectRefused(path: string, options: Parameters<typeof handshake>[1], status: number, code: string, result: string) {
      const route = path.startsWith('/stream/') ? '/stream/:channel' : path.split('?')[0];
      const before = await metric(gw.gateway, HANDSHAKES, { route, result });
      const outcome = await handshake(gw.url(path), options);
      assert.deepEqual(refusal(outcome), { status, code, reason: code });
      assert.equal(await metric(gw.gateway, HANDSHAKES, { route, result }), before + 1, `handshakes_total{result=${result}}`);
      return outcome;
    }

    it('refuses a handshake without a token: 401 token_missing with a Bearer challenge', async () => {
      const outcome = await expectRefused('/ws', {}, 401, 'token_missing', 'unauthorized');
      assert.equal(outcome.headers['www-authenticate'], 'Bearer realm="pushgate"');
    });

    it('refuses a token signed with another key: 401 token_invalid', async () => {
      const forged = await token({ sub: 'u1' }, { secret: OTHER_SECRET });
      const outcome = await expectRefused('/ws', { headers: { authorization: `Bearer ${forged}` } }, 401, 'token_invalid', 'unauthorized');
      assert.match(String(outcome.headers['www-authenticate']), /error="invalid_token"/);
    });

    it('refuses an expired token: 401 token_expired', async () => {
      const expired = await token({ sub: 'u1' }, { ttl: -60 });
      await expectRefused('/ws', { headers: { authorization: `Bearer ${expired}` } }, 401, 'token_expired', 'unauthorized');
    });

    it('refuses garbage in the token places: 401 token_invalid', async () => {
      await expectRefused('/ws?token=not.a.jwt', {}, 401, 'token_invalid', 'unauthorized');
    });

    it('accepts the token from the Authorization header, the query and a subprotocol entry', async () => {
      const valid = await token({ sub: 'u1' });
      const before = await metric(gw.gateway, HANDSHAKES, { route: '/ws', result: 'accepted' });
      const viaHeader = await connect(gw.url('/ws'), { headers: { authorization: `Bearer ${valid}` } });
      const viaQuery = await connect(gw.url(`/ws?token=${valid}`));
      const viaProtocol = await connect(gw.url('/ws'), { protocols: ['pushgate', `pushgate.jwt.${valid}`] });
      assert.equal(viaProtocol.protocol, 'pushgate');
      for (const client of [viaHeader, viaQuery, viaProtocol]) {
        assert.deepEqual(await client.request({ op: 'ping' }), { id: 1, ok: true, pong: true });
        client.terminate();
      }
      assert.equal(await metric(gw.gateway, HANDSHAKES, { route: '/ws', result: 'accepted' }), before + 3);
    });

    it('never selects or echoes the subprotocol token entry', async () => {
      const valid = await token({ sub: 'u1' });
      const withReal = await rawUpgrade(gw.port, '/ws', { 'sec-websocket-protocol': `pushgate.jwt.${valid}, pushgate` });
      assert.equal(withReal.status, 101);
      assert.match(withReal.head, /\r\nSec-WebSocket-Protocol: pushgate\r\n/i);
      assert.ok(!withReal.head.includes(valid), 'the token must not appear in the response');

      const alone = await rawUpgrade(gw.port, '/ws', { 'sec-websocket-protocol': `pushgate.jwt.${valid}` });
      assert.equal(alone.status, 101);
      assert.doesNotMatch(alone.head, /sec-websocket-protocol/i);
      assert.ok(!alone.head.includes(valid));

      // Stripped on auth: none routes too.
      const open = await rawUpgrade(gw.port, '/open', { 'sec-websocket-protocol': `pushgate.jwt.${valid}, pushgate` });
      assert.equal(open.status, 101);
      assert.ok(!open.head.includes(valid));
    });

    it('answers subscribe and publish outside the token claims with a forbidden error reply', async () => {
      const scoped = await token({ sub: 'u1', channels: ['news:*'], publish: ['news:sport'] });
      const client = await connect(gw.url('/ws'), { headers: { authorization: `Bearer ${scoped}` } });
      const before = await metric(gw.gateway, 'pushgate_client_protocol_errors_total', { route: '/ws', code: 'forbidden' });
      assert.equal((await client.request({ op: 'subscribe', channel: 'news:eu' })).ok, true);
      assert.equal((await client.request({ op: 'subscribe', channel: 'user:42' })).error.code, 'forbidden');
      assert.equal((await client.request({ op: 'publish', channel: 'news:eu', data: 1 })).error.code, 'forbidden');
      assert.equal((await client.request({ op: 'publish', channel: 'news:sport', data: 1 })).ok, true);
      assert.equal(await metric(gw.gateway, 'pushgate_client_protocol_errors_total', { route: '/ws', code: 'forbidden' }), before + 2);
      client.terminate();
    });

    it('refuses a stream channel outside the token claims at the handshake: 403 forbidden', async () => {
      const scoped = await token({ sub: 'u1', channels: ['news:*'] });
      await expectRefused(`/stream/user:42?token=${scoped}`, {}, 403, 'forbidden', 'forbidden');
      const allowed = await connect(gw.url(`/stream/news:eu?token=${scoped}`));
      allowed.terminate();
    });

    it('refuses a valid token without the claims the route requires: 403 forbidden', async () => {
      const user = await token({ sub: 'u1', role: 'user' });
      await expectRefused('/admin', { headers: { authorization: `Bearer ${user}` } }, 403, 'forbidden', 'forbidden');
      const admin = await token({ sub: 'u2', role: 'admin' });
      const client = await connect(gw.url('/admin'), { headers: { authorization: `Bearer ${admin}` } });
      client.terminate();
    });

    it('closes a connection whose token expires with 4001 token_expired', async () => {
      // exp is in whole seconds: this token lapses 2–3 s from now.
      const shortLived = await token({ sub: 'u1' }, { ttl: 3 });
      const before = await metric(gw.gateway, 'pushgate_close_codes_sent_total', { route: '/ws', code: '4001' });
      const client = await connect(gw.url('/ws'), { headers: { authorization: `Bearer ${shortLived}` } });
      assert.deepEqual(await client.request({ op: 'ping' }), { id: 1, ok: true, pong: true });
      const closed = await client.waitClosed(15_000);
      assert.equal(closed.code, 4001);
      assert.match(closed.reason, /token expired/);
      assert.equal(await metricReaches(gw.gateway, 'pushgate_close_codes_sent_total', { route: '/ws', code: '4001' }, before + 1), before + 1);
    });
  });
}
