// Plain HTTP on the uWS app: the RequestInfo copied out of uWS's stack-allocated
// HttpRequest, a body reader with a byte limit that survives the request being
// aborted, and replies written corked, never to an aborted response.
import { STATUS_CODES } from 'node:http';
import type { HttpRequest, HttpResponse } from 'uWebSockets.js';
import { headerSafe } from '../../protocol/handshake.js';
import { errorJson, type PushgateError } from '../../protocol/errors.js';
import { BodyTooLargeError, type HttpBody, type HttpReply, type RequestInfo } from '../types.js';
import { formatAddress } from './address.js';

/**
 * Bytes of a body buffered before the handler asks for it (it normally asks within
 * the same turn). Past this the socket is paused until it does, so a client
 * cannot park a large body in memory on an endpoint that never reads it.
 */
const EAGER_BODY_BYTES = 256 * 1024;

/**
 * Everything the gateway needs from an HttpRequest, copied synchronously: uWS
 * frees the request when the callback returns.
 */
export function copyRequest(req: HttpRequest, res: HttpResponse): RequestInfo {
  const headers: Record<string, string> = {};
  req.forEach((name, value) => {
    const previous = headers[name];
    headers[name] = previous === undefined ? value : `${previous}, ${value}`;
  });
  return {
    method: req.getCaseSensitiveMethod(),
    path: req.getUrl(),
    query: req.getQuery() ?? '',
    headers,
    remoteAddress: formatAddress(res.getRemoteAddress()),
  };
}

/** The lifetime of one HttpResponse: once aborted or answered it must not be touched again. */
export class ResponseState {
  aborted = false;
  answered = false;
  /** The request body was not read to its end (the connection cannot be reused). */
  bodyPending = false;

  constructor(readonly res: HttpResponse) {}

  get usable(): boolean {
    return !this.aborted && !this.answered;
  }
}

/**
 * Reads the body of one request. `onData` must be attached before the route
 * callback returns (uWS drops chunks that find no handler), so chunks are
 * collected from the start and handed over when the handler asks.
 */
export class RequestBody {
  private chunks: Buffer[] = [];
  private size = 0;
  private limit = EAGER_BODY_BYTES;
  private requested = false;
  private paused = false;
  private complete = false;
  private failure: Error | null = null;
  private settle: { resolve(body: Buffer): void; reject(error: Error): void } | null = null;
  private pending: Promise<Buffer> | null = null;

  constructor(private readonly state: ResponseState, private readonly declaredLength: number) {
    state.bodyPending = true;
    state.res.onData((chunk, isLast) => this.onData(chunk, isLast));
  }

  /** The HttpBody handed to hooks.http. */
  readonly read: HttpBody = (limit: number) => {
    this.pending ??= new Promise<Buffer>((resolve, reject) => {
      this.requested = true;
      this.limit = limit;
      this.settle = { resolve, reject };
      if (Number.isFinite(this.declaredLength) && this.declaredLength > limit) this.fail(new BodyTooLargeError(limit));
      else if (this.size > limit) this.fail(new BodyTooLargeError(limit));
      else this.finishIfDone();
      if (this.paused && this.failure === null && this.state.usable) {
        this.paused = false;
        this.state.res.resume();
      }
    });
    return this.pending;
  };

  /** The client went away: a waiting reader learns it, later chunks are ignored. */
  abort(): void {
    this.fail(new Error('request aborted'));
  }

  private onData(chunk: ArrayBuffer, isLast: boolean): void {
    if (this.failure !== null || this.state.aborted) return;
    this.size += chunk.byteLength;
    if (this.size > this.limit) {
      if (this.requested) {
        this.fail(new BodyTooLargeError(this.limit));
        return;
      }
      // Nobody asked yet: hold the socket until the handler decides.
      if (!this.paused && !isLast) {
        this.paused = true;
        this.state.res.pause();
      }
    }
    // uWS neuters the chunk when this callback returns: copy it.
    if (chunk.byteLength > 0) this.chunks.push(Buffer.from(new Uint8Array(chunk)));
    if (isLast) {
      this.complete = true;
      this.state.bodyPending = false;
      this.finishIfDone();
    }
  }

  private finishIfDone(): void {
    if (!this.complete || this.settle === null || this.failure !== null) return;
    const body = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.size);
    this.chunks = [];
    this.settle.resolve(body);
    this.settle = null;
  }

  private fail(error: Error): void {
    if (this.failure !== null) return;
    this.failure = error;
    this.chunks = [];
    this.settle?.reject(error);
    this.settle = null;
  }
}

function statusLine(status: number): string {
  return `${status} ${STATUS_CODES[status] ?? 'Unknown'}`;
}

/** A header name must be a token and a value must not break the header block. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Writes a reply (corked: one write for status, headers and body). uWS adds
 * Content-Length itself. The connection is closed after the reply when the
 * request body was not read to its end.
 */
export function writeReply(state: ResponseState, reply: HttpReply, closeConnection = false): void {
  if (!state.usable) return;
  state.answered = true;
  const res = state.res;
  const close = closeConnection || state.bodyPending;
  res.cork(() => {
    res.writeStatus(statusLine(reply.status));
    const headers = reply.headers;
    if (headers) {
      for (const name in headers) {
        const lower = name.toLowerCase();
        if (lower === 'content-length' || lower === 'connection' || !TOKEN.test(name)) continue;
        res.writeHeader(name, headerSafe(headers[name]));
      }
    }
    res.end(reply.body ?? '', close);
  });
}

/** The JSON error answer of a table entry, with `X-Pushgate-Reason`; the connection is not reused. */
export function writeError(state: ResponseState, err: PushgateError, extraHeaders: Record<string, string> = {}): void {
  writeRejection(state, err.httpStatus ?? 500, err.code, err.message, extraHeaders);
}

/** Same bytes as the node engine's buildRejectResponse: JSON body, X-Pushgate-Reason, Connection: close. */
export function writeRejection(state: ResponseState, status: number, code: string, message: string, extraHeaders: Record<string, string> = {}): void {
  const body = errorJson(code, message);
  writeReply(state, { status, headers: { ...extraHeaders, 'Content-Type': 'application/json', 'X-Pushgate-Reason': code }, body }, true);
}
