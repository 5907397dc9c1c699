// The uWS `upgrade` handler: the same RFC 6455 checks and the same gateway hook
// as the node engine, with the same rejections (status, JSON body,
// X-Pushgate-Reason). The request is copied out synchronously (uWS frees it when
// the callback returns); an asynchronous hook (JWKS fetch …) watches onAborted and
// never touches an aborted response.
import type { HttpRequest, HttpResponse, us_socket_context_t } from 'uWebSockets.js';
import { validateHandshake } from '../../protocol/handshake.js';
import { createError, type PushgateError } from '../../protocol/errors.js';
import type { RequestInfo, UpgradeDecision } from '../types.js';
import { UwsConnection, type ConnectionHost, type SocketData } from './connection.js';
import { copyRequest, ResponseState, writeError, writeRejection } from './http.js';

const VERSION_HEADER = { 'Sec-WebSocket-Version': '13' };

/**
 * The peer address is kept by every idle connection (the control plane's client
 * address) and is mostly one of a few: one proxy address behind nginx. uWS
 * hands out a fresh copy per request; keeping one copy of each saves ~30 B per
 * connection. Only handshakes: plain HTTP requests keep nothing. Bounded: when
 * full it starts over.
 */
const INTERN_LIMIT = 4096;
const interned = new Map<string, string>();

function intern(value: string): string {
  const known = interned.get(value);
  if (known !== undefined) return known;
  if (interned.size >= INTERN_LIMIT) interned.clear();
  interned.set(value, value);
  return value;
}

function rejectWith(state: ResponseState, err: PushgateError): void {
  writeError(state, err, err.errorName === 'PG_ERR_HANDSHAKE_VERSION' ? VERSION_HEADER : {});
}

export function handleUpgrade<Ctx>(host: ConnectionHost<Ctx>, res: HttpResponse, req: HttpRequest, context: us_socket_context_t): void {
  const state = new ResponseState(res);
  const info = copyRequest(req, res);
  info.remoteAddress = intern(info.remoteAddress);
  // uWS only routes requests with a 24-character key here; the rest of RFC 6455 is checked as on the node engine.
  // uWS does not expose the HTTP version and speaks HTTP/1.1.
  const valid = validateHandshake({ method: info.method, httpVersion: '1.1', headers: info.headers });
  if (valid instanceof Error) {
    rejectWith(state, valid);
    return;
  }
  let decision: UpgradeDecision<Ctx> | Promise<UpgradeDecision<Ctx>>;
  try {
    decision = host.hooks.upgrade(info);
  } catch {
    rejectWith(state, createError('PG_ERR_UPGRADE_FAILED'));
    return;
  }
  if (!(decision instanceof Promise)) {
    // Still inside uWS's callback: the response is corked already.
    finish(host, state, info, valid.key, valid.protocols, decision, context);
    return;
  }
  res.onAborted(() => {
    state.aborted = true;
  });
  decision.then(
    (settled) => {
      if (state.usable) res.cork(() => finish(host, state, info, valid.key, valid.protocols, settled, context));
      else if (settled.accept) host.hooks.abandon?.(settled.context);
    },
    () => {
      if (state.usable) rejectWith(state, createError('PG_ERR_UPGRADE_FAILED'));
    },
  );
}

function finish<Ctx>(
  host: ConnectionHost<Ctx>,
  state: ResponseState,
  info: RequestInfo,
  key: string,
  offered: readonly string[],
  decision: UpgradeDecision<Ctx>,
  context: us_socket_context_t,
): void {
  if (!decision.accept) {
    writeRejection(state, decision.status, decision.code, decision.message, decision.headers);
    return;
  }
  if (decision.protocol !== undefined && !offered.includes(decision.protocol)) {
    rejectWith(state, createError('PG_ERR_UPGRADE_FAILED', 'subprotocol not offered by the client'));
    host.hooks.abandon?.(decision.context);
    return;
  }
  state.answered = true;
  // The connection exists from here; uWS copies `conn` onto the WebSocket it hands to open.
  const conn = new UwsConnection<Ctx>(decision.context, host.routeFor(decision.options, decision.protocol ?? ''));
  const data: SocketData<Ctx> = { conn };
  // Compression is per route, uWS's is per app: a route without it simply hands uWS no offer to accept.
  const extensions = decision.options.compression ? (info.headers['sec-websocket-extensions'] ?? '') : '';
  state.res.upgrade(data, key, decision.protocol ?? '', extensions, context);
}
