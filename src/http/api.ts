// The publish API for backends. Authorisation, counting and error replies are
// applied around these handlers by http-handler.ts; here is only what each
// endpoint reads and answers. Endpoint reference: docs/api.md.
import { isUtf8 } from 'node:buffer';
import type { GatewayCore, Json, Payload, PublishResult } from '../gateway/types.js';
import type { Logger } from '../logger.js';
import { createError, PushgateError } from '../protocol/errors.js';
import { jsonReply } from './reply.js';
import { isRecord, mediaType, readBody, readJsonBody } from './request-body.js';
import type { Router } from './router.js';

export interface ApiDeps {
  core: Pick<GatewayCore, 'publish' | 'channels' | 'stats'>;
  maxBodySize: number;
  engine: string;
  nativeBackend: string;
  version: string;
  startedAt: number;
  logger: Logger;
}

/** Most channels one broadcast may name: keeps one request's work bounded. */
export const MAX_BROADCAST_CHANNELS = 1000;

function requireField(body: unknown, field: string): unknown {
  if (!isRecord(body)) throw createError('PG_ERR_MISSING_FIELD', 'the body must be a JSON object');
  if (!(field in body)) throw createError('PG_ERR_MISSING_FIELD', `"${field}" is required`);
  return body[field];
}

function requireChannel(body: unknown): string {
  const channel = requireField(body, 'channel');
  if (typeof channel !== 'string') throw createError('PG_ERR_MISSING_FIELD', '"channel" must be a string');
  return channel;
}

type BroadcastEntry = PublishResult | { channel: string; error: { code: string; message: string } };

export function addApiRoutes(router: Router, deps: ApiDeps): void {
  const { core, maxBodySize } = deps;

  router.add(['POST'], '/api/publish', 'publish', async (request, body) => {
    const json = await readJsonBody(request, body, maxBodySize);
    const channel = requireChannel(json);
    const data = requireField(json, 'data') as Json;
    return jsonReply(200, await core.publish(channel, { kind: 'json', data }, 'api'));
  });

  router.add(['POST'], '/api/publish/:channel', 'publish_raw', async (request, body, params) => {
    let channel: string;
    try {
      channel = decodeURIComponent(params.channel);
    } catch {
      throw createError('PG_ERR_BAD_CHANNEL', 'the path segment is not valid percent-encoding');
    }
    const bytes = await readBody(body, maxBodySize);
    // text/* becomes a text message, which must be UTF-8 on the wire (RFC 6455 §5.6).
    const isText = mediaType(request).startsWith('text/');
    if (isText && !isUtf8(bytes)) throw createError('PG_ERR_BAD_TEXT_BODY');
    const payload: Payload = { kind: 'raw', bytes, isBinary: !isText };
    return jsonReply(200, await core.publish(channel, payload, 'api'));
  });

  router.add(['POST'], '/api/broadcast', 'broadcast', async (request, body) => {
    const json = await readJsonBody(request, body, maxBodySize);
    const channels = requireField(json, 'channels');
    if (!Array.isArray(channels) || channels.length === 0 || !channels.every((c) => typeof c === 'string')) {
      throw createError('PG_ERR_MISSING_FIELD', '"channels" must be a non-empty list of channel names');
    }
    if (channels.length > MAX_BROADCAST_CHANNELS) {
      throw createError('PG_ERR_MISSING_FIELD', `"channels" may name at most ${MAX_BROADCAST_CHANNELS} channels`);
    }
    const data = requireField(json, 'data') as Json;
    const results: BroadcastEntry[] = [];
    // One at a time, in the order given, so results line up with the request.
    for (const channel of channels as string[]) {
      try {
        results.push(await core.publish(channel, { kind: 'json', data }, 'api'));
      } catch (error) {
        if (!(error instanceof PushgateError)) {
          deps.logger.error({ err: error, channel }, 'broadcast publish failed');
        }
        const known = error instanceof PushgateError ? error : createError('PG_ERR_INTERNAL');
        results.push({ channel, error: { code: known.code, message: known.message } });
      }
    }
    return jsonReply(200, { results });
  });

  router.add(['GET'], '/api/channels', 'channels', () => jsonReply(200, { channels: core.channels() }));

  router.add(['GET'], '/api/info', 'info', () =>
    jsonReply(200, {
      name: 'pushgate',
      version: deps.version,
      engine: deps.engine,
      native: deps.nativeBackend,
      node: process.version,
      uptime: Math.round((Date.now() - deps.startedAt) / 1000),
      stats: core.stats(),
    }),
  );
}
