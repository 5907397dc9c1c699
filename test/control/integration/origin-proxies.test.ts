// Origin allow-lists and trusted proxies end to end: refusals are 403
// forbidden_origin and counted; X-Forwarded-For decides the client address
// (what the per-address limits key on) only when the TCP peer is trusted.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINE_NAMES, engineUnavailableReason } from '../../helpers/engines.js';
import { connect, handshake, metric, refusal, start, type Client, type Running } from './fixture.js';

const HANDSHAKES = 'pushgate_handshakes_total';
const FORBIDDEN_ORIGIN = { status: 403, code: 'forbidden_origin', reason: 'forbidden_origin' };
const PER_IP_REFUSAL = { status: 429, code: 'too_many_connections', reason: 'too_many_connections' };

const routes = [
  { path: '/ws', type: 'pubsub' as const, allowedOrigins: ['https://*.example.com', 'https://app.example.org'] },
  { path: '/strict', type: 'pubsub' as const, requireOrigin: true },
  { path: '/perip', type: 'echo' as const, limits: { maxConnectionsPerIp: 1 } },
];

for (const engine of ENGINE_NAMES) {
  describe(`control plane on ${engine}: Origin and trusted proxies`, { skip: engineUnavailableReason(engine) ?? false }, () => {
    let trusting: Running;
    let untrusting: Running;
    const clients: Client[] = [];
    before(async () => {
      trusting = await start(engine, { trustedProxies: ['127.0.0.1/32'], routes });
      // Loopback is not in this list: forwarding headers from it are ignored.
      untrusting = await start(engine, { trustedProxies: ['10.0.0.0/8'], routes });
    });
    after(async () => {
      for (const client of clients) client.terminate();
      await Promise.all([trusting.gateway.close(), untrusting.gateway.close()]);
    });

    async function open(url: string, options?: Parameters<typeof connect>[1]): Promise<Client> {
      const client = await connect(url, options);
      clients.push(client);
      return client;
    }

    it('refuses origins outside allowedOrigins, look-alikes included, with 403 forbidden_origin', async () => {
      const refused = ['https://evil.net', 'https://example.com.evil.net', 'https://example.com', 'http://app.example.com', 'https://app.example.com:8443', 'null'];
      for (const origin of refused) {
        assert.deepEqual(refusal(await handshake(trusting.url('/ws'), { origin })), FORBIDDEN_ORIGIN, origin);
      }
      assert.equal(await metric(trusting.gateway, HANDSHAKES, { route: '/ws', result: 'forbidden_origin' }), refused.length);
    });

    it('accepts allowed origins: glob subdomains at any depth, exact entries, any letter case', async () => {
      for (const origin of ['https://app.example.com', 'https://a.b.example.com', 'https://app.example.org', 'HTTPS://APP.EXAMPLE.COM']) {
        (await open(trusting.url('/ws'), { origin })).terminate();
      }
      // Non-browser clients send no Origin: allowed unless the route requires one.
      (await open(trusting.url('/ws'))).terminate();
    });

    it('with requireOrigin refuses a handshake without Origin, and by default allows only the own host', async () => {
      assert.deepEqual(refusal(await handshake(trusting.url('/strict'))), FORBIDDEN_ORIGIN);
      assert.deepEqual(refusal(await handshake(trusting.url('/strict'), { origin: 'https://other.example.com' })), FORBIDDEN_ORIGIN);
      assert.equal(await metric(trusting.gateway, HANDSHAKES, { route: '/strict', result: 'forbidden_origin' }), 2);
      (await open(trusting.url('/strict'), { origin: `http://127.0.0.1:${trusting.port}` })).terminate();
    });

    it('keys the per-address limit on X-Forwarded-For when the peer is a trusted proxy', async () => {
      await open(trusting.url('/perip'), { headers: { 'x-forwarded-for': '203.0.113.1' } });
      // A second forwarded client has its own quota although both come from the same peer.
      await open(trusting.url('/perip'), { headers: { 'x-forwarded-for': '203.0.113.2' } });
      assert.deepEqual(refusal(await handshake(trusting.url('/perip'), { headers: { 'x-forwarded-for': '203.0.113.1' } })), PER_IP_REFUSAL);
      // Right-most untrusted hop: a client cannot escape its quota by prepending made-up hops.
      const forged = await handshake(trusting.url('/perip'), { headers: { 'x-forwarded-for': '198.51.100.7, 203.0.113.2' } });
      assert.deepEqual(refusal(forged), PER_IP_REFUSAL);
      // X-Real-IP is the fallback when there is no X-Forwarded-For.
      await open(trusting.url('/perip'), { headers: { 'x-real-ip': '203.0.113.3' } });
      assert.equal(await metric(trusting.gateway, HANDSHAKES, { route: '/perip', result: 'rate_limited' }), 2);
    });

    it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
      await open(untrusting.url('/perip'), { headers: { 'x-forwarded-for': '203.0.113.1' } });
      // Same TCP peer (127.0.0.1): the header does not buy a second slot.
      const outcome = await handshake(untrusting.url('/perip'), { headers: { 'x-forwarded-for': '203.0.113.2', 'x-real-ip': '203.0.113.2' } });
      assert.deepEqual(refusal(outcome), PER_IP_REFUSAL);
    });
  });
}
