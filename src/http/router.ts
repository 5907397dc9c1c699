// Plain HTTP dispatch over engine-neutral types (RequestInfo, HttpBody →
// HttpReply), so every engine serves the same API, health, metrics and page.
// Patterns are literal paths with optional `:name` segments; `*` as the last
// segment matches the rest of the path (for the static files).
import type { HttpBody, HttpReply, RequestInfo } from '../engines/types.js';
import { createError } from '../protocol/errors.js';
import { errorReply } from './reply.js';

export type Params = Record<string, string>;
export type Handler = (request: RequestInfo, body: HttpBody, params: Params) => HttpReply | Promise<HttpReply>;

export interface Route {
  methods: readonly string[];
  pattern: string;
  handler: Handler;
  /** Bounded name for metrics (`publish`, `channels` …). */
  label: string;
}

export interface Match {
  route: Route;
  params: Params;
}

function matchPattern(pattern: string, path: string): Params | null {
  const want = pattern.split('/');
  const got = path.split('/');
  const params: Params = {};
  for (let i = 0; i < want.length; i++) {
    const segment = want[i];
    if (segment === '*' && i === want.length - 1) {
      params['*'] = got.slice(i).join('/');
      return params;
    }
    if (i >= got.length) return null;
    if (segment.startsWith(':')) {
      if (got[i] === '') return null;
      params[segment.slice(1)] = got[i];
    } else if (segment !== got[i]) {
      return null;
    }
  }
  return got.length === want.length ? params : null;
}

export class Router {
  private readonly routes: Route[] = [];

  add(methods: readonly string[], pattern: string, label: string, handler: Handler): this {
    this.routes.push({ methods, pattern, label, handler });
    return this;
  }

  /**
   * The route that serves this request, or the reply to send when none does:
   * 404 when no pattern matches the path, 405 with `Allow` when one does but
   * not for this method. HEAD is served wherever GET is.
   */
  resolve(request: RequestInfo): Match | { reply: HttpReply; label: string } {
    const allowed = new Set<string>();
    let label = 'unknown';
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    for (const route of this.routes) {
      const params = matchPattern(route.pattern, request.path);
      if (!params) continue;
      if (route.methods.includes(method)) return { route, params };
      label = route.label;
      for (const m of route.methods) allowed.add(m);
      if (route.methods.includes('GET')) allowed.add('HEAD');
    }
    if (allowed.size === 0) return { reply: errorReply(createError('PG_ERR_NOT_FOUND', request.path)), label };
    const allow = [...allowed].join(', ');
    return { reply: errorReply(createError('PG_ERR_METHOD_NOT_ALLOWED', `allowed: ${allow}`), { allow }), label };
  }
}
