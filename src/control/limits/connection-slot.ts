// One connection's share of the control plane, from the handshake that took its
// connection slots to its close: the slots themselves (given back once), its
// message/byte rate, its subscription count and its token expiry. Everything a
// route's connections have in common sits in one RouteSlots record, so an idle
// connection on a route with default limits costs one small object: no lease,
// closure, bound function, array or heap number of its own. On a route where
// a connection has nothing of its own to track (no rate, no subscription limit,
// no token expiry) it costs nothing: after the handshake its slots belong to
// the route's SharedSlot, which gives them back by the connection's address.
import { createError, type PushgateError } from '../../protocol/errors.js';
import { scheduleTokenExpiry, type ExpiryTimers } from '../auth/expiry.js';
import type { AcquireRefusal, ConnectionLimiter } from './connection-limiter.js';
import type { ConnectionRates, RateState } from './per-connection.js';
import type { PendingOpens } from './pending-opens.js';

/** The `limit` label of pushgate_limit_hits_total. */
export type LimitName = 'message_rate' | 'byte_rate' | 'subscriptions';
export type LimitHitCounters = Readonly<Record<LimitName, { inc(): void }>>;

/** Table errors a slot closes its connection with. */
export type SlotCloseError = 'PG_ERR_TOKEN_EXPIRED' | 'PG_ERR_MESSAGE_RATE';

function validateMaxSubscriptions(max: number): void {
  if (!Number.isInteger(max) || max < 0) throw new Error('maxSubscriptions must be an integer >= 0');
}

/** Where a shared slot finds the address the slots were taken for (the connection context). */
export interface SlotHolder {
  readonly clientIp: string;
}

/**
 * The slots of every connection on a route with nothing per connection to
 * track, after their handshakes: one object for all of them. release(holder)
 * must run once per connection (the context's cleanup list guarantees it).
 */
export class SharedSlot {
  constructor(private readonly route: RouteSlots) {}

  release(holder: SlotHolder): void {
    this.route.giveBack(holder.clientIp);
  }
}

/** What every connection of one route shares (built once per route). */
export class RouteSlots {
  private counters: LimitHitCounters | null = null;
  /** Non-null when a connection of this route needs no slot of its own (see ConnectionSlot.share). */
  readonly shared: SharedSlot | null;

  constructor(
    /** The process-wide limiter; every route holds a slot in it too. */
    readonly global: ConnectionLimiter,
    readonly local: ConnectionLimiter,
    /** null: the route sets no message or byte rate. */
    readonly rates: ConnectionRates | null,
    /** 0: unlimited. */
    readonly maxSubscriptions: number,
    /** The route's limit-hit counters, taken when its first connection is admitted. */
    private readonly hitCounters: () => LimitHitCounters,
    /** Gives back the slots of accepted handshakes that never open; null: the caller releases them. */
    readonly pending: PendingOpens<ConnectionSlot> | null,
    /** Token expiry timers (tests inject them); undefined: the system's. */
    readonly timers: ExpiryTimers | undefined,
    /** Whether the route's connections subscribe to channels (echo routes do not). */
    subscribes = true,
  ) {
    validateMaxSubscriptions(maxSubscriptions);
    this.shared = rates === null && (maxSubscriptions === 0 || !subscribes) ? new SharedSlot(this) : null;
  }

  get hits(): LimitHitCounters {
    return (this.counters ??= this.hitCounters());
  }

  /** A handshake holding `slot` passed every check: its connection should open next. */
  admitted(slot: ConnectionSlot): void {
    // The counters' series appear once the route has had a connection, not only at its first limit hit.
    this.counters ??= this.hitCounters();
    this.pending?.add(slot);
  }

  /** Takes a slot in the process-wide limiter and in the route's, or names the limit that refused it. */
  acquire(ip: string): ConnectionSlot | AcquireRefusal {
    const global = this.global.tryAcquire(ip);
    if (global !== null) return global;
    const local = this.local.tryAcquire(ip);
    if (local !== null) {
      this.global.release(ip);
      return local;
    }
    return new ConnectionSlot(this, ip);
  }

  /** Gives back the slots acquire(ip) took, in the route's limiter and the process-wide one. */
  giveBack(ip: string): void {
    this.local.release(ip);
    this.global.release(ip);
  }
}

// `state` packs two flags and the subscription count into one small integer.
const RELEASED = 1;
const TRIPPED = 2;
const ONE_SUBSCRIPTION = 4;

export class ConnectionSlot {
  /** RELEASED | TRIPPED | subscriptions × ONE_SUBSCRIPTION. */
  private state = 0;
  /** Balances of the route's rates; null when the route sets none. */
  private readonly rate: RateState | null;
  /** The token's expiry (ms since the epoch) until open(), then the cancel of its timer; null: it never expires. */
  private expiry: number | (() => void) | null = null;

  constructor(
    readonly route: RouteSlots,
    /** The client address the slots were taken for. */
    readonly ip: string,
  ) {
    this.rate = route.rates === null ? null : route.rates.start();
  }

  /** The handshake passed: wait for the connection to open, and close it at `expiresAt` once it has. */
  admit(expiresAt: number | null): void {
    this.expiry = expiresAt;
    this.route.admitted(this);
  }

  /**
   * After admit(): when the connection has nothing of its own to track (its
   * route sets no rate and no subscription limit that applies, and its token
   * does not expire), hands its slots to the route's SharedSlot and returns
   * it; this slot is then spent (release() does nothing). Otherwise null, and
   * this slot stays the connection's.
   */
  share(): SharedSlot | null {
    const shared = this.route.shared;
    if (shared === null || this.expiry !== null || (this.state & RELEASED) !== 0) return null;
    this.state |= RELEASED;
    this.route.pending?.delete(this);
    return shared;
  }

  /** The connection opened; `close` ends it with a table error (token expiry). */
  open(close: (name: SlotCloseError) => void): void {
    this.route.pending?.delete(this);
    if (typeof this.expiry !== 'number' || (this.state & RELEASED) !== 0) return;
    this.expiry = scheduleTokenExpiry(this.expiry, () => close('PG_ERR_TOKEN_EXPIRED'), this.route.timers);
  }

  /** One received message of `bytes` payload bytes: the error to close with (a rate went over), or null. */
  message(bytes: number): SlotCloseError | null {
    if ((this.state & TRIPPED) !== 0) return 'PG_ERR_MESSAGE_RATE';
    if (this.rate === null) return null;
    const over = this.route.rates!.exceeded(this.rate, bytes);
    if (over === null) return null;
    this.route.hits[over].inc();
    // Stays tripped: later messages of the same read are refused too.
    this.state |= TRIPPED;
    return 'PG_ERR_MESSAGE_RATE';
  }

  /** Reserves one subscription: the error to reply with (the route's limit is reached), or null. */
  reserveSubscription(): PushgateError | null {
    const max = this.route.maxSubscriptions;
    if (max > 0 && this.subscriptions >= max) {
      this.route.hits.subscriptions.inc();
      return createError('PG_ERR_TOO_MANY_SUBSCRIPTIONS', `at most ${max}`);
    }
    this.state += ONE_SUBSCRIPTION;
    return null;
  }

  /** Returns a reservation; never below zero, so a double unsubscribe cannot free extra room. */
  releaseSubscription(): void {
    if (this.subscriptions > 0) this.state -= ONE_SUBSCRIPTION;
  }

  /** Subscriptions reserved now. */
  get subscriptions(): number {
    return this.state >>> 2;
  }

  get released(): boolean {
    return (this.state & RELEASED) !== 0;
  }

  /** Never opened in time (the client left during a check, or the engine refused): give the slots back. */
  abandon(): void {
    this.release();
  }

  /** The connection ended, or the handshake was refused after the slots were taken. Idempotent. */
  release(): void {
    if ((this.state & RELEASED) !== 0) return;
    this.state |= RELEASED;
    const route = this.route;
    route.pending?.delete(this);
    if (typeof this.expiry === 'function') this.expiry();
    this.expiry = null;
    route.giveBack(this.ip);
  }
}
