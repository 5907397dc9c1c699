import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileRoutes, RouteConfigError, selectSubprotocol } from '../../src/gateway/routes.js';
import { route } from './helpers/config.js';

describe('route table', () => {
  const table = compileRoutes([
    route('/ws', 'pubsub', { maxMessageSize: 1234, compression: true, pingInterval: 5, pongTimeout: 6, slowConsumer: 'drop', maxBufferedAmount: 99 }),
    route('/stream/:channel', 'stream'),
    route('/s/:channel/raw', 'stream'),
    route('/echo', 'echo'),
  ]);

  it('matches literal paths exactly', () => {
    assert.equal(table.match('/ws')?.route.label, '/ws');
    assert.equal(table.match('/ws')?.channel, null);
    assert.equal(table.match('/echo')?.route.config.type, 'echo');
    assert.equal(table.match('/ws/'), null);
    assert.equal(table.match('/WS'), null);
    assert.equal(table.match('/'), null);
    assert.equal(table.match('/nope'), null);
  });

  it('captures and percent-decodes the :channel segment', () => {
    assert.deepEqual({ ...table.match('/stream/news:eu') }, { route: table.routes[1], channel: 'news:eu' });
    assert.equal(table.match('/stream/a%2Fb')?.channel, 'a/b');
    assert.equal(table.match('/s/x/raw')?.channel, 'x');
    assert.equal(table.match('/s/x/raw')?.route.label, '/s/:channel/raw');
  });

  it('does not match an empty or multi-segment channel', () => {
    assert.equal(table.match('/stream/'), null);
    assert.equal(table.match('/stream/a/b'), null);
    assert.equal(table.match('/s//raw'), null);
  });

  it('marks invalid percent-encoding as undefined (a 400, not a crash)', () => {
    const match = table.match('/stream/%E0%A4%A');
    assert.ok(match);
    assert.equal(match.channel, undefined);
  });

  it('derives connection options from the route once', () => {
    const ws = table.match('/ws')!.route;
    assert.deepEqual(ws.connectionOptions, { maxMessageSize: 1234, compression: true, maxBufferedAmount: 99, slowConsumer: 'drop', pingInterval: 5, pongTimeout: 6 });
    assert.equal(table.match('/ws')!.route.connectionOptions, ws.connectionOptions);
  });

  it('rejects bad patterns at compile time with the route index', () => {
    assert.throws(() => compileRoutes([route('ws', 'pubsub')]), /routes\[0\]\.path: must start with/);
    assert.throws(() => compileRoutes([route('/a/:channel/:channel', 'stream')]), RouteConfigError);
    assert.throws(() => compileRoutes([route('/a/:id', 'stream')]), /only one ":channel"/);
    assert.throws(() => compileRoutes([route('/ws', 'pubsub'), route('/ws', 'echo')]), /routes\[1\]\.path: duplicate/);
    assert.throws(() => compileRoutes([route('/s', 'stream')]), /stream route needs/);
    assert.throws(() => compileRoutes([route('/p/:channel', 'pubsub')]), /only meaningful on stream/);
  });
});

describe('subprotocol selection', () => {
  const [r] = compileRoutes([route('/p', 'pubsub', { subprotocols: ['v2', 'v1'] })]).routes;
  const [none] = compileRoutes([route('/n', 'pubsub')]).routes;

  it("picks the route's most preferred protocol the client offered", () => {
    assert.equal(selectSubprotocol(r, 'v1, v2'), 'v2');
    assert.equal(selectSubprotocol(r, 'v1'), 'v1');
    assert.equal(selectSubprotocol(r, 'x,  v1 ,y'), 'v1');
  });

  it('selects none when nothing matches, nothing is offered, or the route lists none', () => {
    assert.equal(selectSubprotocol(r, 'v3'), undefined);
    assert.equal(selectSubprotocol(r, undefined), undefined);
    assert.equal(selectSubprotocol(none, 'v1'), undefined);
  });
});
