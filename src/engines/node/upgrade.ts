// The 'upgrade' path: RFC 6455 validation, the gateway's (possibly async)
// upgrade hook, then the 101 and a NodeConnection — or an HTTP rejection with a
// JSON body, after which the socket is closed.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { buildRejectResponse, buildUpgradeResponse, rejectionFor, validateHandshake } from '../../protocol/handshake.js';
import { negotiateDeflate } from '../../protocol/permessage-deflate.js';
import { createError } from '../../protocol/errors.js';
import type { UpgradeDecision } from '../types.js';
import { NodeConnection, ownSocket, type EngineShared } from './connection.js';
import { requestInfo } from './http-request.js';

/** One per engine: shared by all its upgrades and connections. */
export interface UpgradeContext<Ctx> extends EngineShared<Ctx> {
  connections: Set<NodeConnection<Ctx>>;
}

/** Sends an HTTP answer and closes: end() flushes it, destroy() follows in case the peer lingers. */
export function rejectSocket(socket: Socket, response: Buffer): void {
  if (socket.destroyed) return;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(response, () => socket.destroy());
}

export async function handleUpgrade<Ctx>(ctx: UpgradeContext<Ctx>, req: IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
  // Node removed its own listeners: without one of ours an 'error' would be thrown.
  // (A shared listener, not a closure: it stays for the connection's lifetime.)
  ownSocket(socket, ctx);
  // Bytes after the request wait in the socket until the connection exists.
  socket.pause();

  const valid = validateHandshake({ method: req.method ?? '', httpVersion: req.httpVersion, headers: req.headers as Record<string, string | undefined> });
  if (valid instanceof Error) {
    rejectSocket(socket, rejectionFor(valid));
    return;
  }

  const info = requestInfo(req);
  let decision: UpgradeDecision<Ctx>;
  try {
    decision = await ctx.hooks.upgrade(info);
  } catch {
    rejectSocket(socket, rejectionFor(createError('PG_ERR_UPGRADE_FAILED')));
    return;
  }
  // The client may have given up while the hook ran (JWKS fetch …).
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    if (decision.accept) ctx.hooks.abandon?.(decision.context);
    return;
  }
  if (!decision.accept) {
    rejectSocket(socket, buildRejectResponse(decision.status, decision.code, decision.message, decision.headers));
    return;
  }
  if (decision.protocol !== undefined && !valid.protocols.includes(decision.protocol)) {
    rejectSocket(socket, rejectionFor(createError('PG_ERR_UPGRADE_FAILED', 'subprotocol not offered by the client')));
    ctx.hooks.abandon?.(decision.context);
    return;
  }

  const agreement = decision.options.compression ? negotiateDeflate(info.headers['sec-websocket-extensions']) : null;
  socket.write(buildUpgradeResponse({ key: valid.key, protocol: decision.protocol, extensions: agreement?.response }));
  const conn = new NodeConnection<Ctx>({
    engine: ctx,
    socket,
    protocol: decision.protocol ?? '',
    context: decision.context,
    options: decision.options,
    deflate: agreement?.params ?? null,
  });
  ctx.connections.add(conn);
  conn.start(head);
}
