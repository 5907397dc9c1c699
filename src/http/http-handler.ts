// The one plain-HTTP entry point an engine calls (EngineHooks.http): builds the
// router from the config and wraps it with API authorisation, API request
// counting, HEAD handling and the rule that every failure is a JSON error.
import type { GatewayConfig } from '../control/config-types.js';
import type { HttpBody, HttpReply, RequestInfo } from '../engines/types.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { addApiRoutes, type ApiDeps } from './api.js';
import { createApiAuth } from './auth.js';
import { addHealthRoutes, type Readiness } from './health.js';
import { addMetricsRoute } from './metrics-endpoint.js';
import { errorReply, replyForThrown } from './reply.js';
import { Router } from './router.js';
import { addStaticRoutes } from './static.js';

export type HttpHandler = (request: RequestInfo, body: HttpBody) => Promise<HttpReply>;

export interface HttpHandlerDeps extends Omit<ApiDeps, 'maxBodySize'> {
  config: GatewayConfig;
  metrics: Metrics;
  readiness: Readiness;
  /** Directory of the demo page (default: the package's public/). */
  publicDir?: string;
}

function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/');
}

export function createHttpHandler(deps: HttpHandlerDeps): HttpHandler {
  const { config, metrics, logger } = deps;
  const router = new Router();
  addHealthRoutes(router, deps.readiness);
  // With metrics.port set, /metrics lives on its own listener only (src/http/metrics-server.ts).
  if (config.metrics.enabled && config.metrics.port === 0) addMetricsRoute(router, metrics, config.metrics.path);
  addApiRoutes(router, { ...deps, maxBodySize: config.api.maxBodySize });
  if (config.demo.enabled) addStaticRoutes(router, deps.publicDir);
  const authorise = createApiAuth(config.api.keys, config.trustedProxies);

  async function dispatch(request: RequestInfo, body: HttpBody): Promise<{ reply: HttpReply; label: string }> {
    if (isApiPath(request.path)) {
      // Before routing, so a caller without access learns nothing, not even which endpoints exist.
      const denied = authorise(request);
      if (denied) {
        const headers: Record<string, string> = denied.httpStatus === 401 ? { 'www-authenticate': 'Bearer' } : {};
        return { reply: errorReply(denied, headers), label: 'denied' };
      }
    }
    const match = router.resolve(request);
    if (!('route' in match)) return match;
    try {
      return { reply: await match.route.handler(request, body, match.params), label: match.route.label };
    } catch (error) {
      const { reply, internal } = replyForThrown(error);
      if (internal) logger.error({ err: error, method: request.method, path: request.path }, 'HTTP handler failed');
      return { reply, label: match.route.label };
    }
  }

  return async (request, body) => {
    const { reply, label } = await dispatch(request, body);
    if (isApiPath(request.path)) metrics.apiRequests.labels(label, String(reply.status)).inc();
    // HEAD gets GET's status and headers, without the body.
    return request.method === 'HEAD' ? { status: reply.status, headers: reply.headers } : reply;
  };
}
