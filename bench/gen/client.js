// One WebSocket client connection on a raw `net` socket: writes our handshake,
// checks the 101 and Sec-WebSocket-Accept, then feeds server frames to a
// ServerFrameReader. Answers pings and close frames like a well-behaved client.
import net from 'node:net';
import {
  buildHandshakeRequest, buildClientFrame, buildCloseFrame, expectedAccept, newHandshakeKey, newMaskKey, OPCODE,
} from '../lib/frames.js';
import { parseHandshakeResponse, ServerFrameReader } from '../lib/frame-reader.js';

/** How long a closing connection waits for the server before destroying the socket. */
const CLOSE_GRACE_MS = 1000;
/** Bytes of a fragmented message's first frame kept for the handler (enough for the fan-out header). */
const HEAD_BYTES = 16;

/**
 * @typedef {{
 *   onOpen?: (client: WsClient) => void,
 *   onData?: (client: WsClient) => void,
 *   onMessage?: (client: WsClient, payload: Buffer, byteLength: number) => void,
 *   onReadEnd?: (client: WsClient) => void,
 *   onError?: (client: WsClient, kind: 'handshake' | 'socket' | 'protocol' | 'closed', detail: string) => void,
 *   onClose?: (client: WsClient) => void,
 * }} ClientHandlers
 */

export class WsClient {
  /**
   * @param {{ host: string, port: number, path: string, localAddress?: string }} endpoint
   * @param {ClientHandlers} handlers
   */
  constructor(endpoint, handlers) {
    this.handlers = handlers;
    this.maskKey = newMaskKey();
    this.key = newHandshakeKey();
    this.open = false;
    this.closing = false;
    this.done = false;
    /** @type {Buffer | null} */
    this.head = null;
    /** @type {Buffer | null} first bytes of a fragmented message in progress */
    this.fragmentHead = null;
    this.fragmentLength = 0;
    this.reader = new ServerFrameReader((opcode, fin, payload) => this.frame(opcode, fin, payload));
    /** Free for the role using this client (per-connection state). */
    /** @type {any} */
    this.state = null;
    const socket = net.connect({ host: endpoint.host, port: endpoint.port, localAddress: endpoint.localAddress });
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('connect', () => {
      socket.write(buildHandshakeRequest({ host: endpoint.host, port: endpoint.port, path: endpoint.path, key: this.key }));
    });
    socket.on('data', (chunk) => this.data(chunk));
    socket.on('error', (error) => this.fail(this.open ? 'socket' : 'handshake', error.message));
    socket.on('close', () => {
      if (!this.closing && !this.done) this.fail(this.open ? 'closed' : 'handshake', 'server closed the connection');
      this.finish();
    });
  }

  /** @param {Buffer} chunk */
  data(chunk) {
    if (this.done) return;
    if (!this.open) {
      this.head = this.head === null ? chunk : Buffer.concat([this.head, chunk]);
      let response;
      try {
        response = parseHandshakeResponse(this.head);
      } catch (error) {
        return this.fail('handshake', /** @type {Error} */ (error).message);
      }
      if (response === null) return;
      this.head = null;
      if (response.status !== 101) return this.fail('handshake', `HTTP ${response.status} instead of 101`);
      if (response.headers['sec-websocket-accept'] !== expectedAccept(this.key)) {
        return this.fail('handshake', 'wrong Sec-WebSocket-Accept');
      }
      this.open = true;
      this.handlers.onOpen?.(this);
      if (response.rest.length === 0) return;
      chunk = response.rest;
    }
    this.handlers.onData?.(this);
    try {
      this.reader.push(chunk);
    } catch (error) {
      return this.fail('protocol', /** @type {Error} */ (error).message);
    }
    this.handlers.onReadEnd?.(this);
  }

  /** @param {number} opcode @param {boolean} fin @param {Buffer} payload */
  frame(opcode, fin, payload) {
    if (opcode === OPCODE.TEXT || opcode === OPCODE.BINARY) {
      if (this.fragmentHead !== null) throw new Error('new data frame inside a fragmented message');
      if (fin) {
        this.handlers.onMessage?.(this, payload, payload.length);
      } else {
        this.fragmentHead = Buffer.from(payload.subarray(0, HEAD_BYTES));
        this.fragmentLength = payload.length;
      }
    } else if (opcode === OPCODE.CONTINUATION) {
      if (this.fragmentHead === null) throw new Error('continuation frame outside a fragmented message');
      if (this.fragmentHead.length < HEAD_BYTES) {
        this.fragmentHead = Buffer.concat([this.fragmentHead, payload.subarray(0, HEAD_BYTES - this.fragmentHead.length)]);
      }
      this.fragmentLength += payload.length;
      if (fin) {
        const head = this.fragmentHead;
        this.fragmentHead = null;
        this.handlers.onMessage?.(this, head, this.fragmentLength);
      }
    } else if (opcode === OPCODE.PING) {
      if (!this.closing) this.socket.write(buildClientFrame(payload, { opcode: OPCODE.PONG, maskKey: this.maskKey }));
    } else if (opcode === OPCODE.CLOSE) {
      if (!this.closing) {
        // The server started the close: unexpected in a benchmark, so it is an error.
        this.fail('closed', `server sent close ${payload.length >= 2 ? payload.readUInt16BE(0) : 1005}`);
      }
    } else if (opcode !== OPCODE.PONG) {
      throw new Error(`unknown opcode ${opcode}`);
    }
  }

  /** @param {Buffer} bytes */
  write(bytes) {
    if (this.open && !this.closing) this.socket.write(bytes);
  }

  /** Clean close: our close frame, then wait (bounded) for the server to end the TCP connection. */
  close() {
    if (this.closing || this.done) return;
    this.closing = true;
    if (this.open && !this.socket.destroyed) {
      this.socket.write(buildCloseFrame(1000, this.maskKey));
      this.socket.end();
      setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
    } else {
      this.socket.destroy();
    }
  }

  /** @param {'handshake' | 'socket' | 'protocol' | 'closed'} kind @param {string} detail */
  fail(kind, detail) {
    if (this.done || this.closing) return;
    this.closing = true;
    this.handlers.onError?.(this, kind, detail);
    this.socket.destroy();
    this.finish();
  }

  finish() {
    if (this.done) return;
    this.done = true;
    this.handlers.onClose?.(this);
  }
}
