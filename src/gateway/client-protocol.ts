// The pubsub client protocol on the wire: parsing requests into typed objects
// (or a table error), and encoding replies and publication envelopes as strings.
// No I/O and no state: docs/protocol.md is the human version of this file.
import { createError, type PushgateError } from '../protocol/errors.js';
import type { Json } from './types.js';
import type { EncodedPayload, Publication } from './broker/broker.js';
import { channelNameError } from './channels.js';

export type RequestId = number | string;

export type ClientRequest =
  | { op: 'subscribe'; id: RequestId; channel: string; since?: { offset: number; epoch: string } }
  | { op: 'unsubscribe'; id: RequestId; channel: string }
  | { op: 'publish'; id: RequestId; channel: string; data: Json }
  | { op: 'ping'; id: RequestId };

export type ParseResult =
  | { ok: true; request: ClientRequest }
  /** `id` is echoed in the error reply when the request had a usable one, else null. */
  | { ok: false; id: RequestId | null; error: PushgateError };

const OPS = new Set(['subscribe', 'unsubscribe', 'publish', 'ping']);

function fail(id: RequestId | null, error: PushgateError): ParseResult {
  return { ok: false, id, error };
}

function isRequestId(value: unknown): value is RequestId {
  // JSON.parse turns 1e400 into Infinity, which would echo back as null.
  return (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'string';
}

/** Parses one text message. Unknown fields are ignored, so clients may send newer fields to older gateways. */
export function parseRequest(text: string, maxChannelLength: number): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fail(null, createError('PG_ERR_REQUEST_NOT_JSON'));
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(null, createError('PG_ERR_REQUEST_INVALID', 'a request is a JSON object'));
  }
  const body = value as Record<string, unknown>;
  if (!isRequestId(body.id)) return fail(null, createError('PG_ERR_REQUEST_INVALID', '"id" must be a number or a string'));
  const id = body.id;
  if (typeof body.op !== 'string') return fail(id, createError('PG_ERR_REQUEST_INVALID', '"op" must be a string'));
  if (!OPS.has(body.op)) return fail(id, createError('PG_ERR_UNKNOWN_OP', JSON.stringify(body.op.slice(0, 64))));
  if (body.op === 'ping') return { ok: true, request: { op: 'ping', id } };

  if (body.channel === undefined) return fail(id, createError('PG_ERR_REQUEST_INVALID', '"channel" is required'));
  const channelError = channelNameError(body.channel, maxChannelLength);
  if (channelError) return fail(id, channelError);
  const channel = body.channel as string;

  switch (body.op) {
    case 'unsubscribe':
      return { ok: true, request: { op: 'unsubscribe', id, channel } };
    case 'publish':
      if (!('data' in body)) return fail(id, createError('PG_ERR_REQUEST_INVALID', '"data" is required'));
      return { ok: true, request: { op: 'publish', id, channel, data: body.data as Json } };
    default: {
      if (body.since === undefined) return { ok: true, request: { op: 'subscribe', id, channel } };
      const since = body.since as Record<string, unknown> | null;
      if (
        typeof since !== 'object' ||
        since === null ||
        !Number.isSafeInteger(since.offset) ||
        (since.offset as number) < 0 ||
        typeof since.epoch !== 'string'
      ) {
        return fail(id, createError('PG_ERR_REQUEST_INVALID', '"since" must be {"offset": integer >= 0, "epoch": string}'));
      }
      return {
        ok: true,
        request: { op: 'subscribe', id, channel, since: { offset: since.offset as number, epoch: since.epoch } },
      };
    }
  }
}

/** `{"id":…,"ok":true,…fields}`; fields are appended in order, values JSON-encoded. */
export function encodeOk(id: RequestId | null, fields?: Record<string, Json>): string {
  let out = `{"id":${JSON.stringify(id)},"ok":true`;
  if (fields) for (const key in fields) out += `,${JSON.stringify(key)}:${JSON.stringify(fields[key])}`;
  return out + '}';
}

/** `{"id":…,"error":{"code":…,"message":…}}` from a table error. */
export function encodeError(id: RequestId | null, error: { code: string; message: string }): string {
  return `{"id":${JSON.stringify(id)},"error":{"code":${JSON.stringify(error.code)},"message":${JSON.stringify(error.message)}}}`;
}

/**
 * The pubsub envelope, built as one string per publication. JSON payloads are
 * spliced in as their already-serialised text; raw text becomes a JSON string;
 * raw binary becomes base64 with `"encoding":"base64"` so a JSON client can tell.
 */
export function encodeEnvelope(publication: Publication): string {
  const head = `{"channel":${JSON.stringify(publication.channel)},"offset":${publication.offset},"epoch":${JSON.stringify(publication.epoch)},"data":`;
  return head + encodeEnvelopeData(publication.payload) + '}';
}

function encodeEnvelopeData(payload: EncodedPayload): string {
  if (payload.kind === 'json') return payload.json;
  if (!payload.isBinary) return JSON.stringify(payload.bytes.toString('utf8'));
  return `"${payload.bytes.toString('base64')}","encoding":"base64"`;
}

/** The `stream` encoding: JSON as its text in a text frame, raw bytes as they came (text or binary). */
export function streamFrame(payload: EncodedPayload): { data: string | Buffer; isBinary: boolean } {
  if (payload.kind === 'json') return { data: payload.json, isBinary: false };
  return { data: payload.bytes, isBinary: payload.isBinary };
}
