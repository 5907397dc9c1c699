// permessage-deflate (RFC 7692): negotiating an offer, inflating client messages
// under a hard size cap, deflating server messages.
//
// The server always answers with server_no_context_takeover: every message it
// sends is compressed on its own, so one compressed frame can be written to every
// connection that negotiated the same window size (compress once, write many).
// It also always asks for client_no_context_takeover (RFC 7692 §7.1.1.1 lets a
// server add it to any offer), so each client message inflates on its own with a
// synchronous call and no per-connection zlib stream is kept alive.
import { constants as zc, deflateRawSync, inflateRawSync } from 'node:zlib';
import { createError, type PushgateError } from './errors.js';
import { isToken } from './handshake.js';

export const EXTENSION_NAME = 'permessage-deflate';

export interface DeflateParams {
  /** Window size the server compresses with (9–15); 15 unless the client asked for less. */
  serverMaxWindowBits: number;
}

export interface DeflateAgreement {
  params: DeflateParams;
  /** The Sec-WebSocket-Extensions value to answer with. */
  response: string;
}

type ExtensionParam = [name: string, value: string | true];
interface ExtensionOffer {
  name: string;
  /** null when an element of the offer is malformed. */
  params: ExtensionParam[] | null;
}

/** Splits a Sec-WebSocket-Extensions header into offers (RFC 6455 §9.1 grammar). */
export function parseExtensionOffers(header: string): ExtensionOffer[] {
  const offers: ExtensionOffer[] = [];
  for (const item of header.split(',')) {
    const parts = item.split(';').map((p) => p.trim());
    const name = parts[0];
    if (!isToken(name)) continue;
    let params: ExtensionParam[] | null = [];
    for (const part of parts.slice(1)) {
      const param = parseParam(part);
      if (param === null) {
        params = null;
        break;
      }
      params.push(param);
    }
    offers.push({ name: name.toLowerCase(), params });
  }
  return offers;
}

function parseParam(part: string): ExtensionParam | null {
  const eq = part.indexOf('=');
  if (eq === -1) return isToken(part) ? [part.toLowerCase(), true] : null;
  const name = part.slice(0, eq).trim();
  let value = part.slice(eq + 1).trim();
  // A quoted-string value must still be a token once unquoted (RFC 6455 §9.1).
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
  if (!isToken(name) || !isToken(value)) return null;
  return [name.toLowerCase(), value];
}

const WINDOW_BITS = /^(8|9|1[0-5])$/;

/**
 * The first permessage-deflate offer this server can honour, or null (no compression).
 * An offer is declined when it repeats a parameter, has an unknown one, gives a
 * value where none is allowed (or none where one is required), or asks for
 * server_max_window_bits=8, which zlib cannot produce (it silently uses 9).
 */
export function negotiateDeflate(header: string | undefined): DeflateAgreement | null {
  if (header === undefined) return null;
  for (const offer of parseExtensionOffers(header)) {
    if (offer.name !== EXTENSION_NAME || offer.params === null) continue;
    const params = acceptOffer(offer.params);
    if (params === null) continue;
    let response = `${EXTENSION_NAME}; server_no_context_takeover; client_no_context_takeover`;
    if (params.serverWindowOffered) response += `; server_max_window_bits=${params.serverMaxWindowBits}`;
    return { params: { serverMaxWindowBits: params.serverMaxWindowBits }, response };
  }
  return null;
}

function acceptOffer(params: ExtensionParam[]): { serverMaxWindowBits: number; serverWindowOffered: boolean } | null {
  const seen = new Set<string>();
  let serverMaxWindowBits = 15;
  let serverWindowOffered = false;
  for (const [name, value] of params) {
    if (seen.has(name)) return null;
    seen.add(name);
    switch (name) {
      case 'server_no_context_takeover':
      case 'client_no_context_takeover':
        if (value !== true) return null;
        break;
      case 'server_max_window_bits':
        if (value === true || !WINDOW_BITS.test(value) || value === '8') return null;
        serverMaxWindowBits = Number(value);
        serverWindowOffered = true;
        break;
      case 'client_max_window_bits':
        // We inflate with a 15-bit window, which reads any smaller one, so the
        // value only has to be valid; the response leaves the client's choice alone.
        if (value !== true && !WINDOW_BITS.test(value)) return null;
        break;
      default:
        return null;
    }
  }
  return { serverMaxWindowBits, serverWindowOffered };
}

/** Appended to a message before inflating: the sender strips it (RFC 7692 §7.2.1). */
const TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);

/**
 * Inflates one client message. More than `maxSize` inflated bytes stops zlib
 * early (a decompression bomb never fills memory) → PG_ERR_MESSAGE_TOO_BIG.
 */
export function inflateMessage(data: Uint8Array, maxSize: number): Buffer | PushgateError {
  try {
    return inflateRawSync(Buffer.concat([data, TAIL]), {
      finishFlush: zc.Z_SYNC_FLUSH,
      maxOutputLength: Math.max(1, maxSize),
    });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return createError('PG_ERR_MESSAGE_TOO_BIG');
    return createError('PG_ERR_INFLATE_FAILED');
  }
}

/** Deflates one server message on its own (no context takeover), tail stripped. */
export function deflateMessage(data: Uint8Array, windowBits: number): Buffer {
  const out = deflateRawSync(data, { finishFlush: zc.Z_SYNC_FLUSH, windowBits });
  return out.subarray(0, out.length - TAIL.length);
}
