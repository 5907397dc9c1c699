// Graceful drain (SIGTERM, gateway.drain()): stop being ready, refuse new
// handshakes, then close every open connection with 1001 after a random delay
// in [closeDelayMin, closeDelayMax] — a spread, so thousands of clients do not
// reconnect to the remaining pods in the same second — and finish by the drain
// timeout, dropping whatever is still open then.
//
// Nothing queued is lost: a close frame is written on the same socket after the
// messages already queued for it (both engines keep write order), and the
// listen socket stays open until the last connection is gone, so a client that
// still reaches this pod gets a clear 503 `draining` rather than a refused
// connection. The drainer counts connections through the engine hooks
// (track()) and reaches them through the engine's own list
// (Engine.openConnections), so it works the same on every engine and keeps
// nothing per idle connection.
import { ReadyState, type Connection, type EngineHooks } from '../engines/types.js';
import type { Logger } from '../logger.js';
import { ERRORS } from '../protocol/errors.js';
import type { DrainConfig } from './config-types.js';

export interface DrainSummary {
  /** Connections open when the drain started (plus any that completed a handshake after it). */
  connections: number;
  /** Ended before the deadline (closing handshake completed, or the peer left). */
  closed: number;
  /** Still open at the deadline, dropped without a closing handshake. */
  forced: number;
  durationMs: number;
}

export interface DrainerDeps {
  config: DrainConfig;
  logger: Logger;
  /** Readiness off (/readyz 503) and new handshakes refused with 503 `draining`. */
  stopAccepting(): void;
  /** Closes the listen socket (called once no connection is left, or at the deadline). */
  stopListening(): Promise<void>;
  /** The engine's connections, open or closing (Engine.openConnections). */
  connections(): Iterable<Connection<unknown>>;
  /** Uniform in [0, 1); injectable so tests can fix the close order. */
  random?: () => number;
}

const GOING_AWAY = ERRORS.PG_ERR_GOING_AWAY;

export class Drainer<Ctx> {
  /** Connections the hooks reported open and not yet closed. */
  private open = 0;
  private readonly timers = new Map<Connection<Ctx>, NodeJS.Timeout>();
  private readonly random: () => number;
  private started = 0;
  private seen = 0;
  private running: Promise<DrainSummary> | null = null;
  private allClosed: (() => void) | null = null;

  constructor(private readonly deps: DrainerDeps) {
    this.random = deps.random ?? Math.random;
  }

  get draining(): boolean {
    return this.running !== null;
  }

  /** Open connections (as the hooks reported them). */
  get size(): number {
    return this.open;
  }

  /**
   * The same hooks, with open/close noted so the drain knows every connection.
   * `message` and the others are passed through untouched (no extra call per message).
   */
  track(hooks: EngineHooks<Ctx>): EngineHooks<Ctx> {
    return {
      ...hooks,
      open: (conn) => {
        this.open++;
        hooks.open(conn);
        // A handshake whose (async) checks finished after the drain began.
        if (this.running !== null) {
          this.seen++;
          this.schedule(conn, this.remainingWindow());
        }
      },
      close: (conn, code, reason) => {
        this.open--;
        const timer = this.timers.get(conn);
        if (timer !== undefined) clearTimeout(timer);
        this.timers.delete(conn);
        hooks.close(conn, code, reason);
        if (this.open === 0) this.allClosed?.();
      },
    };
  }

  /** Starts the drain (idempotent: later calls get the same promise). */
  drain(): Promise<DrainSummary> {
    this.running ??= this.run();
    return this.running;
  }

  private async run(): Promise<DrainSummary> {
    const { config, logger } = this.deps;
    this.started = Date.now();
    this.seen = this.open;
    this.deps.stopAccepting();
    logger.info(
      { event: 'drain_start', connections: this.open, timeout: config.timeout, closeDelayMin: config.closeDelayMin, closeDelayMax: config.closeDelayMax },
      'drain started: not ready, refusing new connections, closing open ones',
    );

    const everyoneLeft = new Promise<void>((resolve) => {
      this.allClosed = resolve;
      if (this.open === 0) resolve();
    });
    const window = config.closeDelayMax - config.closeDelayMin;
    for (const conn of this.deps.connections() as Iterable<Connection<Ctx>>) {
      if (conn.readyState === ReadyState.Open) this.schedule(conn, config.closeDelayMin + this.random() * window);
    }

    let deadline: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'deadline'>((resolve) => {
      deadline = setTimeout(() => resolve('deadline'), config.timeout);
    });
    const outcome = await Promise.race([everyoneLeft.then(() => 'done' as const), timedOut]);
    clearTimeout(deadline);

    let forced = 0;
    if (outcome === 'deadline') {
      forced = this.open;
      for (const timer of this.timers.values()) clearTimeout(timer);
      this.timers.clear();
      for (const conn of [...this.deps.connections()]) conn.terminate();
    }
    await this.deps.stopListening();
    const summary: DrainSummary = {
      connections: this.seen,
      closed: this.seen - forced,
      forced,
      durationMs: Date.now() - this.started,
    };
    (forced > 0 ? logger.warn.bind(logger) : logger.info.bind(logger))(
      { event: 'drain_end', ...summary },
      forced > 0 ? `drain deadline: ${forced} connection(s) dropped without a closing handshake` : 'drain finished',
    );
    return summary;
  }

  /** What is left of the close window for a connection that opened mid-drain. */
  private remainingWindow(): number {
    const left = this.deps.config.closeDelayMax - (Date.now() - this.started);
    return left > 0 ? this.random() * left : 0;
  }

  private schedule(conn: Connection<Ctx>, delay: number): void {
    this.timers.set(
      conn,
      setTimeout(() => {
        this.timers.delete(conn);
        goAway(conn);
      }, delay),
    );
  }
}

/** Close 1001 with the table's reason (the engine records it as a close the server sent). */
function goAway(conn: Connection<unknown>): void {
  if (conn.readyState !== ReadyState.Open) return;
  conn.close(GOING_AWAY.closeCode, GOING_AWAY.message);
}
