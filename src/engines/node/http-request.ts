// Plain HTTP on the engine's port: the RequestInfo the gateway sees, a body
// reader with a byte limit, and writing a reply or a JSON error.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorJson, type PushgateError } from '../../protocol/errors.js';
import { BodyTooLargeError, type HttpBody, type HttpReply, type RequestInfo } from '../types.js';

export function requestInfo(req: IncomingMessage): RequestInfo {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const headers: Record<string, string> = {};
  const distinct = req.headersDistinct;
  for (const name in distinct) headers[name] = distinct[name]!.join(', ');
  return {
    method: req.method ?? 'GET',
    path: q === -1 ? url : url.slice(0, q),
    query: q === -1 ? '' : url.slice(q + 1),
    headers,
    remoteAddress: req.socket.remoteAddress ?? '',
  };
}

/** Reads the body once; refuses it (BodyTooLargeError) as soon as it passes `limit` bytes. */
export function bodyReader(req: IncomingMessage): HttpBody {
  let pending: Promise<Buffer> | null = null;
  return (limit: number) => {
    pending ??= new Promise<Buffer>((resolve, reject) => {
      const declared = Number(req.headers['content-length']);
      if (Number.isFinite(declared) && declared > limit) {
        reject(new BodyTooLargeError(limit));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) {
          req.removeAllListeners('data');
          req.resume();
          reject(new BodyTooLargeError(limit));
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => resolve(Buffer.concat(chunks, size)));
      req.on('error', reject);
    });
    return pending;
  };
}

export function writeReply(res: ServerResponse, reply: HttpReply): void {
  if (res.headersSent || res.destroyed) return;
  const body = reply.body ?? '';
  // A known length keeps the connection reusable without chunked encoding.
  res.writeHead(reply.status, { 'Content-Length': String(Buffer.byteLength(body)), ...reply.headers });
  res.end(body);
}

/** A JSON error answer for an entry of the error table; the connection is not reused. */
export function writeError(res: ServerResponse, err: PushgateError, extraHeaders: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const body = errorJson(err.code, err.message);
  res.writeHead(err.httpStatus ?? 500, {
    ...extraHeaders,
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(body)),
    'X-Pushgate-Reason': err.code,
    Connection: 'close',
  });
  res.end(body);
}
