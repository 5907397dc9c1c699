// Liveness and readiness probes. /healthz answers 200 as long as the process
// serves HTTP at all; /readyz turns 503 while the gateway drains (it stops
// accepting new connections), so a load balancer moves traffic away first.
import { jsonReply } from './reply.js';
import type { Router } from './router.js';

export interface Readiness {
  readonly ready: boolean;
  setReady(ready: boolean): void;
}

export function createReadiness(): Readiness {
  let ready = true;
  return {
    get ready() {
      return ready;
    },
    setReady(value: boolean) {
      ready = value;
    },
  };
}

export function addHealthRoutes(router: Router, readiness: Readiness): void {
  router.add(['GET'], '/healthz', 'healthz', () => jsonReply(200, { status: 'ok' }));
  router.add(['GET'], '/readyz', 'readyz', () =>
    readiness.ready ? jsonReply(200, { status: 'ready' }) : jsonReply(503, { status: 'draining' }),
  );
}
