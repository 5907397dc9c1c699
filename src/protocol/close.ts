// Close frame payload rules (RFC 6455 §5.5.1, §7.4): which codes a peer may send,
// how a payload is parsed, and how the server builds its own.
import { utf8Step } from '../native/index.js';
import { createError, type PushgateError } from './errors.js';
import { CloseCode, MAX_CLOSE_REASON } from './constants.js';

/**
 * Codes a peer may put on the wire: 1000–1003, 1007–1014 (IANA registered) and
 * 3000–4999 (libraries and applications). 1004–1006 and 1015 are reserved or
 * "never sent"; everything else is unassigned.
 */
export function isValidCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

export interface ClosePayload {
  /** 1005 when the frame carried no code. */
  code: number;
  reason: string;
}

/** Parses a close frame payload from a peer; an invalid one is an error from the table. */
export function parseClosePayload(payload: Uint8Array): ClosePayload | PushgateError {
  if (payload.length === 0) return { code: CloseCode.NoStatus, reason: '' };
  if (payload.length === 1) return createError('PG_ERR_BAD_CLOSE_PAYLOAD', '1-byte payload');
  const code = (payload[0] << 8) | payload[1];
  if (!isValidCloseCode(code)) return createError('PG_ERR_BAD_CLOSE_CODE', String(code));
  const reasonBytes = payload.subarray(2);
  if (reasonBytes.length > 0 && utf8Step(reasonBytes, 0) !== 0) return createError('PG_ERR_BAD_CLOSE_REASON');
  return { code, reason: Buffer.from(reasonBytes.buffer, reasonBytes.byteOffset, reasonBytes.length).toString('utf8') };
}

/**
 * The payload of a close frame the server sends. The reason is cut to fit a
 * control frame, at a code-point boundary so it stays valid UTF-8.
 */
export function buildClosePayload(code: number, reason = ''): Buffer {
  if (code === CloseCode.NoStatus) return Buffer.alloc(0);
  const reasonBytes = truncateUtf8(reason, MAX_CLOSE_REASON);
  const out = Buffer.allocUnsafe(2 + reasonBytes.length);
  out.writeUInt16BE(code, 0);
  reasonBytes.copy(out, 2);
  return out;
}

function truncateUtf8(text: string, maxBytes: number): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return bytes;
  let end = maxBytes;
  // Step back over continuation bytes (10xxxxxx) to the start of the cut code point.
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}
