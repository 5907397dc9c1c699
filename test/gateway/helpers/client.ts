// A `ws` client that records every message and lets a test wait for the ones it
// expects (each wait bounded in time, so a missing message fails, never hangs).
import WebSocket from 'ws';

export interface Received {
  data: Buffer;
  isBinary: boolean;
}

const WAIT_MS = 5000;

export class TestClient {
  readonly messages: Received[] = [];
  private waiters: (() => void)[] = [];
  closed: { code: number; reason: string } | null = null;
  private nextId = 1;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      this.messages.push({ data, isBinary });
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
  }

  static connect(url: string, protocols?: string[]): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, protocols);
      const client = new TestClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`unexpected response ${res.statusCode}`)));
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** JSON of every text message received so far. */
  json(): any[] {
    return this.messages.filter((m) => !m.isBinary).map((m) => JSON.parse(m.data.toString('utf8')));
  }

  /** Publications (envelopes) received so far. */
  publications(): any[] {
    return this.json().filter((m) => m.channel !== undefined && m.id === undefined);
  }

  /** Resolves once `count` messages in all have arrived. */
  async waitForCount(count: number, ms = WAIT_MS): Promise<void> {
    await this.waitUntil(() => this.messages.length >= count, ms, `${count} messages (have ${this.messages.length})`);
  }

  async waitUntil(predicate: () => boolean, ms = WAIT_MS, what = 'condition'): Promise<void> {
    const deadline = Date.now() + ms;
    while (!predicate()) {
      if (this.closed) throw new Error(`connection closed (${this.closed.code}) while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Sends a request (an id is added when missing) and resolves with its reply. */
  async request(body: Record<string, unknown>): Promise<any> {
    const id = body.id ?? this.nextId++;
    this.ws.send(JSON.stringify({ id, ...body }));
    return this.reply(id);
  }

  async reply(id: unknown): Promise<any> {
    let found: any;
    await this.waitUntil(() => (found = this.json().find((m) => m.id === id && ('ok' in m || 'error' in m))) !== undefined, WAIT_MS, `reply ${JSON.stringify(id)}`);
    return found;
  }

  /** A ping round trip: everything the server sent before its reply has arrived. */
  async sync(): Promise<void> {
    const reply = await this.request({ op: 'ping', id: `sync-${this.nextId++}` });
    if (!reply.ok) throw new Error('ping failed');
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

/** The HTTP status (and JSON body) a handshake is refused with. */
export function rejectedHandshake(url: string): Promise<{ status: number; body: any; reason: string | undefined }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => {
      ws.close();
      reject(new Error('handshake unexpectedly accepted'));
    });
    ws.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null, reason: res.headers['x-pushgate-reason'] as string | undefined });
      });
    });
    ws.once('error', () => {});
  });
}
