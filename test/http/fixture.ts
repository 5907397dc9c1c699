// Shared by the HTTP tests: a real gateway on a loopback port, plus small
// clients (fetch, raw TCP, WebSocket) that see exactly what a user would.
import { connect } from 'node:net';
import WebSocket from 'ws';
import { createGateway, type Gateway, type GatewayConfigInput } from '../../src/index.js';

export async function startGateway(config: GatewayConfigInput = {}): Promise<{ gateway: Gateway; base: string; port: number }> {
  const gateway = await createGateway({
    config: { ...config, server: { host: '127.0.0.1', port: 0, ...config.server }, log: { level: 'silent' } },
  });
  const { port } = await gateway.listen();
  return { gateway, base: `http://127.0.0.1:${port}`, port };
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export async function call(base: string, method: string, path: string, body?: string | Uint8Array, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await fetch(base + path, { method, body, headers, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export function postJson(base: string, path: string, value: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  return call(base, 'POST', path, JSON.stringify(value), { 'content-type': 'application/json', ...headers });
}

/** Sends `request` verbatim (no client-side path normalisation) and returns the whole raw response. */
export function rawRequest(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('raw request timed out'));
    }, 10_000);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
    socket.write(request);
  });
}

/** A WebSocket client that records every message it receives. */
export class TestClient {
  readonly messages: Array<{ data: Buffer; isBinary: boolean }> = [];
  private waiters: Array<() => void> = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      this.messages.push({ data: Buffer.from(data as Buffer), isBinary });
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static open(url: string): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const client = new TestClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  /** Waits (bounded) until at least `count` messages have arrived. */
  async waitFor(count: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} messages, got ${this.messages.length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  json(index: number): any {
    return JSON.parse(this.messages[index].data.toString('utf8'));
  }

  send(value: unknown): void {
    this.ws.send(JSON.stringify(value));
  }

  close(): void {
    this.ws.terminate();
  }
}
