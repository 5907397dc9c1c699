// Reading API request bodies: size limit, media type, JSON parsing — each
// failure as the matching table error (413, 415, 400).
import { BodyTooLargeError, type HttpBody, type RequestInfo } from '../engines/types.js';
import { createError } from '../protocol/errors.js';

/** The media type without parameters, lowercased ('' when the header is absent). */
export function mediaType(request: RequestInfo): string {
  return (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

export async function readBody(body: HttpBody, limit: number): Promise<Buffer> {
  try {
    return await body(limit);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw createError('PG_ERR_BODY_TOO_LARGE', `the limit is ${limit} bytes`);
    throw createError('PG_ERR_BAD_REQUEST', 'request body could not be read');
  }
}

/**
 * A JSON body. A missing Content-Type is accepted (a hand-written request is
 * still unambiguous); any other type than JSON is a 415, which catches
 * `curl -d` without `-H 'Content-Type: application/json'` early and clearly.
 */
export async function readJsonBody(request: RequestInfo, body: HttpBody, limit: number): Promise<unknown> {
  const type = mediaType(request);
  if (type !== '' && type !== 'application/json' && !type.endsWith('+json')) {
    throw createError('PG_ERR_UNSUPPORTED_MEDIA_TYPE', `got "${type}"`);
  }
  const bytes = await readBody(body, limit);
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw createError('PG_ERR_BAD_JSON', (error as Error).message);
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
