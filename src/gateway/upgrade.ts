// The upgrade hook: the gateway's answer to every WebSocket handshake. Route
// matching, the stream channel from the URL, the control plane's checks (a list
// run in order), subprotocol selection, the connection options of the route,
// and the handshakes counter. Synchronous unless a check answers with a Promise
// (JWT verification …): the checks run synchronously up to that one, and the
// decision is a Promise only from there.
import type { RequestInfo, UpgradeDecision } from '../engines/types.js';
import type { HandshakeResult, Metrics } from '../metrics/metrics.js';
import { createError, type PushgateError } from '../protocol/errors.js';
import { channelNameError } from './channels.js';
import { ConnectionContext, runCleanup, type ChannelCheck, type RouteRuntime, type UpgradeCheck, type UpgradeCheckInput, type UpgradeRejection } from './context.js';
import { selectSubprotocol, type RouteTable } from './routes.js';

/** `route` label of handshakes that matched no route (one value, so unknown paths cannot grow the label set). */
export const UNMATCHED_ROUTE_LABEL = 'none';

export interface UpgradeHandlerOptions {
  table: RouteTable;
  runtimeOf(route: RouteTable['routes'][number]): RouteRuntime;
  maxChannelLength: number;
  metrics: Metrics;
  checks: readonly UpgradeCheck[];
  channelChecks: readonly ChannelCheck[];
  isAccepting(): boolean;
}

type Decision = UpgradeDecision<ConnectionContext>;

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | null)?.then === 'function';
}

function failed(error: unknown): UpgradeRejection {
  return { error: createError('PG_ERR_UPGRADE_FAILED', error instanceof Error ? error.message : String(error)), result: 'error' };
}

export function createUpgradeHandler(options: UpgradeHandlerOptions): (request: RequestInfo) => Decision | Promise<Decision> {
  const { table, metrics } = options;
  const counters = new Map<string, { inc(): void }>();
  const count = (route: string, result: HandshakeResult) => {
    const key = `${route}\n${result}`;
    let child = counters.get(key);
    if (!child) counters.set(key, (child = metrics.handshakes.labels(route, result)));
    child.inc();
  };

  const reject = (route: string, rejection: UpgradeRejection): Decision => {
    count(route, rejection.result);
    const { error } = rejection;
    return {
      accept: false,
      status: error.httpStatus ?? 500,
      code: error.code,
      message: error.message,
      ...(rejection.headers ? { headers: rejection.headers } : {}),
    };
  };

  const accept = (input: UpgradeCheckInput): Decision => {
    const { context, route } = input;
    count(route.label, 'accepted');
    // Filtered by a check when the header carried a token entry: the token is never selected.
    const offered = input.protocols === null ? input.request.headers['sec-websocket-protocol'] : input.protocols.join(',');
    const protocol = selectSubprotocol(route, offered);
    return { accept: true, protocol, options: route.connectionOptions, context };
  };

  const refuse = (context: ConnectionContext, rejection: UpgradeRejection): Decision => {
    runCleanup(context);
    return reject(context.route.label, rejection);
  };

  /** Runs checks[from..] in order: synchronously while each answers synchronously, on a Promise from the first that does not. */
  const runChecks = (input: UpgradeCheckInput, from: number): Decision | Promise<Decision> => {
    const context = input.context;
    const checks = options.checks;
    for (let i = from; i < checks.length; i++) {
      let outcome: ReturnType<UpgradeCheck>;
      try {
        outcome = checks[i](input);
      } catch (error) {
        return refuse(context, failed(error));
      }
      if (isPromiseLike(outcome)) {
        return Promise.resolve(outcome).then(
          (rejection) => (rejection ? refuse(context, rejection) : runChecks(input, i + 1)),
          (error: unknown) => refuse(context, failed(error)),
        );
      }
      if (outcome) return refuse(context, outcome);
    }
    // Stream channels are checked against claims only now, after checks set them.
    let denied: PushgateError | null;
    try {
      denied = context.channel === null ? null : channelDenied(context);
    } catch (error) {
      return refuse(context, failed(error));
    }
    if (denied) return refuse(context, { error: denied, result: 'forbidden' });
    return accept(input);
  };

  const channelDenied = (context: ConnectionContext): PushgateError | null => {
    for (const check of options.channelChecks) {
      const error = check(context, 'subscribe', context.channel!);
      if (error) return error;
    }
    return null;
  };

  return (request) => {
    const match = table.match(request.path);
    if (!match) return reject(UNMATCHED_ROUTE_LABEL, { error: createError('PG_ERR_ROUTE_NOT_FOUND', request.path.slice(0, 200)), result: 'not_found' });
    const route = options.runtimeOf(match.route);
    if (!options.isAccepting()) return reject(route.label, { error: createError('PG_ERR_NOT_ACCEPTING'), result: 'draining' });

    let channel: string | null = null;
    if (route.config.type === 'stream') {
      const invalid =
        match.channel === undefined
          ? createError('PG_ERR_BAD_CHANNEL', 'the path segment is not valid percent-encoding')
          : channelNameError(match.channel, options.maxChannelLength);
      if (invalid) return reject(route.label, { error: invalid, result: 'bad_request' });
      channel = match.channel as string;
      if (!route.allowsChannel(channel)) {
        return reject(route.label, { error: createError('PG_ERR_CHANNEL_NOT_ALLOWED', channel), result: 'forbidden' });
      }
    }

    const context = new ConnectionContext(route, channel, request.remoteAddress);
    return runChecks({ request, route, context, protocols: null }, 0);
  };
}
