// One pubsub connection's requests. Requests are executed one at a time in the
// order they arrived, so replies come back in request order and a subscribe
// followed at once by an unsubscribe (or a publish) sees the subscribe finished.
// Bad requests get an error reply; the connection stays open.
import type { Connection } from '../engines/types.js';
import { createError, PushgateError } from '../protocol/errors.js';
import { encodeError, encodeOk, parseRequest, type ClientRequest, type RequestId } from './client-protocol.js';
import type { ChannelCheck, ConnectionContext } from './context.js';
import type { Hub } from './hub.js';
import type { Json, Payload, PublishResult, PublishSource } from './types.js';
import type { ResolvedNamespace } from './channels.js';

/** Requests waiting behind a slow one (a subscribe reading history) before new ones are refused. */
export const MAX_QUEUED_REQUESTS = 256;

export interface SessionDeps {
  hub: Hub;
  maxChannelLength: number;
  channelChecks: readonly ChannelCheck[];
  namespaceOf(channel: string): ResolvedNamespace;
  publish(channel: string, payload: Payload, source: PublishSource): Promise<PublishResult>;
  /** Unexpected failures (bugs): logged by the core; the client gets an internal_error reply. */
  onError(error: unknown, conn: Connection<ConnectionContext>): void;
}

export class PubsubSession {
  private busy = false;
  private readonly queue: ClientRequest[] = [];

  constructor(
    private readonly conn: Connection<ConnectionContext>,
    private readonly deps: SessionDeps,
  ) {}

  /** One message from the client. `data` is only read during the call. */
  receive(data: Buffer, isBinary: boolean): void {
    if (isBinary) return this.replyError(null, createError('PG_ERR_REQUEST_BINARY'));
    const parsed = parseRequest(data.toString('utf8'), this.deps.maxChannelLength);
    if (!parsed.ok) return this.replyError(parsed.id, parsed.error);
    if (this.busy) {
      if (this.queue.length >= MAX_QUEUED_REQUESTS) return this.replyError(parsed.request.id, createError('PG_ERR_TOO_MANY_PENDING'));
      this.queue.push(parsed.request);
      return;
    }
    void this.run(parsed.request);
  }

  private async run(first: ClientRequest): Promise<void> {
    this.busy = true;
    let request: ClientRequest | undefined = first;
    while (request) {
      try {
        await this.execute(request);
      } catch (error) {
        if (error instanceof PushgateError && error.closeCode === null) {
          this.replyError(request.id, error);
        } else {
          this.deps.onError(error, this.conn);
          this.replyError(request.id, createError('PG_ERR_INTERNAL'));
        }
      }
      if (this.conn.readyState > 1) this.queue.length = 0;
      request = this.queue.shift();
    }
    this.busy = false;
  }

  private async execute(request: ClientRequest): Promise<void> {
    const { hub } = this.deps;
    const route = this.conn.context.route;
    switch (request.op) {
      case 'ping':
        return this.reply(encodeOk(request.id, { pong: true }));
      case 'unsubscribe':
        hub.unsubscribe(this.conn, request.channel);
        this.conn.context.guard?.releaseSubscription();
        return this.reply(encodeOk(request.id));
      case 'subscribe': {
        this.authorize('subscribe', request.channel);
        // The connection's subscription limit (control plane); requests run one at a time, so reserve/release pair up.
        // A channel already held needs no room: the hub answers already_subscribed.
        const guard = hub.isSubscribed(this.conn, request.channel) ? null : this.conn.context.guard;
        const refused = guard ? guard.reserveSubscription() : null;
        if (refused) throw refused;
        const { id, since } = request;
        try {
          await hub.subscribe(this.conn, route, request.channel, since, (outcome) => {
            const fields: Record<string, Json> = {};
            if (outcome.recovered !== undefined) fields.recovered = outcome.recovered;
            fields.offset = outcome.position.offset;
            fields.epoch = outcome.position.epoch;
            this.reply(encodeOk(id, fields));
          });
        } catch (error) {
          guard?.releaseSubscription();
          throw error;
        }
        return;
      }
      case 'publish': {
        this.authorize('publish', request.channel);
        if (!route.config.clientPublish || !this.deps.namespaceOf(request.channel).options.clientPublish) {
          throw createError('PG_ERR_PUBLISH_NOT_ALLOWED', request.channel);
        }
        const result = await this.deps.publish(request.channel, { kind: 'json', data: request.data }, 'client');
        return this.reply(encodeOk(request.id, { offset: result.offset, epoch: result.epoch }));
      }
    }
  }

  private authorize(op: 'subscribe' | 'publish', channel: string): void {
    if (!this.conn.context.route.allowsChannel(channel)) throw createError('PG_ERR_CHANNEL_NOT_ALLOWED', channel);
    for (const check of this.deps.channelChecks) {
      const error = check(this.conn.context, op, channel);
      if (error) throw error;
    }
  }

  private reply(text: string): void {
    const metrics = this.conn.context.route.metrics;
    if (this.conn.send(text, false)) {
      metrics.messagesSent.inc();
      metrics.bytesSent.inc(Buffer.byteLength(text));
    } else {
      metrics.dropped.inc();
    }
  }

  private replyError(id: RequestId | null, error: PushgateError): void {
    this.conn.context.route.metrics.clientError(error.code).inc();
    this.reply(encodeError(id, error));
  }
}
