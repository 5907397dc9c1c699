// Bad control-plane configuration stops start-up naming the key, before any
// client could hit it; the variables documented for it are read.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, createGateway, loadConfig, type GatewayConfigInput } from '../../../src/index.js';
import { SECRET } from './fixture.js';

async function issuesOf(config: GatewayConfigInput): Promise<string[]> {
  try {
    const gateway = await createGateway({ config: { ...config, server: { host: '127.0.0.1', port: 0 }, log: { level: 'silent' } } });
    await gateway.close();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
    return error.issues.map((issue) => issue.path);
  }
  return [];
}

describe('control-plane configuration errors name the key', () => {
  it('a malformed trusted proxy CIDR', async () => {
    assert.deepEqual(await issuesOf({ trustedProxies: ['10.0.0.0/8', '10.0.0.0/33', 'proxy.local'] }), ['trustedProxies.1', 'trustedProxies.2']);
  });

  it('a jwt route without key material', async () => {
    assert.deepEqual(await issuesOf({ routes: [{ path: '/echo', type: 'echo' }, { path: '/ws', type: 'pubsub', auth: 'jwt' }] }), ['routes.1.auth']);
  });

  it('a secret too short for HMAC, and an unreadable public key file', async () => {
    assert.deepEqual(await issuesOf({ auth: { secrets: [SECRET, 'short'] } }), ['auth.secrets.1']);
    assert.deepEqual(await issuesOf({ auth: { publicKeys: ['/nonexistent/key.pem'] } }), ['auth.publicKeys.0']);
  });

  it('a bad allowedOrigins entry', async () => {
    assert.deepEqual(
      await issuesOf({ routes: [{ path: '/ws', type: 'pubsub', allowedOrigins: ['https://ok.example.com', 'https://*'] }] }),
      ['routes.0.allowedOrigins.1'],
    );
  });

  it('rates that are not positive, and unknown limit keys', async () => {
    assert.deepEqual(await issuesOf({ limits: { handshakeRate: { rate: 0, burst: 1 } } }), ['limits.handshakeRate.rate']);
    const paths = await issuesOf({ routes: [{ path: '/ws', type: 'pubsub', limits: { messageRate: { rate: 1, burst: 0 }, maxSubscription: 3 } as never }] });
    assert.deepEqual(paths.sort(), ['routes.0.limits.maxSubscription', 'routes.0.limits.messageRate.burst']);
  });

  it('reads the control-plane variables, durations and sizes with units', () => {
    const { config } = loadConfig({
      env: {
        PUSHGATE_TRUSTED_PROXIES: '127.0.0.1/32, 10.0.0.0/8',
        PUSHGATE_JWT_SECRETS: SECRET,
        PUSHGATE_JWT_CLOCK_TOLERANCE: '2s',
        PUSHGATE_MAX_CONNECTIONS: '5000',
        PUSHGATE_HANDSHAKE_RATE: '{rate: 10, burst: 20}',
      },
      config: { routes: [{ path: '/ws', type: 'pubsub', auth: 'jwt', limits: { byteRate: { rate: '64KiB', burst: '1MiB' } } }] },
    });
    assert.deepEqual(config.trustedProxies, ['127.0.0.1/32', '10.0.0.0/8']);
    assert.deepEqual(config.auth.secrets, [SECRET]);
    assert.equal(config.auth.clockTolerance, 2000);
    assert.equal(config.limits.maxConnections, 5000);
    assert.deepEqual(config.limits.handshakeRate, { rate: 10, burst: 20 });
    assert.deepEqual(config.routes[0].limits.byteRate, { rate: 65536, burst: 1048576 });
    assert.equal(config.routes[0].limits.maxSubscriptions, 1024);
  });
});
