// Reply helpers shared by every HTTP handler: JSON bodies and the one error
// shape, `{"error":{"code","message"}}`, with the status from the error table.
import type { HttpReply } from '../engines/types.js';
import { createError, errorJson, PushgateError, type ErrorName } from '../protocol/errors.js';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export function jsonReply(status: number, value: unknown, headers: Record<string, string> = {}): HttpReply {
  return { status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(value) };
}

/** Error reply for a table entry; `headers` adds e.g. `Allow` or `WWW-Authenticate`. */
export function errorReply(error: PushgateError | ErrorName, headers: Record<string, string> = {}): HttpReply {
  const err = typeof error === 'string' ? createError(error) : error;
  return { status: err.httpStatus ?? 500, headers: { ...JSON_HEADERS, ...headers }, body: errorJson(err.code, err.message) };
}

/** An error a handler threw: table errors keep their status, anything else is a 500 that says nothing internal. */
export function replyForThrown(thrown: unknown): { reply: HttpReply; internal: boolean } {
  if (thrown instanceof PushgateError && thrown.httpStatus !== undefined) return { reply: errorReply(thrown), internal: false };
  return { reply: errorReply('PG_ERR_INTERNAL'), internal: true };
}
