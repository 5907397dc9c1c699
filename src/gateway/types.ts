// The seam between the gateway core (routes, channels, client protocol, hub,
// broker, history) and its shell (config loading, HTTP API, CLI, createGateway).
import type { Engine, EngineHooks } from '../engines/types.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Where a publication came from (a metrics label). */
export type PublishSource = 'api' | 'client' | 'embed';

/** A publication's payload: JSON data, or raw bytes (stream publishing; text or binary). */
export type Payload = { kind: 'json'; data: Json } | { kind: 'raw'; bytes: Buffer; isBinary: boolean };

export interface PublishResult {
  channel: string;
  offset: number;
  epoch: string;
}

export interface ChannelInfo {
  channel: string;
  subscribers: number;
}

/** Thrown by core operations for bad input (bad channel name, not allowed …); `code` is the error table's code. */
export interface GatewayErrorLike extends Error {
  code: string;
}

export interface GatewayCore<Ctx = unknown> {
  /** The WebSocket hooks for an engine; `http` handles every plain HTTP request on the same port. */
  hooks(http: EngineHooks<Ctx>['http']): EngineHooks<Ctx>;
  /** Gives the core the engine it runs on (it needs `prepare` for frame-once fan-out). Call before listen. */
  attach(engine: Engine<Ctx>): void;
  publish(channel: string, payload: Payload, source: PublishSource): Promise<PublishResult>;
  channels(): ChannelInfo[];
  /** Counts for /api/info. */
  stats(): { connections: number; channels: number; subscriptions: number };
  /** Stop accepting handshakes (503), e.g. while draining. */
  setAccepting(accepting: boolean): void;
  close(): Promise<void>;
}
