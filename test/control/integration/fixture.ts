// Shared by the end-to-end control-plane suites: a real gateway started through
// createGateway on a loopback port for a given engine, a `ws` client that
// reports what a user would see of a handshake (status, headers, JSON body, or
// the open socket), and readers for metric values.
import { request, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { SignJWT, type JWTPayload } from 'jose';
import WebSocket from 'ws';
import { createGateway, type Gateway, type GatewayConfigInput } from '../../../src/index.js';
import type { EngineUnderTest } from '../../helpers/engines.js';

export const SECRET = 'integration-secret-of-at-least-32-bytes';
export const OTHER_SECRET = 'some-other-secret-also-at-least-32-bytes';

export interface Running {
  gateway: Gateway;
  port: number;
  base: string;
  url(path: string): string;
}

export async function start(engine: EngineUnderTest, config: GatewayConfigInput = {}): Promise<Running> {
  const gateway = await createGateway({
    config: { ...config, server: { host: '127.0.0.1', port: 0, ...config.server, engine }, log: { level: 'silent' } },
  });
  const { port } = await gateway.listen();
  return { gateway, port, base: `http://127.0.0.1:${port}`, url: (path) => `ws://127.0.0.1:${port}${path}` };
}

/** Signs an HS256 token; `ttl` seconds until `exp` (negative: already expired). */
export function token(payload: JWTPayload = {}, options: { ttl?: number; secret?: string } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iat: now, exp: now + (options.ttl ?? 3600), ...payload })
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode(options.secret ?? SECRET));
}

export interface HandshakeOptions {
  headers?: Record<string, string>;
  protocols?: string[];
  origin?: string;
  localAddress?: string;
}

export type Handshake =
  | { status: 101; headers: IncomingHttpHeaders; client: Client }
  | { status: number; headers: IncomingHttpHeaders; body: { error: { code: string; message: string } } };

const TIMEOUT_MS = 10_000;

/** Opens a WebSocket and resolves with what came back: the 101 and a client, or the refusal. */
export function handshake(url: string, options: HandshakeOptions = {}): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options.protocols ?? [], {
      headers: options.headers,
      origin: options.origin,
      localAddress: options.localAddress,
      handshakeTimeout: TIMEOUT_MS,
    });
    let upgradeHeaders: IncomingHttpHeaders = {};
    ws.once('upgrade', (res) => (upgradeHeaders = res.headers));
    ws.once('open', () => resolve({ status: 101, headers: upgradeHeaders, client: new Client(ws) }));
    ws.once('unexpected-response', (req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        ws.on('error', () => {});
        req.destroy();
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) });
        } catch {
          reject(new Error(`refusal body is not JSON: ${text}`));
        }
      });
    });
    ws.once('error', reject);
  });
}

/** Opens and expects the 101. */
export async function connect(url: string, options: HandshakeOptions = {}): Promise<Client> {
  const result = await handshake(url, options);
  if (result.status !== 101) throw new Error(`expected 101, got ${result.status} ${JSON.stringify((result as { body: unknown }).body)}`);
  return (result as { client: Client }).client;
}

/** A WebSocket client recording what it receives, with bounded waits. */
export class Client {
  readonly messages: string[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private wake: (() => void) | null = null;
  private nextId = 1;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.messages.push(String(data));
      this.wake?.();
    });
    ws.on('error', () => {});
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
  }

  get protocol(): string {
    return this.ws.protocol;
  }

  /** Resolves with the message at `index` once it arrived (bounded). */
  async message(index: number, timeoutMs = TIMEOUT_MS): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length <= index) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected message #${index}, got ${this.messages.length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return this.messages[index];
  }

  /** Sends a pubsub request and waits for the reply carrying its id. */
  async request(body: Record<string, unknown>): Promise<any> {
    const id = this.nextId++;
    const start = this.messages.length;
    this.ws.send(JSON.stringify({ id, ...body }));
    for (let i = start; ; i++) {
      const reply = JSON.parse(await this.message(i));
      if (reply.id === id) return reply;
    }
  }

  /** Waits for the close (bounded): the code and reason the client got. */
  async waitClosed(timeoutMs = TIMEOUT_MS): Promise<{ code: number; reason: string }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('connection did not close in time')), timeoutMs);
    });
    try {
      return await Promise.race([this.closed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  terminate(): void {
    this.ws.terminate();
  }
}

/** Sum of a metric's samples whose labels include `labels` (0 when none). */
export async function metric(gateway: Gateway, name: string, labels: Record<string, string> = {}): Promise<number> {
  const found = gateway.metrics.registry.getSingleMetric(name);
  if (!found) throw new Error(`no metric ${name}`);
  const { values } = await found.get();
  return values
    .filter((sample) => Object.entries(labels).every(([key, value]) => String(sample.labels[key]) === value))
    .reduce((sum, sample) => sum + sample.value, 0);
}

/** Asserts-friendly view of a refusal: status, code, header reason. */
export function refusal(result: Handshake): { status: number; code: string | undefined; reason: string | undefined } {
  const body = 'body' in result ? result.body : undefined;
  return { status: result.status, code: body?.error.code, reason: result.headers['x-pushgate-reason'] as string | undefined };
}

/**
 * A raw upgrade request (node:http, no WebSocket client logic): the status and
 * the response headers exactly as sent, for checks a client library would hide
 * (which subprotocol was selected, whether a token appears in the response).
 */
export function rawUpgrade(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; head: string }> {
  return new Promise((resolve, reject) => {
    const req = request({
      port,
      host: '127.0.0.1',
      path,
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        ...headers,
      },
      timeout: TIMEOUT_MS,
    });
    const headOf = (res: IncomingMessage) =>
      `HTTP/1.1 ${res.statusCode}\r\n` + res.rawHeaders.map((v, i) => (i % 2 === 0 ? `${v}: ` : `${v}\r\n`)).join('');
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, head: headOf(res) });
    });
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, head: headOf(res) });
    });
    req.on('timeout', () => req.destroy(new Error('raw upgrade timed out')));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Waits (bounded, polling) until a metric reaches `expected`, and returns what
 * it last read: close codes are counted when the server's side of the close
 * completes, which can be just after the client saw it.
 */
export async function metricReaches(gateway: Gateway, name: string, labels: Record<string, string>, expected: number, timeoutMs = 5000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let value = await metric(gateway, name, labels);
  while (value !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    value = await metric(gateway, name, labels);
  }
  return value;
}
