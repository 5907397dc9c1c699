// The adapter between createUpgradeChecks and the core, at its seams: a slot
// taken by an accepted handshake is given back when the connection never opens
// (the client left while a check ran) and exactly once when it closes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestInfo } from '../../../src/engines/types.js';
import { createControlPlane } from '../../../src/gateway/control-plane.js';
import type { ConnectionContext, RouteRuntime } from '../../../src/gateway/context.js';
import { runCleanup } from '../../../src/gateway/upgrade.js';
import { createMetrics } from '../../../src/metrics/metrics.js';
import { testConfig } from '../../gateway/helpers/config.js';

const request: RequestInfo = { method: 'GET', path: '/ws', query: '', headers: { host: 'gw.test' }, remoteAddress: '127.0.0.1' };

function contextFor(route: RouteRuntime): ConnectionContext {
  return { route, channel: null, clientIp: '127.0.0.1', claims: null, protocols: null, guard: null, closeSent: null, session: null, cleanup: [] };
}

describe('control plane adapter', () => {
  const config = testConfig({ limits: { maxConnections: 1, maxConnectionsPerIp: 0 } });
  const route = { config: config.routes[0], label: config.routes[0].path } as unknown as RouteRuntime;

  it('gives the slot back when an accepted connection never opens', async () => {
    const plane = createControlPlane(config, { metrics: createMetrics({ defaultMetrics: false }), openTimeout: 50 });
    const context = contextFor(route);
    assert.equal(await plane.upgradeChecks[0]({ request, route, context }), undefined);
    assert.equal(plane.openConnections, 1);
    const open = (): number => plane.openConnections;
    const deadline = Date.now() + 5000;
    while (open() !== 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(plane.openConnections, 0);
    // The connection's own cleanup later does not count the slot twice.
    runCleanup(context);
    assert.equal(plane.openConnections, 0);
  });

  it('keeps the slot of an opened connection until it closes', async () => {
    const plane = createControlPlane(config, { metrics: createMetrics({ defaultMetrics: false }), openTimeout: 20 });
    const context = contextFor(route);
    await plane.upgradeChecks[0]({ request, route, context });
    context.guard!.open(() => assert.fail('no token, no expiry close'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(plane.openConnections, 1);
    const refused = await plane.upgradeChecks[0]({ request, route, context: contextFor(route) });
    assert.equal(refused?.result, 'over_capacity');
    runCleanup(context);
    assert.equal(plane.openConnections, 0);
  });
});
