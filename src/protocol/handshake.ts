// The opening handshake (RFC 6455 §4.2): validating a client's upgrade request,
// computing Sec-WebSocket-Accept, choosing a subprotocol, and the exact bytes of
// the 101 answer or of a rejection. No I/O: the engine writes what this returns.
import { createHash } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { createError, errorJson, type PushgateError } from './errors.js';
import { WS_GUID, WS_VERSION } from './constants.js';

export interface HandshakeRequest {
  method: string;
  /** As node reports it: '1.1', '1.0' … */
  httpVersion: string;
  /** Lowercased names; repeated headers joined with ', '. */
  headers: Record<string, string | undefined>;
}

export interface ValidHandshake {
  key: string;
  /** Subprotocols the client offered, in its order of preference. */
  protocols: string[];
}

/** A request carries a WebSocket handshake attempt, valid or not (node only emits 'upgrade' for some). */
export function isHandshakeAttempt(headers: Record<string, string | undefined>): boolean {
  return (
    headers.upgrade !== undefined ||
    headers['sec-websocket-key'] !== undefined ||
    headers['sec-websocket-version'] !== undefined ||
    hasToken(headers.connection, 'upgrade')
  );
}

/** Checks every rule of RFC 6455 §4.2.1; the first broken one is the answer. */
export function validateHandshake(req: HandshakeRequest): ValidHandshake | PushgateError {
  const h = req.headers;
  if (req.method !== 'GET') return createError('PG_ERR_HANDSHAKE_METHOD', req.method);
  if (!isHttp11OrLater(req.httpVersion)) return createError('PG_ERR_HANDSHAKE_HTTP_VERSION', req.httpVersion);
  if (!hasToken(h.upgrade, 'websocket')) return createError('PG_ERR_HANDSHAKE_UPGRADE');
  if (!hasToken(h.connection, 'upgrade')) return createError('PG_ERR_HANDSHAKE_CONNECTION');
  if (h.host === undefined || h.host.trim() === '') return createError('PG_ERR_HANDSHAKE_HOST');
  if (h['sec-websocket-version']?.trim() !== WS_VERSION) return createError('PG_ERR_HANDSHAKE_VERSION');
  const key = h['sec-websocket-key']?.trim();
  if (key === undefined || !isValidKey(key)) return createError('PG_ERR_HANDSHAKE_KEY');
  const protocols = parseProtocols(h['sec-websocket-protocol']);
  if (protocols === null) return createError('PG_ERR_HANDSHAKE_PROTOCOL_HEADER');
  return { key, protocols };
}

/** base64 of exactly 16 bytes: 22 significant characters then '=='. */
const KEY_PATTERN = /^[A-Za-z0-9+/]{21}[AQgw]==$/;

export function isValidKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

export function acceptKey(key: string): string {
  return createHash('sha1').update(key + WS_GUID).digest('base64');
}

function isHttp11OrLater(version: string): boolean {
  const [major, minor] = version.split('.').map(Number);
  return major > 1 || (major === 1 && minor >= 1);
}

/** Whether a comma-separated header holds `token` (case-insensitive). */
export function hasToken(value: string | undefined, token: string): boolean {
  if (value === undefined) return false;
  for (const part of value.split(',')) if (part.trim().toLowerCase() === token) return true;
  return false;
}

/** RFC 7230 token characters. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function isToken(value: string): boolean {
  return TOKEN.test(value);
}

/**
 * The client's subprotocols in preference order; [] when the header is absent;
 * null when it is malformed (a non-token or a duplicate).
 */
export function parseProtocols(header: string | undefined): string[] | null {
  if (header === undefined) return [];
  const out: string[] = [];
  for (const part of header.split(',')) {
    const name = part.trim();
    if (!isToken(name) || out.includes(name)) return null;
    out.push(name);
  }
  return out;
}

/** The first protocol of the client's list that the server supports (client preference wins), or undefined. */
export function selectProtocol(offered: readonly string[], supported: readonly string[]): string | undefined {
  return offered.find((p) => supported.includes(p));
}

export interface UpgradeResponse {
  key: string;
  protocol?: string;
  /** Value of Sec-WebSocket-Extensions, when an extension was accepted. */
  extensions?: string;
}

export function buildUpgradeResponse(res: UpgradeResponse): Buffer {
  let head =
    'HTTP/1.1 101 Switching Protocols\r\n' +
    'Upgrade: websocket\r\n' +
    'Connection: Upgrade\r\n' +
    `Sec-WebSocket-Accept: ${acceptKey(res.key)}\r\n`;
  if (res.protocol) head += `Sec-WebSocket-Protocol: ${res.protocol}\r\n`;
  if (res.extensions) head += `Sec-WebSocket-Extensions: ${res.extensions}\r\n`;
  return Buffer.from(head + '\r\n', 'latin1');
}

/**
 * An HTTP error answer that ends the connection: JSON body `{"error":{code,message}}`
 * and the code repeated in X-Pushgate-Reason so proxies' logs show why.
 */
export function buildRejectResponse(
  status: number, code: string, message: string, extraHeaders: Record<string, string> = {},
): Buffer {
  const body = errorJson(code, message);
  let head =
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
    'Connection: close\r\n' +
    'Content-Type: application/json\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    `X-Pushgate-Reason: ${headerSafe(code)}\r\n`;
  for (const [name, value] of Object.entries(extraHeaders)) {
    if (isToken(name)) head += `${name}: ${headerSafe(value)}\r\n`;
  }
  return Buffer.from(head + '\r\n' + body, 'utf8');
}

/** Strips what would let a value end its header line or the header block. */
export function headerSafe(value: string): string {
  return value.replace(/[\r\n\0]/g, ' ');
}

/** The rejection for a handshake error from the table (400, 426 …). */
export function rejectionFor(err: PushgateError): Buffer {
  const extra: Record<string, string> = err.errorName === 'PG_ERR_HANDSHAKE_VERSION' ? { 'Sec-WebSocket-Version': WS_VERSION } : {};
  return buildRejectResponse(err.httpStatus ?? 400, err.code, err.message, extra);
}
