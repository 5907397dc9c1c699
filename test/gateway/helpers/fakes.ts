// Fake engine pieces for unit tests of the hub and core: connections that record
// what was written to them, and a prepare() that counts its calls.
import type { Connection, Engine, PreparedMessage, ReadyState } from '../../../src/engines/types.js';
import type { ConnectionContext } from '../../../src/gateway/context.js';
import type { Metrics } from '../../../src/metrics/metrics.js';

export interface FakePrepared extends PreparedMessage {
  readonly data: string | Uint8Array;
}

export interface Written {
  text: string | null;
  bytes: Buffer;
  isBinary: boolean;
  prepared: boolean;
}

export class FakeConnection<Ctx = unknown> implements Connection<Ctx> {
  static nextId = 1;
  readonly id = FakeConnection.nextId++;
  readonly protocol = '';
  readyState: ReadyState = 1;
  closeCodeSent: number | null = null;
  bufferedAmount = 0;
  /** When false, sends report a drop (slow consumer). */
  accepting = true;
  readonly written: Written[] = [];
  closedWith: { code?: number; reason?: string } | null = null;

  constructor(readonly context: Ctx) {}

  send(data: string | Uint8Array, isBinary = typeof data !== 'string'): boolean {
    if (!this.accepting || this.readyState !== 1) return false;
    this.written.push(record(data, isBinary, false));
    return true;
  }

  sendPrepared(message: PreparedMessage): boolean {
    if (!this.accepting || this.readyState !== 1) return false;
    const m = message as FakePrepared;
    this.written.push(record(m.data, m.isBinary, true));
    return true;
  }

  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
    // As the engines do: the first close the server starts is the one counted as sent.
    this.closeCodeSent ??= code ?? 1000;
    this.readyState = 2;
  }

  terminate(): void {
    this.readyState = 3;
  }

  /** Text messages parsed as JSON. */
  json(): any[] {
    return this.written.map((w) => JSON.parse(w.text!));
  }
}

function record(data: string | Uint8Array, isBinary: boolean, prepared: boolean): Written {
  const bytes = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data);
  return { text: isBinary ? null : bytes.toString('utf8'), bytes, isBinary, prepared };
}

export function countingPrepare() {
  const calls: FakePrepared[] = [];
  const prepare = (data: string | Uint8Array, isBinary: boolean): FakePrepared => {
    const message = { data, isBinary, byteLength: typeof data === 'string' ? Buffer.byteLength(data) : data.length };
    calls.push(message);
    return message;
  };
  return { prepare, calls };
}

/** An engine that never listens: for driving the core's hooks by hand. */
export function fakeEngine(prepare = countingPrepare().prepare): Engine<ConnectionContext> {
  return { name: 'node', prepare, listen: async () => ({ port: 0 }), stopListening: async () => {}, openConnections: () => [], close: async () => {} };
}

/** The current value of a metric sample (0 when the label set has none); `sample` picks a histogram's `_count`/`_sum`. */
export async function metricValue(metrics: Metrics, name: string, labels: Record<string, string>, sample?: string): Promise<number> {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const data = await metric.get();
  const values = data.values as { value: number; labels: Record<string, string | number>; metricName?: string }[];
  const found = values.find(
    (v) =>
      (sample === undefined ? !v.metricName || v.metricName === name : v.metricName === sample) &&
      Object.entries(labels).every(([k, val]) => String(v.labels[k]) === val),
  );
  return found ? Number(found.value) : 0;
}
