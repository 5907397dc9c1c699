// The drainer alone, on fake connections and mocked timers: which connection
// gets its 1001 when, what happens at the deadline, and the order of the steps
// (not ready first, listen socket last). Real sockets: drain-gateway.test.ts.
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { Drainer } from '../../src/control/drain.js';
import { ReadyState, type Connection, type EngineHooks } from '../../src/engines/types.js';
import { createLogger } from '../../src/logger.js';

interface Ctx {
  name: string;
}

class FakeConn {
  readyState: ReadyState = ReadyState.Open;
  readonly context: Ctx;
  closedAt: number | null = null;
  closedWith: [number | undefined, string | undefined] | null = null;
  terminated = false;
  /** Set by the test: what the engine does once the close frame is out (peer answers → close hook). */
  onClose: (() => void) | null = null;
  constructor(name: string, private readonly hooks: () => EngineHooks<Ctx>) {
    this.context = { name };
  }
  close(code?: number, reason?: string): void {
    if (this.readyState !== ReadyState.Open) return;
    this.readyState = ReadyState.Closing;
    this.closedAt = Date.now();
    this.closedWith = [code, reason];
    this.onClose?.();
  }
  terminate(): void {
    if (this.readyState === ReadyState.Closed) return;
    this.terminated = true;
    this.readyState = ReadyState.Closed;
    this.hooks().close(this as unknown as Connection<Ctx>, 1006, '');
  }
}

function setup(options: { min: number; max: number; timeout: number; randoms?: number[] }) {
  const steps: string[] = [];
  const lines: any[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const randoms = [...(options.randoms ?? [])];
  // The fake engine's own list: a connection is in it from open until its close hook.
  const live = new Set<FakeConn>();
  const base: EngineHooks<Ctx> = {
    upgrade: () => ({ accept: false, status: 500, code: 'x', message: 'x' }),
    open: () => steps.push('open'),
    message: () => {},
    drain: () => {},
    close: (conn) => {
      live.delete(conn as unknown as FakeConn);
      steps.push(`close ${conn.context.name}`);
    },
    http: () => ({ status: 404 }),
  };
  const drainer = new Drainer<Ctx>({
    config: { timeout: options.timeout, closeDelayMin: options.min, closeDelayMax: options.max },
    logger: createLogger('info', sink),
    stopAccepting: () => steps.push('stopAccepting'),
    stopListening: async () => {
      steps.push('stopListening');
    },
    random: () => randoms.shift() ?? 0,
    connections: () => live as unknown as Iterable<Connection<Ctx>>,
  });
  const hooks = drainer.track(base);
  const conns: FakeConn[] = [];
  const connect = (name: string, answers = true) => {
    const conn = new FakeConn(name, () => hooks);
    // A peer that answers: the engine reports the close right after the frame.
    if (answers) conn.onClose = () => queueMicrotask(() => hooks.close(conn as unknown as Connection<Ctx>, 1001, ''));
    conns.push(conn);
    live.add(conn);
    hooks.open(conn as unknown as Connection<Ctx>);
    return conn;
  };
  return { drainer, hooks, steps, lines, connect, conns };
}

/** Lets promise callbacks run between timer ticks. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('Drainer', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 }));
  afterEach(() => mock.timers.reset());

  test('closes each connection with 1001 at min + random × (max − min), in that order, then stops listening', async () => {
    const { drainer, steps, connect, lines } = setup({ min: 1000, max: 3000, timeout: 10_000, randoms: [0.5, 0.05, 0.9] });
    const a = connect('a');
    const b = connect('b');
    const c = connect('c');
    const done = drainer.drain();
    assert.equal(steps.at(-1), 'stopAccepting', 'readiness goes first, before any close');
    assert.equal(drainer.draining, true);

    mock.timers.tick(1099);
    assert.deepEqual([a.closedAt, b.closedAt, c.closedAt], [null, null, null]);
    mock.timers.tick(1);
    assert.equal(b.closedAt, 1100);
    mock.timers.tick(900);
    assert.equal(a.closedAt, 2000);
    assert.equal(c.closedAt, null);
    await settle();
    assert.ok(!steps.includes('stopListening'), 'still listening while a connection is open');
    mock.timers.tick(800);
    assert.equal(c.closedAt, 2800);
    await settle();

    const summary = await done;
    assert.deepEqual(summary, { connections: 3, closed: 3, forced: 0, durationMs: 2800 });
    for (const conn of [a, b, c]) {
      assert.deepEqual(conn.closedWith, [1001, 'server shutting down']);
    }
    assert.deepEqual(steps.slice(-4), ['close b', 'close a', 'close c', 'stopListening']);
    const start = lines.find((l) => l.event === 'drain_start');
    assert.equal(start.connections, 3);
    assert.equal(start.closeDelayMax, 3000);
    const end = lines.find((l) => l.event === 'drain_end');
    assert.deepEqual([end.connections, end.closed, end.forced, end.level], [3, 3, 0, 30]);
  });

  test('at the deadline, connections whose peer never answered are terminated; the drain still resolves', async () => {
    const { drainer, steps, connect, lines } = setup({ min: 0, max: 100, timeout: 5000, randoms: [0, 1] });
    const polite = connect('polite');
    const silent = connect('silent', false);
    const done = drainer.drain();
    mock.timers.tick(1);
    assert.notEqual(polite.closedAt, null, 'random 0: closed at the start of the window');
    assert.equal(silent.closedAt, null);
    mock.timers.tick(99);
    await settle();
    assert.equal(silent.closedAt, 100, 'the silent peer got its close frame too, at the end of the window');
    assert.equal(drainer.size, 1);
    mock.timers.tick(4899);
    await settle();
    assert.equal(silent.terminated, false);
    mock.timers.tick(1);
    await settle();
    const summary = await done;
    assert.equal(silent.terminated, true);
    assert.equal(polite.terminated, false);
    assert.deepEqual([summary.connections, summary.closed, summary.forced], [2, 1, 1]);
    assert.equal(steps.at(-1), 'stopListening');
    const end = lines.find((l) => l.event === 'drain_end');
    assert.equal(end.level, 40, 'a forced drain is a warning');
    assert.match(end.msg, /1 connection\(s\) dropped/);
  });

  test('with no connection the drain ends at once; calling it again returns the same drain', async () => {
    const { drainer, steps } = setup({ min: 0, max: 1000, timeout: 5000 });
    const first = drainer.drain();
    assert.equal(drainer.drain(), first);
    await settle();
    const summary = await first;
    assert.deepEqual(summary, { connections: 0, closed: 0, forced: 0, durationMs: 0 });
    assert.deepEqual(steps, ['stopAccepting', 'stopListening']);
  });

  test('a connection that opens mid-drain (a slow async handshake check) is closed within what is left of the window', async () => {
    const { drainer, connect } = setup({ min: 0, max: 1000, timeout: 5000, randoms: [1, 0.5] });
    const early = connect('early');
    const done = drainer.drain();
    mock.timers.tick(600);
    const late = connect('late');
    // Window left: 1000 − 600 = 400 ms; random 0.5 → 200 ms from now.
    mock.timers.tick(199);
    assert.equal(late.closedAt, null);
    mock.timers.tick(1);
    assert.equal(late.closedAt, 800);
    mock.timers.tick(200);
    assert.equal(early.closedAt, 1000);
    await settle();
    const summary = await done;
    assert.deepEqual([summary.connections, summary.closed, summary.forced], [2, 2, 0]);
  });

  test('a connection that ends on its own before its turn is not closed again, and its timer is dropped', async () => {
    const { drainer, hooks, connect } = setup({ min: 500, max: 500, timeout: 5000 });
    const leaver = connect('leaver');
    const stayer = connect('stayer');
    const done = drainer.drain();
    mock.timers.tick(100);
    leaver.readyState = ReadyState.Closed;
    hooks.close(leaver as unknown as Connection<Ctx>, 1000, 'bye');
    mock.timers.tick(400);
    await settle();
    await done;
    assert.equal(leaver.closedWith, null, 'a connection that left is not closed again');
    assert.deepEqual(stayer.closedWith, [1001, 'server shutting down']);
  });
});
