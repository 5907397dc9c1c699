// What an engine answers when the gateway's HTTP hook throws, the same on every engine.
import { createError, type PushgateError } from '../protocol/errors.js';
import { BodyTooLargeError } from './types.js';

/** A body over the limit is 413; anything else is a 500 that says nothing internal. */
export function errorForThrown(thrown: unknown): PushgateError {
  return thrown instanceof BodyTooLargeError ? createError('PG_ERR_BODY_TOO_LARGE') : createError('PG_ERR_INTERNAL');
}
