// What a verified token lets its holder do. The claims are checked for shape
// once, at the handshake, and compiled into matchers so a subscribe or publish
// costs a set lookup or a linear glob match, never a regex.
import { globMatch } from '../../gateway/channels.js';
import type { JWTPayload } from 'jose';

export interface Claims {
  /** The user id (`sub`), when the token has one. */
  readonly sub: string | undefined;
  /** Token expiry in ms since the epoch (`exp` × 1000), or null when it never expires. */
  readonly expiresAt: number | null;
  /** The verified payload, for handlers that read custom claims. */
  readonly payload: Readonly<JWTPayload>;
  /** Whether the `channels` claim allows subscribing to `channel` (no claim: not restricted by the token). */
  canSubscribe(channel: string): boolean;
  /** Whether the `publish` claim allows publishing to `channel` (no claim: not restricted by the token). */
  canPublish(channel: string): boolean;
}

/** A claim value a route can require: the token's claim must equal it, or contain it when the claim is an array. */
export type RequiredClaimValue = string | number | boolean;

export class ClaimsError extends Error {}

/**
 * Compiles patterns where `*` matches any run of characters (`news:*`, `user:42`).
 * Unlike route channel lists, an empty list allows nothing: `"channels": []` in a
 * token means "no channels", not "any channel".
 */
export function compilePatterns(patterns: readonly string[]): (name: string) => boolean {
  if (patterns.includes('*')) return () => true;
  const exact = new Set(patterns.filter((p) => !p.includes('*')));
  const globs = patterns.filter((p) => p.includes('*'));
  return (name) => {
    if (exact.has(name)) return true;
    for (const glob of globs) if (globMatch(glob, name)) return true;
    return false;
  };
}

/** Tokens are signed by a trusted issuer, but a claim list is still bounded so one token cannot cost unbounded work per subscribe. */
const MAX_PATTERNS = 1000;

function patternList(payload: JWTPayload, name: string): string[] | undefined {
  const value = payload[name];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) {
    throw new ClaimsError(`claim "${name}" must be an array of strings`);
  }
  if (value.length > MAX_PATTERNS) throw new ClaimsError(`claim "${name}" has more than ${MAX_PATTERNS} entries`);
  return value;
}

/** Checks the shape of the claims pushgate reads and compiles them; throws ClaimsError. */
export function compileClaims(payload: JWTPayload, clockToleranceMs: number): Claims {
  if (payload.sub !== undefined && typeof payload.sub !== 'string') throw new ClaimsError('claim "sub" must be a string');
  const channels = patternList(payload, 'channels');
  const publish = patternList(payload, 'publish');
  patternList(payload, 'routes');
  const canSubscribe = channels ? compilePatterns(channels) : () => true;
  const canPublish = publish ? compilePatterns(publish) : () => true;
  return {
    sub: payload.sub,
    // The handshake accepted the token up to `exp + tolerance`; closing earlier
    // would end a connection the handshake had just let in.
    expiresAt: typeof payload.exp === 'number' ? payload.exp * 1000 + clockToleranceMs : null,
    payload,
    canSubscribe,
    canPublish,
  };
}

/**
 * Why the token may not use this route, or null when it may. `routes` (a claim
 * of path globs) limits a token to some paths; `required` (route config) names
 * claims the token must carry with a given value.
 */
export function routeRefusal(
  claims: Claims,
  requestPath: string,
  required: Readonly<Record<string, RequiredClaimValue>> | undefined,
): string | null {
  const routes = claims.payload['routes'] as string[] | undefined;
  if (routes !== undefined && !compilePatterns(routes)(requestPath)) return 'the "routes" claim does not include this path';
  for (const [name, expected] of Object.entries(required ?? {})) {
    const actual = claims.payload[name];
    const ok = Array.isArray(actual) ? actual.includes(expected) : actual === expected;
    if (!ok) return `claim "${name}" must be ${JSON.stringify(expected)}`;
  }
  return null;
}
