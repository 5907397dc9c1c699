// The route table: URL path patterns compiled once at start-up, matched per
// handshake. A pattern is a literal path (`/ws`) or a path with one `:channel`
// segment (`/stream/:channel`); anything else is a configuration error.
import type { RouteConfig } from '../control/config-types.js';
import type { ConnectionOptions } from '../engines/types.js';
import { compileChannelPatterns } from './channels.js';

export interface CompiledRoute {
  readonly config: RouteConfig;
  /** The configured path pattern: the `route` label of every metric. */
  readonly label: string;
  /** The options every connection of this route gets (one shared object). */
  readonly connectionOptions: ConnectionOptions;
  /** Whether a channel matches the route's `channels` patterns. */
  readonly allowsChannel: (channel: string) => boolean;
}

export interface RouteMatch {
  readonly route: CompiledRoute;
  /**
   * The percent-decoded `:channel` segment (null for literal routes). A `/`
   * inside a channel name must be sent as `%2F`, since the segment stops at `/`.
   * `undefined` when the segment is not valid percent-encoding.
   */
  readonly channel: string | null | undefined;
}

export interface RouteTable {
  readonly routes: readonly CompiledRoute[];
  match(path: string): RouteMatch | null;
}

interface ParamRoute {
  prefix: string;
  suffix: string;
  route: CompiledRoute;
}

export class RouteConfigError extends Error {
  constructor(index: number, message: string) {
    super(`routes[${index}].path: ${message}`);
    this.name = 'RouteConfigError';
  }
}

const PARAM = ':channel';

export function compileRoutes(configs: readonly RouteConfig[]): RouteTable {
  const literal = new Map<string, CompiledRoute>();
  const withParam: ParamRoute[] = [];
  const routes: CompiledRoute[] = [];

  configs.forEach((config, index) => {
    const path = config.path;
    if (!path.startsWith('/')) throw new RouteConfigError(index, `must start with "/" (got ${JSON.stringify(path)})`);
    const route = compileRoute(config);
    const segments = path.split('/');
    const params = segments.filter((s) => s.startsWith(':'));
    if (params.length > 1 || (params.length === 1 && params[0] !== PARAM)) {
      throw new RouteConfigError(index, `only one ":channel" segment is supported (got ${JSON.stringify(path)})`);
    }
    if (params.length === 0) {
      if (literal.has(path)) throw new RouteConfigError(index, `duplicate path ${JSON.stringify(path)}`);
      if (config.type === 'stream') throw new RouteConfigError(index, 'a stream route needs a ":channel" segment');
      literal.set(path, route);
    } else {
      const at = path.indexOf(PARAM);
      const prefix = path.slice(0, at);
      const suffix = path.slice(at + PARAM.length);
      if (config.type !== 'stream') throw new RouteConfigError(index, `":channel" is only meaningful on stream routes (type ${config.type})`);
      if (withParam.some((p) => p.prefix === prefix && p.suffix === suffix)) {
        throw new RouteConfigError(index, `duplicate path ${JSON.stringify(path)}`);
      }
      withParam.push({ prefix, suffix, route });
    }
    routes.push(route);
  });

  return {
    routes,
    match(path) {
      const exact = literal.get(path);
      if (exact) return { route: exact, channel: null };
      for (const p of withParam) {
        if (path.length <= p.prefix.length + p.suffix.length) continue;
        if (!path.startsWith(p.prefix) || !path.endsWith(p.suffix)) continue;
        const segment = path.slice(p.prefix.length, path.length - p.suffix.length);
        if (segment.includes('/')) continue;
        return { route: p.route, channel: decodeSegment(segment) };
      }
      return null;
    },
  };
}

function compileRoute(config: RouteConfig): CompiledRoute {
  return {
    config,
    label: config.path,
    connectionOptions: Object.freeze({
      maxMessageSize: config.maxMessageSize,
      compression: config.compression,
      maxBufferedAmount: config.maxBufferedAmount,
      slowConsumer: config.slowConsumer,
      pingInterval: config.pingInterval,
      pongTimeout: config.pongTimeout,
    }),
    allowsChannel: compileChannelPatterns(config.channels),
  };
}

function decodeSegment(segment: string): string | undefined {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * The subprotocol to select: the first of the route's `subprotocols` (its order
 * of preference) that the client offered. Undefined when none matches or the
 * route lists none; the handshake then proceeds without a subprotocol (RFC 6455
 * lets the server select none; a client that insists will close on its own).
 */
export function selectSubprotocol(route: CompiledRoute, offeredHeader: string | undefined): string | undefined {
  const accepted = route.config.subprotocols;
  if (!offeredHeader || accepted.length === 0) return undefined;
  const offered = new Set(offeredHeader.split(',').map((s) => s.trim()).filter(Boolean));
  return accepted.find((p) => offered.has(p));
}
