// Checks that need more than one value at a time (or the meaning of a value):
// route paths that collide or are malformed, namespace names, reserved HTTP paths.
import type { GatewayConfig } from '../config-types.js';
import type { ConfigIssue } from './errors.js';
import { securityConfigIssues } from '../security-config.js';

/** Namespace names are channel-name prefixes before the `:`, so they may not contain one. */
export const NAMESPACE_NAME = /^[A-Za-z0-9_.-]+$/;

const RESERVED_HTTP_PATHS = ['/', '/healthz', '/readyz', '/index.html', '/app.js', '/style.css'];

function checkRoutePath(path: string, type: string): string | undefined {
  if (!path.startsWith('/')) return `expected a path starting with "/", got ${JSON.stringify(path)}`;
  if (/[?#\s]/.test(path)) return `a route path may not contain "?", "#" or spaces, got ${JSON.stringify(path)}`;
  const segments = path.split('/').slice(1);
  if (path !== '/' && segments.some((segment) => segment === '')) {
    return `a route path may not contain empty segments ("//" or a trailing "/"), got ${JSON.stringify(path)}`;
  }
  const params = segments.filter((segment) => segment.includes(':'));
  if (params.some((segment) => segment !== ':channel')) {
    return `the only path parameter is a whole ":channel" segment, got ${JSON.stringify(path)}`;
  }
  if (params.length > 1) return `a route path may hold ":channel" only once, got ${JSON.stringify(path)}`;
  if (type === 'stream' && params.length === 0) {
    return `a stream route needs a ":channel" segment (e.g. "/stream/:channel"), got ${JSON.stringify(path)}`;
  }
  if (type !== 'stream' && params.length > 0) {
    return `only stream routes take a ":channel" segment (${type} clients name channels in their messages)`;
  }
  return undefined;
}

export function semanticIssues(config: GatewayConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const seen = new Map<string, number>();
  config.routes.forEach((route, index) => {
    const problem = checkRoutePath(route.path, route.type);
    if (problem) issues.push({ path: `routes.${index}.path`, message: problem });
    const first = seen.get(route.path);
    if (first !== undefined) {
      issues.push({ path: `routes.${index}.path`, message: `duplicate route path ${JSON.stringify(route.path)} (also routes.${first}.path)` });
    } else {
      seen.set(route.path, index);
    }
  });
  for (const name of Object.keys(config.channels.namespaces)) {
    if (!NAMESPACE_NAME.test(name)) {
      issues.push({
        path: `channels.namespaces.${name}`,
        message: 'a namespace name may use only letters, digits, "_", "-" and "." (it is the part of a channel name before ":")',
      });
    } else if (name.length + 2 > config.channels.maxLength) {
      issues.push({ path: `channels.namespaces.${name}`, message: `namespace name too long for channels.maxLength ${config.channels.maxLength}` });
    }
  }
  const metricsPath = config.metrics.path;
  if (/[?#\s]/.test(metricsPath)) {
    issues.push({ path: 'metrics.path', message: `expected a plain path, got ${JSON.stringify(metricsPath)}` });
  } else if (RESERVED_HTTP_PATHS.includes(metricsPath) || metricsPath === '/api' || metricsPath.startsWith('/api/')) {
    issues.push({ path: 'metrics.path', message: `${JSON.stringify(metricsPath)} is already served by pushgate (health, API or demo page)` });
  }
  const { drain } = config;
  if (drain.closeDelayMin > drain.closeDelayMax) {
    issues.push({ path: 'drain.closeDelayMin', message: `must not exceed drain.closeDelayMax (${drain.closeDelayMax} ms)` });
  }
  if (drain.closeDelayMax >= drain.timeout) {
    // The close handshakes need time after the last close frame, or every drain ends forced.
    issues.push({ path: 'drain.closeDelayMax', message: `must be below drain.timeout (${drain.timeout} ms)` });
  }
  if (config.metrics.port !== 0 && config.metrics.port === config.server.port) {
    issues.push({ path: 'metrics.port', message: `must differ from server.port (${config.server.port}); 0 serves metrics on the gateway's port` });
  }
  if (config.api.keys.some((key) => /\s|,/.test(key))) {
    issues.push({ path: 'api.keys', message: 'API keys may not contain spaces or commas' });
  }
  // trustedProxies CIDRs, JWT key material, routes' auth and allowedOrigins.
  issues.push(...securityConfigIssues(config));
  return issues;
}
