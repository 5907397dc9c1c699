// A raw TCP WebSocket client for tests: it performs (or deliberately botches) the
// handshake, sends any bytes — hand-built masked frames, malformed frames, frames
// split at every byte — and reads back the exact frames, close codes and TCP end.
// Every wait is bounded in time.
import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';

export interface ServerFrame {
  fin: boolean;
  rsv: number;
  opcode: number;
  masked: boolean;
  payload: Buffer;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface FrameSpec {
  opcode: number;
  payload?: Uint8Array | string;
  fin?: boolean;
  rsv?: number;
  /** Clients must mask; false builds an illegal unmasked frame. */
  mask?: boolean;
  key?: Uint8Array;
  /** Announce this length instead of the payload's (to send only a header, or lie). */
  length?: number | bigint;
}

/** The RFC 6455 §1.3 example key; its accept value is s3pPLMBiTxaQ9kYGzzhZRbK+xOo=. */
export const SAMPLE_KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

/** Builds one client frame exactly as specified. */
export function encodeFrame(spec: FrameSpec): Buffer {
  const payload = typeof spec.payload === 'string' ? Buffer.from(spec.payload, 'utf8') : Buffer.from(spec.payload ?? []);
  const length = BigInt(spec.length ?? payload.length);
  const mask = spec.mask ?? true;
  const header: number[] = [((spec.fin ?? true) ? 0x80 : 0) | ((spec.rsv ?? 0) << 4) | spec.opcode];
  const maskBit = mask ? 0x80 : 0;
  if (length < 126n) header.push(maskBit | Number(length));
  else if (length < 0x10000n) header.push(maskBit | 126, Number(length >> 8n) & 0xff, Number(length) & 0xff);
  else {
    header.push(maskBit | 127);
    for (let i = 7; i >= 0; i--) header.push(Number((length >> BigInt(i * 8)) & 0xffn));
  }
  if (!mask) return Buffer.concat([Buffer.from(header), payload]);
  const key = spec.key ?? randomBytes(4);
  const masked = Buffer.alloc(payload.length);
  for (let i = 0; i < payload.length; i++) masked[i] = payload[i] ^ key[i & 3];
  return Buffer.concat([Buffer.from(header), key, masked]);
}

export function closePayload(code: number, reason = ''): Buffer {
  const out = Buffer.alloc(2 + Buffer.byteLength(reason));
  out.writeUInt16BE(code, 0);
  out.write(reason, 2);
  return out;
}

export interface HandshakeOptions {
  path?: string;
  /** Header overrides; null removes one of the defaults. */
  headers?: Record<string, string | null>;
  method?: string;
  httpVersion?: string;
}

export function handshakeRequest(opts: HandshakeOptions = {}): string {
  const headers: Record<string, string | null> = {
    Host: '127.0.0.1',
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': SAMPLE_KEY,
    'Sec-WebSocket-Version': '13',
    ...opts.headers,
  };
  let text = `${opts.method ?? 'GET'} ${opts.path ?? '/'} HTTP/${opts.httpVersion ?? '1.1'}\r\n`;
  for (const [name, value] of Object.entries(headers)) if (value !== null) text += `${name}: ${value}\r\n`;
  return text + '\r\n';
}

const DEFAULT_WAIT = 5000;

export class RawClient {
  readonly socket: Socket;
  /** Received bytes not yet consumed, kept as chunks so a large flood is merged once, not per read. */
  private chunks: Buffer[] = [];
  private total = 0;
  /** Bytes the incomplete frame at the front needs; no parse is attempted below that. */
  private need = 0;
  private waiters: Array<() => void> = [];
  /** The peer ended or closed the TCP connection. */
  ended = false;
  response: HttpResponse | null = null;

  private constructor(socket: Socket) {
    this.socket = socket;
    // Small writes leave as their own segments, so byte-by-byte splits reach the server split.
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.total += chunk.length;
      if (this.total >= this.need) this.wake();
    });
    const done = () => {
      this.ended = true;
      this.wake();
    };
    socket.on('end', done);
    socket.on('close', done);
    socket.on('error', done);
  }

  /** Opens a TCP connection without sending anything. */
  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1' });
      socket.once('connect', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Connects and completes a handshake; throws unless the answer is 101. */
  static async connect(port: number, opts: HandshakeOptions = {}): Promise<RawClient> {
    const client = await RawClient.open(port);
    client.send(handshakeRequest(opts));
    const res = await client.readResponse();
    if (res.status !== 101) {
      client.destroy();
      throw new Error(`handshake answered ${res.status}: ${res.body}`);
    }
    return client;
  }

  /** Sends a raw request and reads the whole answer up to the TCP end. */
  static async request(port: number, raw: string | Buffer): Promise<HttpResponse & { ended: boolean }> {
    const client = await RawClient.open(port);
    client.send(raw);
    const res = await client.readResponse();
    await client.waitEnd().catch(() => undefined);
    const ended = client.ended;
    client.destroy();
    return { ...res, ended };
  }

  send(data: string | Uint8Array): void {
    this.socket.write(data);
  }

  sendFrame(spec: FrameSpec): void {
    this.send(encodeFrame(spec));
  }

  /** Reads the HTTP response head (and a Content-Length body for non-101 answers). */
  async readResponse(timeout = DEFAULT_WAIT): Promise<HttpResponse> {
    const end = await this.until(() => {
      const i = this.buf.indexOf('\r\n\r\n');
      this.need = 0;
      return i === -1 ? null : i;
    }, timeout);
    const lines = this.buf.subarray(0, end).toString('latin1').split('\r\n');
    const status = Number(lines[0].split(' ')[1]);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const c = line.indexOf(':');
      headers[line.slice(0, c).trim().toLowerCase()] = line.slice(c + 1).trim();
    }
    this.buf = this.buf.subarray(end + 4);
    let body = '';
    if (status !== 101) {
      const length = Number(headers['content-length'] ?? 0);
      await this.until(() => (this.buf.length >= length ? true : null), timeout);
      body = this.buf.subarray(0, length).toString('utf8');
      this.buf = this.buf.subarray(length);
    }
    this.response = { status, headers, body };
    return this.response;
  }

  /** The next complete server frame. */
  nextFrame(timeout = DEFAULT_WAIT): Promise<ServerFrame> {
    return this.until(() => this.takeFrame(), timeout);
  }

  /** Frames up to and including the close frame; returns its code (1005 if empty) and reason. */
  async readUntilClose(timeout = DEFAULT_WAIT): Promise<{ code: number; reason: string; frames: ServerFrame[] }> {
    const frames: ServerFrame[] = [];
    const deadline = Date.now() + timeout;
    for (;;) {
      const f = await this.nextFrame(Math.max(1, deadline - Date.now()));
      frames.push(f);
      if (f.opcode === 0x8) {
        const code = f.payload.length >= 2 ? f.payload.readUInt16BE(0) : 1005;
        return { code, reason: f.payload.subarray(2).toString('utf8'), frames };
      }
    }
  }

  /** Resolves when the server ended or closed the TCP connection. */
  waitEnd(timeout = DEFAULT_WAIT): Promise<void> {
    return this.until(() => (this.ended ? true : null), timeout).then(() => undefined);
  }

  /** Bytes received and not yet parsed as frames. */
  get pending(): Buffer {
    return this.buf;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private get buf(): Buffer {
    if (this.chunks.length !== 1) this.chunks = [Buffer.concat(this.chunks, this.total)];
    return this.chunks[0];
  }

  private set buf(value: Buffer) {
    this.chunks = [value];
    this.total = value.length;
  }

  private takeFrame(): ServerFrame | null {
    if (this.total < this.need) return null;
    const b = this.buf;
    if (b.length < 2) return null;
    let len = b[1] & 0x7f;
    let off = 2;
    if (len === 126) {
      if (b.length < 4) return null;
      len = b.readUInt16BE(2);
      off = 4;
    } else if (len === 127) {
      if (b.length < 10) return null;
      len = Number(b.readBigUInt64BE(2));
      off = 10;
    }
    const masked = (b[1] & 0x80) !== 0;
    if (masked) off += 4;
    if (b.length < off + len) {
      this.need = off + len;
      return null;
    }
    this.need = 0;
    const frame: ServerFrame = {
      fin: (b[0] & 0x80) !== 0,
      rsv: (b[0] >> 4) & 7,
      opcode: b[0] & 0x0f,
      masked,
      payload: Buffer.from(b.subarray(off, off + len)),
    };
    this.buf = b.subarray(off + len);
    return frame;
  }

  private until<T>(check: () => T | null, timeout: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const attempt = () => {
        const value = check();
        if (value !== null) {
          finish();
          resolve(value);
          return true;
        }
        return false;
      };
      const waiter = () => {
        if (!attempt() && this.ended && check() === null) {
          finish();
          reject(new Error('connection ended while waiting'));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`timed out after ${timeout} ms (buffered ${this.buf.length} bytes, ended=${this.ended})`));
      }, timeout);
      const finish = () => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
      };
      if (attempt()) return;
      if (this.ended) {
        finish();
        reject(new Error('connection ended while waiting'));
        return;
      }
      this.waiters.push(waiter);
    });
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}
