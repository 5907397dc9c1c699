// Log lines for rejected handshakes, sampled. A client stuck in a reconnect loop
// with a bad token, or a scanner, can cause thousands of rejections a second;
// one line each would drown the logs (and cost more than the rejection). So per
// reason (HTTP status + code) the first `limit` rejections of each 10 s window
// are logged in full, and the rest of the window becomes one summary line with a
// count. The handshakes metric still counts every one of them.
import type { EngineHooks, RequestInfo, UpgradeDecision } from '../engines/types.js';
import type { Logger } from '../logger.js';

export const SAMPLE_WINDOW_MS = 10_000;

export interface RejectionLogOptions {
  logger: Logger;
  /** Full lines per reason per window (0: none, only summaries). */
  limit: number;
  windowMs?: number;
  /** The client's address as the control plane sees it (X-Forwarded-For from trusted proxies); default: the TCP peer. */
  clientAddress?: (request: RequestInfo) => string;
}

export interface RejectionLog {
  record(request: RequestInfo, rejection: { status: number; code: string; message: string }): void;
  /** Writes the summary lines of the current window now (on shutdown). */
  flush(): void;
}

interface Tally {
  status: number;
  code: string;
  seen: number;
}

export function createRejectionLog(options: RejectionLogOptions): RejectionLog {
  const { logger, limit } = options;
  const windowMs = options.windowMs ?? SAMPLE_WINDOW_MS;
  const clientAddress = options.clientAddress ?? ((request: RequestInfo) => request.remoteAddress);
  const tallies = new Map<string, Tally>();
  let timer: NodeJS.Timeout | null = null;

  function flush(): void {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    for (const { status, code, seen } of tallies.values()) {
      const suppressed = seen - Math.min(seen, limit);
      if (suppressed > 0) {
        logger.info({ event: 'handshake_rejected_summary', status, code, suppressed, windowMs }, `${suppressed} more rejected handshake(s) (${status} ${code}) not logged individually`);
      }
    }
    tallies.clear();
  }

  return {
    record(request, rejection) {
      const key = `${rejection.status} ${rejection.code}`;
      let tally = tallies.get(key);
      if (!tally) tallies.set(key, (tally = { status: rejection.status, code: rejection.code, seen: 0 }));
      tally.seen++;
      if (timer === null) {
        timer = setTimeout(flush, windowMs);
        timer.unref();
      }
      if (tally.seen > limit) return;
      let address: string;
      try {
        address = clientAddress(request);
      } catch {
        address = request.remoteAddress;
      }
      logger.info(
        {
          event: 'handshake_rejected',
          status: rejection.status,
          code: rejection.code,
          reason: rejection.message,
          path: request.path.slice(0, 200),
          clientAddress: address,
          remoteAddress: request.remoteAddress,
          origin: request.headers.origin?.slice(0, 200),
        },
        'handshake rejected',
      );
    },
    flush,
  };
}

/** The same hooks with every rejecting upgrade decision recorded (sync decisions stay sync). */
export function withRejectionLog<Ctx>(hooks: EngineHooks<Ctx>, log: RejectionLog): EngineHooks<Ctx> {
  const upgrade = hooks.upgrade;
  const note = (request: RequestInfo, decision: UpgradeDecision<Ctx>): UpgradeDecision<Ctx> => {
    if (!decision.accept) log.record(request, decision);
    return decision;
  };
  return {
    ...hooks,
    upgrade(request) {
      const decision = upgrade(request);
      return decision instanceof Promise ? decision.then((d) => note(request, d)) : note(request, decision);
    },
  };
}
