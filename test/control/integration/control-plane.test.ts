// The adapter between createUpgradeChecks and the core, at its seams: a slot
// taken by an accepted handshake is given back when the connection never opens
// (the client left while a check ran), when a later check refuses the
// handshake, and exactly once when it closes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestInfo, UpgradeDecision } from '../../../src/engines/types.js';
import { createMemoryBroker } from '../../../src/gateway/broker/memory.js';
import { createControlPlane } from '../../../src/gateway/control-plane.js';
import { ConnectionContext, runCleanup, type RouteRuntime, type UpgradeCheck } from '../../../src/gateway/context.js';
import { createGatewayCore } from '../../../src/gateway/core.js';
import { createLogger } from '../../../src/logger.js';
import { createMetrics } from '../../../src/metrics/metrics.js';
import { createError } from '../../../src/protocol/errors.js';
import { route as routeConfig, testConfig } from '../../gateway/helpers/config.js';
import { fakeEngine, FakeConnection, metricValue } from '../../gateway/helpers/fakes.js';

const request: RequestInfo = { method: 'GET', path: '/ws', query: '', headers: { host: 'gw.test' }, remoteAddress: '127.0.0.1' };

function contextFor(route: RouteRuntime): ConnectionContext {
  return new ConnectionContext(route, null, '127.0.0.1');
}

/** A core whose upgrade checks are the control plane's, then `later` (which may refuse). */
function gatewayWith(plane: ReturnType<typeof createControlPlane>, later: UpgradeCheck[] = [], config = testConfig()) {
  const metrics = createMetrics({ defaultMetrics: false });
  const core = createGatewayCore(config, {
    broker: createMemoryBroker({ sweepInterval: 0 }),
    metrics,
    logger: createLogger('silent'),
    upgradeChecks: [...plane.upgradeChecks, ...later],
    channelChecks: plane.channelChecks,
  });
  core.attach(fakeEngine());
  return { hooks: core.hooks(() => ({ status: 404 })), metrics };
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('control plane adapter', () => {
  const config = testConfig({ limits: { maxConnections: 1, maxConnectionsPerIp: 0 } });
  const route = { config: config.routes[0], label: config.routes[0].path } as unknown as RouteRuntime;

  it('answers a route without auth synchronously and fills the context', () => {
    const plane = createControlPlane(config, { metrics: createMetrics({ defaultMetrics: false }) });
    const context = contextFor(route);
    const outcome = plane.upgradeChecks[0]({ request, route, context, protocols: null });
    assert.equal(outcome, undefined, 'accepted, and not a Promise');
    assert.equal(context.clientIp, '127.0.0.1');
    assert.ok(context.guard);
    assert.equal(context.cleanup, context.guard, 'the guard is the one cleanup entry');
    assert.equal(plane.openConnections, 1);
    runCleanup(context);
    runCleanup(context);
    assert.equal(plane.openConnections, 0);
  });

  it('gives the slot back when an accepted connection never opens', async () => {
    const plane = createControlPlane(config, { metrics: createMetrics({ defaultMetrics: false }), openTimeout: 50 });
    const context = contextFor(route);
    assert.equal(await plane.upgradeChecks[0]({ request, route, context, protocols: null }), undefined);
    assert.equal(plane.openConnections, 1);
    await waitFor(() => plane.openConnections === 0);
    assert.equal(plane.openConnections, 0);
    // The connection's own cleanup later does not count the slot twice.
    runCleanup(context);
    assert.equal(plane.openConnections, 0);
  });

  it('keeps the slot of an opened connection until it closes', async () => {
    const plane = createControlPlane(config, { metrics: createMetrics({ defaultMetrics: false }), openTimeout: 20 });
    const context = contextFor(route);
    await plane.upgradeChecks[0]({ request, route, context, protocols: null });
    context.guard!.open(() => assert.fail('no token, no expiry close'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(plane.openConnections, 1);
    const refused = await plane.upgradeChecks[0]({ request, route, context: contextFor(route), protocols: null });
    assert.equal(refused?.result, 'over_capacity');
    runCleanup(context);
    assert.equal(plane.openConnections, 0);
  });
});

describe('control plane in the core: slots of refused and abandoned handshakes', () => {
  const config = testConfig({ limits: { maxConnections: 2, maxConnectionsPerIp: 0 } });

  it('a handshake a later check refuses after the slot was taken gives it back exactly once', async () => {
    const plane = createControlPlane(config, { metrics: createMetrics({ defaultMetrics: false }) });
    let refusedContext: ConnectionContext | null = null;
    const later: UpgradeCheck = ({ request: req, context }) => {
      if (req.headers['x-refuse'] === undefined) return;
      refusedContext = context;
      return { error: createError('PG_ERR_ROUTE_FORBIDDEN', 'refused by a later check'), result: 'forbidden' };
    };
    const { hooks, metrics } = gatewayWith(plane, [later]);
    const held = hooks.upgrade(request) as UpgradeDecision<ConnectionContext>;
    assert.ok(!(held instanceof Promise) && held.accept, 'both checks synchronous: a plain decision');
    const conn = new FakeConnection(held.context);
    hooks.open(conn);

    const refused = hooks.upgrade({ ...request, headers: { ...request.headers, 'x-refuse': '1' } }) as UpgradeDecision<ConnectionContext>;
    assert.ok(!(refused instanceof Promise) && !refused.accept);
    assert.equal(refused.status, 403);
    assert.equal(await metricValue(metrics, 'pushgate_handshakes_total', { route: '/ws', result: 'forbidden' }), 1);
    assert.equal(plane.openConnections, 1, 'the refused handshake holds no slot; the open one keeps its own');
    runCleanup(refusedContext!);
    assert.equal(plane.openConnections, 1, 'releasing the refused one again frees nothing more');

    hooks.close(conn, 1000, '');
    assert.equal(plane.openConnections, 0);
    runCleanup(conn.context);
    assert.equal(plane.openConnections, 0);
  });

  it('an accepted handshake whose connection never opens gives its slot back once; its neighbour keeps its own', async () => {
    const plane = createControlPlane(config, { metrics: createMetrics({ defaultMetrics: false }), openTimeout: 50 });
    const { hooks } = gatewayWith(plane);
    const abandoned = hooks.upgrade(request) as UpgradeDecision<ConnectionContext>;
    const opened = hooks.upgrade(request) as UpgradeDecision<ConnectionContext>;
    assert.ok(abandoned.accept && opened.accept);
    const conn = new FakeConnection(opened.context);
    hooks.open(conn);
    assert.equal(plane.openConnections, 2);
    await waitFor(() => plane.openConnections < 2);
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(plane.openConnections, 1, 'only the never-opened one was given back');
    runCleanup(abandoned.context);
    assert.equal(plane.openConnections, 1);
    hooks.close(conn, 1000, '');
    assert.equal(plane.openConnections, 0);
  });
});

describe('control plane in the core: a route with nothing to enforce per connection', () => {
  const config = testConfig({ routes: [routeConfig('/echo', 'echo')], limits: { maxConnections: 3, maxConnectionsPerIp: 1 } });
  const echo: RequestInfo = { ...request, path: '/echo' };
  const accepted = (decision: ReturnType<ReturnType<typeof gatewayWith>['hooks']['upgrade']>) => {
    assert.ok(!(decision instanceof Promise) && decision.accept, 'a synchronous acceptance');
    return decision;
  };

  it('carries no guard; the slot goes back by address when it closes, and at once when the engine abandons the handshake', () => {
    // A long open timeout: only the engine's abandon report can give the abandoned slot back within this test.
    const plane = createControlPlane(config, { metrics: createMetrics({ defaultMetrics: false }), openTimeout: 600_000 });
    const { hooks } = gatewayWith(plane, [], config);
    const first = accepted(hooks.upgrade(echo));
    assert.equal(first.context.guard, null, 'no per-connection limits to enforce');
    const refused = hooks.upgrade(echo) as UpgradeDecision<ConnectionContext>;
    assert.ok(!refused.accept && refused.status === 429, 'one connection per address');
    const other = accepted(hooks.upgrade({ ...echo, remoteAddress: '127.0.0.2' }));
    assert.equal(plane.openConnections, 2);

    hooks.abandon!(other.context);
    assert.equal(plane.openConnections, 1, 'the abandoned handshake gave its slot back');
    runCleanup(other.context);
    assert.equal(plane.openConnections, 1, 'and only once');
    accepted(hooks.upgrade({ ...echo, remoteAddress: '127.0.0.2' }));

    const conn = new FakeConnection(first.context);
    hooks.open(conn);
    hooks.close(conn, 1000, '');
    assert.equal(plane.openConnections, 1);
    accepted(hooks.upgrade(echo));
    assert.equal(plane.openConnections, 2, "the closed connection's address could connect again");
  });
});
