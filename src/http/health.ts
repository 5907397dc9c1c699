// Liveness and readiness probes. /healthz answers 200 as long as the process
// serves HTTP at all (a liveness failure restarts the pod, so it must not depend
// on anything outside the process). /readyz answers 503 while the gateway drains
// (it stops accepting new connections, so the load balancer moves traffic away
// first) and while any registered dependency check fails (e.g. a required
// broker that is down): a pod that cannot deliver should not get new clients.
import { jsonReply } from './reply.js';
import type { Router } from './router.js';

/** A dependency the gateway needs to serve new clients; true while usable. Must be cheap and synchronous. */
export type ReadinessCheck = () => boolean;

export interface Readiness {
  /** Ready: not draining and every check passes. */
  readonly ready: boolean;
  readonly draining: boolean;
  setReady(ready: boolean): void;
  /** Registers a named dependency check (e.g. `broker`); a failing one makes /readyz 503 and names it. */
  addCheck(name: string, check: ReadinessCheck): void;
  /** Names of the checks failing right now. */
  failing(): string[];
}

export function createReadiness(): Readiness {
  let accepting = true;
  const checks = new Map<string, ReadinessCheck>();
  const failing = (): string[] => {
    const names: string[] = [];
    for (const [name, check] of checks) {
      let ok: boolean;
      try {
        ok = check();
      } catch {
        ok = false;
      }
      if (!ok) names.push(name);
    }
    return names;
  };
  return {
    get ready() {
      return accepting && failing().length === 0;
    },
    get draining() {
      return !accepting;
    },
    setReady(value: boolean) {
      accepting = value;
    },
    addCheck(name, check) {
      checks.set(name, check);
    },
    failing,
  };
}

export function addHealthRoutes(router: Router, readiness: Readiness): void {
  router.add(['GET'], '/healthz', 'healthz', () => jsonReply(200, { status: 'ok' }));
  router.add(['GET'], '/readyz', 'readyz', () => {
    if (readiness.draining) return jsonReply(503, { status: 'draining' });
    const failing = readiness.failing();
    return failing.length === 0 ? jsonReply(200, { status: 'ready' }) : jsonReply(503, { status: 'not_ready', failing });
  });
}
