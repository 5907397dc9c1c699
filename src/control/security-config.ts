// The control-plane part of the resolved configuration (trustedProxies, auth,
// limits, and each route's auth/Origin/limits keys): turned into the options of
// createUpgradeChecks, and checked at start-up so a bad CIDR, key or Origin
// entry stops the gateway with the key's path instead of failing the first
// client.
import type { GatewayConfig, RouteConfig } from './config-types.js';
import type { ConfigIssue } from './config/errors.js';
import { loadVerifiers } from './auth/keys.js';
import { createOriginCheck } from './origin.js';
import { compileTrustedProxies } from './trusted-proxies.js';
import type { RouteSecurityOptions, UpgradeChecksOptions } from './upgrade-checks.js';

export function upgradeChecksOptions(config: GatewayConfig): UpgradeChecksOptions {
  return { trustedProxies: config.trustedProxies, limits: config.limits, auth: config.auth };
}

/** Build once per route and reuse: createUpgradeChecks keeps compiled state per options object. */
export function routeSecurityOptions(route: RouteConfig): RouteSecurityOptions {
  return {
    path: route.path,
    auth: route.auth,
    requireClaims: route.requireClaims,
    allowedOrigins: route.allowedOrigins,
    requireOrigin: route.requireOrigin,
    limits: route.limits,
    subscribes: route.type !== 'echo',
  };
}

/**
 * The modules name their problems like `auth.secrets[0]: …` or
 * `allowedOrigins[2]: …`; config errors use dotted paths (`auth.secrets.0`).
 */
function toIssue(error: unknown, prefix = ''): ConfigIssue {
  const text = error instanceof Error ? error.message : String(error);
  const match = /^([A-Za-z][\w.]*)(?:\[(\d+)\])?:?\s+([\s\S]*)$/.exec(text);
  if (!match) return { path: prefix.replace(/\.$/, ''), message: text };
  const [, name, index, message] = match;
  return { path: `${prefix}${name}${index === undefined ? '' : `.${index}`}`, message };
}

export function securityConfigIssues(config: GatewayConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  config.trustedProxies.forEach((entry, index) => {
    try {
      compileTrustedProxies([entry]);
    } catch {
      issues.push({ path: `trustedProxies.${index}`, message: `expected an IP address or CIDR (e.g. "10.0.0.0/8", "::1"), got ${JSON.stringify(entry)}` });
    }
  });

  let hasKeys = false;
  try {
    hasKeys = loadVerifiers(config.auth).length > 0;
  } catch (error) {
    issues.push(toIssue(error));
    // The key material exists but is bad: that issue is the one to fix, not "no keys".
    hasKeys = true;
  }

  config.routes.forEach((route, index) => {
    if (route.auth === 'jwt' && !hasKeys) {
      issues.push({
        path: `routes.${index}.auth`,
        message: '"jwt" needs key material: set auth.secrets, auth.publicKeys, auth.jwksFile or auth.jwksUrl',
      });
    }
    try {
      createOriginCheck(route);
    } catch (error) {
      issues.push(toIssue(error, `routes.${index}.`));
    }
  });
  return issues;
}
