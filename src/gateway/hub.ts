// The hub: which connections of this node are subscribed to which channel, and
// the fan-out of each publication to them. A publication is encoded and framed
// once per encoding (pubsub envelope, stream raw) however many subscribers it
// has; the same prepared frame is then handed to every subscriber.
//
// Resume without loss or duplicates: a new subscription is registered as
// *pending* before history (or the current position) is read. Live
// publications arriving meanwhile are kept in its buffer (already framed). When
// the read completes, the reply, the replayed history and the buffered
// publications newer than the last replayed offset are written in that order,
// synchronously, and only then does the subscription join the live set.
import { performance } from 'node:perf_hooks';
import type { Connection, EngineTopics, PreparedMessage } from '../engines/types.js';
import { createError } from '../protocol/errors.js';
import type { Broker, HistoryRead, Publication, PublicationListener, StreamPosition } from './broker/broker.js';
import { encodeEnvelope, streamFrame } from './client-protocol.js';
import type { RouteMetrics, NamespaceMetrics } from './metric-children.js';

type Conn = Connection<unknown>;

/** How subscribers of one route receive publications, and where their sends are counted. */
export interface DeliveryRoute {
  readonly encoding: 'envelope' | 'raw';
  readonly metrics: RouteMetrics;
}

export interface HubNamespace {
  readonly metrics: NamespaceMetrics;
}

export interface HubOptions {
  broker: Broker;
  /** Frames a message once for many connections (the attached engine's prepare). */
  prepare(data: string | Uint8Array, isBinary: boolean): PreparedMessage;
  /**
   * The attached engine's native topics, if it has them (uws): live subscribers
   * then also join a topic per (route, channel) and fan-out is one engine publish.
   */
  topics?(): EngineTopics | undefined;
  namespaceOf(channel: string): HubNamespace;
  /** Broker failures after the reply was already decided (unsubscribe); logged, never thrown. */
  onBackgroundError(error: unknown, channel: string): void;
}

interface Buffered {
  publication: Publication;
  prepared: PreparedMessage;
}

interface Pending {
  route: DeliveryRoute;
  buffer: Buffered[];
}

interface ChannelEntry {
  readonly name: string;
  readonly namespace: HubNamespace;
  /** Live subscribers grouped by route: one encoding and one set of counters per group. */
  readonly groups: Map<DeliveryRoute, Set<Conn>>;
  readonly pending: Map<Conn, Pending>;
  /** Live + pending subscriptions. */
  size: number;
  /** Settles when the broker delivers this channel to `listener`. */
  ready: Promise<void>;
  readonly listener: PublicationListener;
}

/** The outcome handed to `reply` just before replay: what the client is told. */
export interface SubscribeOutcome {
  position: StreamPosition;
  /** Only for a subscribe with `since`: whether everything after it was replayed. */
  recovered?: boolean;
}

export class Hub {
  private readonly channels = new Map<string, ChannelEntry>();
  private readonly byConnection = new Map<Conn, Map<string, ChannelEntry>>();
  private subscriptionCount = 0;
  /** Native topic prefixes: subscribers of one channel on different routes get different bytes. */
  private readonly routeTopics = new Map<DeliveryRoute, string>();

  constructor(private readonly options: HubOptions) {}

  get channelCount(): number {
    return this.channels.size;
  }

  get subscriptions(): number {
    return this.subscriptionCount;
  }

  /** Active channels on this node with their subscription counts (live and pending). */
  channelList(): { channel: string; subscribers: number }[] {
    return [...this.channels.values()].map((e) => ({ channel: e.name, subscribers: e.size }));
  }

  isSubscribed(conn: Conn, channel: string): boolean {
    return this.byConnection.get(conn)?.has(channel) ?? false;
  }

  /**
   * Subscribes `conn`. `reply` runs synchronously right before the replay (it
   * writes the client's reply, if any). Resolves false when the subscription was
   * cancelled (unsubscribe or close) before it became live; rejects with a table
   * error (already subscribed, broker failure) without leaving state behind.
   */
  async subscribe(
    conn: Conn,
    route: DeliveryRoute,
    channel: string,
    since: StreamPosition | undefined,
    reply: (outcome: SubscribeOutcome) => void,
  ): Promise<boolean> {
    let mine = this.byConnection.get(conn);
    if (mine?.has(channel)) throw createError('PG_ERR_ALREADY_SUBSCRIBED', channel);
    if (!mine) this.byConnection.set(conn, (mine = new Map()));
    const entry = this.entryFor(channel);
    const pending: Pending = { route, buffer: [] };
    entry.pending.set(conn, pending);
    entry.size++;
    mine.set(channel, entry);
    this.subscriptionCount++;
    entry.namespace.metrics.subscriptions.inc();

    let read: HistoryRead;
    try {
      await entry.ready;
      if (entry.pending.get(conn) !== pending) return false;
      read = since
        ? await this.options.broker.history(channel, since)
        : { recovered: false, position: await this.options.broker.position(channel) };
    } catch (error) {
      if (entry.pending.get(conn) === pending) this.remove(conn, entry);
      throw createError('PG_ERR_BROKER_FAILED', error instanceof Error ? error.message : String(error));
    }
    if (entry.pending.get(conn) !== pending) return false;

    // From here to the end: synchronous, so no publication can interleave.
    entry.pending.delete(conn);
    reply(since ? { position: read.position, recovered: read.recovered } : { position: read.position });
    const last = read.position;
    if (read.recovered) for (const publication of read.publications) this.sendOne(conn, route, publication);
    let delivered = 0;
    for (const { publication, prepared } of pending.buffer) {
      if (publication.epoch === last.epoch && publication.offset <= last.offset) continue;
      if (this.sendPrepared(conn, route, prepared)) delivered++;
    }
    if (delivered > 0) entry.namespace.metrics.deliveries.inc(delivered);
    let group = entry.groups.get(route);
    if (!group) entry.groups.set(route, (group = new Set()));
    group.add(conn);
    // Only now, after the replay was written: a topic publication cannot overtake it.
    this.options.topics?.()?.subscribe(conn, this.topicOf(route, channel));
    return true;
  }

  /** Throws PG_ERR_NOT_SUBSCRIBED when `conn` has no subscription (live or pending) to `channel`. */
  unsubscribe(conn: Conn, channel: string): void {
    const entry = this.byConnection.get(conn)?.get(channel);
    if (!entry) throw createError('PG_ERR_NOT_SUBSCRIBED', channel);
    this.remove(conn, entry);
  }

  /** Drops every subscription of a closed connection. */
  removeConnection(conn: Conn): void {
    const mine = this.byConnection.get(conn);
    if (!mine) return;
    for (const entry of [...mine.values()]) this.remove(conn, entry);
    this.byConnection.delete(conn);
  }

  private remove(conn: Conn, entry: ChannelEntry): void {
    const mine = this.byConnection.get(conn);
    if (!mine?.delete(entry.name)) return;
    if (mine.size === 0) this.byConnection.delete(conn);
    if (!entry.pending.delete(conn)) {
      for (const [route, group] of entry.groups) {
        if (group.delete(conn)) {
          const last = group.size === 0;
          this.options.topics?.()?.unsubscribe(conn, this.topicOf(route, entry.name), last);
          if (last) entry.groups.delete(route);
          break;
        }
      }
    }
    entry.size--;
    this.subscriptionCount--;
    entry.namespace.metrics.subscriptions.dec();
    if (entry.size === 0) {
      this.channels.delete(entry.name);
      this.options.broker.unsubscribe(entry.name, entry.listener).catch((e) => this.options.onBackgroundError(e, entry.name));
    }
  }

  private entryFor(channel: string): ChannelEntry {
    const existing = this.channels.get(channel);
    if (existing) return existing;
    const entry: ChannelEntry = {
      name: channel,
      namespace: this.options.namespaceOf(channel),
      groups: new Map(),
      pending: new Map(),
      size: 0,
      ready: Promise.resolve(),
      listener: (publication) => this.deliver(entry, publication),
    };
    entry.ready = this.options.broker.subscribe(channel, entry.listener);
    // A failed broker subscribe is reported to the subscriber that awaits it.
    entry.ready.catch(() => {});
    this.channels.set(channel, entry);
    return entry;
  }

  /** The fan-out: one encoding and one framing per encoding in use, then one write per subscriber. */
  private deliver(entry: ChannelEntry, publication: Publication): void {
    const start = performance.now();
    let envelope: PreparedMessage | undefined;
    let raw: PreparedMessage | undefined;
    let delivered = 0;
    const topics = this.options.topics?.();
    for (const [route, group] of entry.groups) {
      let prepared: PreparedMessage;
      if (route.encoding === 'raw') prepared = raw ??= this.prepareRaw(publication);
      else prepared = envelope ??= this.prepareEnvelope(publication);
      const size = group.size;
      let sent = 0;
      if (topics) sent = topics.publish(this.topicOf(route, entry.name), prepared, group);
      else for (const conn of group) if (conn.sendPrepared(prepared)) sent++;
      const dropped = size - sent;
      if (sent > 0) {
        route.metrics.messagesSent.inc(sent);
        route.metrics.bytesSent.inc(sent * prepared.byteLength);
      }
      if (dropped > 0) route.metrics.dropped.inc(dropped);
      delivered += sent;
    }
    for (const pending of entry.pending.values()) {
      const prepared =
        pending.route.encoding === 'raw'
          ? (raw ??= this.prepareRaw(publication))
          : (envelope ??= this.prepareEnvelope(publication));
      pending.buffer.push({ publication, prepared });
    }
    const metrics = entry.namespace.metrics;
    if (delivered > 0) metrics.deliveries.inc(delivered);
    metrics.fanoutSeconds.observe((performance.now() - start) / 1000);
  }

  private topicOf(route: DeliveryRoute, channel: string): string {
    let prefix = this.routeTopics.get(route);
    if (prefix === undefined) this.routeTopics.set(route, (prefix = `${this.routeTopics.size}|`));
    return prefix + channel;
  }

  private prepareEnvelope(publication: Publication): PreparedMessage {
    return this.options.prepare(encodeEnvelope(publication), false);
  }

  private prepareRaw(publication: Publication): PreparedMessage {
    const frame = streamFrame(publication.payload);
    return this.options.prepare(frame.data, frame.isBinary);
  }

  /** Replay: one subscriber, so no preparing; the same encoding as live delivery. */
  private sendOne(conn: Conn, route: DeliveryRoute, publication: Publication): void {
    let ok: boolean;
    let bytes: number;
    if (route.encoding === 'raw') {
      const frame = streamFrame(publication.payload);
      ok = conn.send(frame.data, frame.isBinary);
      bytes = frame.data.length;
    } else {
      const text = encodeEnvelope(publication);
      ok = conn.send(text, false);
      bytes = Buffer.byteLength(text);
    }
    this.countSend(route, ok, bytes);
  }

  private sendPrepared(conn: Conn, route: DeliveryRoute, prepared: PreparedMessage): boolean {
    const ok = conn.sendPrepared(prepared);
    this.countSend(route, ok, prepared.byteLength);
    return ok;
  }

  private countSend(route: DeliveryRoute, ok: boolean, bytes: number): void {
    if (ok) {
      route.metrics.messagesSent.inc();
      route.metrics.bytesSent.inc(bytes);
    } else {
      route.metrics.dropped.inc();
    }
  }
}
