// Turns the token a handshake carries into Claims, or into the error the client
// gets: 401 when the token is missing or not acceptable, 403 when it is valid
// but not for this route, 503 when the keys cannot be fetched. Never throws.
import { decodeProtectedHeader, jwtVerify, type JWTPayload, type JWTVerifyOptions } from 'jose';
import type { ErrorName } from '../../protocol/errors.js';
import { ClaimsError, compileClaims, routeRefusal, type Claims, type RequiredClaimValue } from './claims.js';
import { loadVerifiers, type JwtKeyOptions, type Verifier } from './keys.js';
import { extractToken, type TokenSource, type TokenSourceOptions } from './token-source.js';

/** Process-wide JWT settings (config key `auth`). */
export interface AuthOptions extends JwtKeyOptions, TokenSourceOptions {
  /** Accepted `iss` value(s); unset: not checked. */
  issuer?: string | readonly string[];
  /** Accepted `aud` value(s); unset: not checked. */
  audience?: string | readonly string[];
  /** Clock skew allowed on `exp` and `nbf`, ms (default 5000). */
  clockTolerance?: number;
  /** Current time in ms since the epoch (tests inject a fixed clock). */
  now?: () => number;
}

/** Per-route auth settings (config keys `routes[].auth`, `routes[].requireClaims`). */
export interface RouteAuthOptions {
  auth: 'none' | 'jwt';
  /** Claims the token must carry with these values (an array claim must contain the value). */
  requireClaims?: Readonly<Record<string, RequiredClaimValue>>;
}

export type AuthResult =
  | { ok: true; claims: Claims | null; protocols: string[]; tokenSource: TokenSource | null }
  | { ok: false; error: ErrorName; reason: string; protocols: string[] };

export class AuthError extends Error {
  constructor(readonly errorName: ErrorName, readonly reason: string) {
    super(reason);
  }
}

export const DEFAULT_CLOCK_TOLERANCE_MS = 5000;
/** Far above any real JWT, far below the header limit: bounds work on garbage input. */
const MAX_TOKEN_LENGTH = 16 * 1024;

const SIGNATURE_MISMATCH = new Set(['ERR_JWS_SIGNATURE_VERIFICATION_FAILED', 'ERR_JWKS_NO_MATCHING_KEY']);

function errorCode(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
}

/** Maps what jose threw for one verifier to the client-facing error. */
function classify(error: unknown, verifier: Verifier): AuthError {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return new AuthError('PG_ERR_TOKEN_EXPIRED', 'token expired');
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
    case 'ERR_JWT_INVALID':
    case 'ERR_JWS_INVALID':
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return new AuthError('PG_ERR_TOKEN_INVALID', message);
    case 'ERR_JWKS_TIMEOUT':
      return new AuthError('PG_ERR_AUTH_UNAVAILABLE', 'JWKS request timed out');
    default:
      // Anything else from the remote key set is a fetch or document failure: not the client's fault.
      if (verifier.kind === 'jwks-url') return new AuthError('PG_ERR_AUTH_UNAVAILABLE', `JWKS fetch failed: ${message}`);
      return new AuthError('PG_ERR_TOKEN_INVALID', message);
  }
}

export interface Authenticator {
  /** Verifies a token; resolves to its claims or rejects with AuthError. */
  verifyToken(token: string): Promise<Claims>;
  /** The whole handshake check for one route (never rejects). */
  authenticate(request: { path: string; query: string; headers: Record<string, string> }, route: RouteAuthOptions): Promise<AuthResult>;
  /** Whether any key source is configured (a route with `auth: jwt` needs one). */
  readonly hasKeys: boolean;
}

export function createAuthenticator(options: AuthOptions): Authenticator {
  const verifiers = loadVerifiers(options);
  const toleranceMs = options.clockTolerance ?? DEFAULT_CLOCK_TOLERANCE_MS;
  if (!Number.isFinite(toleranceMs) || toleranceMs < 0) throw new Error('auth.clockTolerance must be a number of ms >= 0');
  const now = options.now ?? Date.now;

  function verifyOptions(verifier: Verifier): JWTVerifyOptions {
    return {
      algorithms: [...verifier.algorithms],
      issuer: options.issuer as string | string[] | undefined,
      audience: options.audience as string | string[] | undefined,
      clockTolerance: toleranceMs / 1000,
      currentDate: new Date(now()),
    };
  }

  async function verifyWith(token: string, verifier: Verifier): Promise<JWTPayload> {
    const opts = verifyOptions(verifier);
    try {
      return (await jwtVerify(token, verifier.key as Parameters<typeof jwtVerify>[1], opts)).payload;
    } catch (error) {
      // A key set holding several keys for this alg and no `kid` to pick one: try each.
      if (errorCode(error) !== 'ERR_JWKS_MULTIPLE_MATCHING_KEYS' || !(Symbol.asyncIterator in (error as object))) throw error;
      let last: unknown = error;
      for await (const key of error as AsyncIterable<Parameters<typeof jwtVerify>[1]>) {
        try {
          return (await jwtVerify(token, key, opts)).payload;
        } catch (inner) {
          if (!SIGNATURE_MISMATCH.has(errorCode(inner))) throw inner;
          last = inner;
        }
      }
      throw last;
    }
  }

  async function verifyToken(token: string): Promise<Claims> {
    if (token.length > MAX_TOKEN_LENGTH) throw new AuthError('PG_ERR_TOKEN_INVALID', 'token too long');
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw new AuthError('PG_ERR_TOKEN_INVALID', 'malformed token');
    }
    if (typeof alg !== 'string') throw new AuthError('PG_ERR_TOKEN_INVALID', 'token header has no "alg"');
    const candidates = verifiers.filter((v) => v.algorithms.includes(alg as string));
    if (candidates.length === 0) throw new AuthError('PG_ERR_TOKEN_INVALID', `algorithm ${alg} not accepted`);
    let mismatch: AuthError | null = null;
    for (const verifier of candidates) {
      let payload: JWTPayload;
      try {
        payload = await verifyWith(token, verifier);
      } catch (error) {
        const classified = classify(error, verifier);
        // Another key may still match; anything else (expired, bad iss …) is final because the signature held.
        if (SIGNATURE_MISMATCH.has(errorCode(error))) {
          mismatch = classified;
          continue;
        }
        // An unreachable key set must not hide a later key that might match.
        if (classified.errorName === 'PG_ERR_AUTH_UNAVAILABLE' && verifier !== candidates[candidates.length - 1]) {
          mismatch = classified;
          continue;
        }
        throw classified;
      }
      try {
        return compileClaims(payload, toleranceMs);
      } catch (error) {
        if (error instanceof ClaimsError) throw new AuthError('PG_ERR_TOKEN_INVALID', error.message);
        throw error;
      }
    }
    throw mismatch ?? new AuthError('PG_ERR_TOKEN_INVALID', 'signature verification failed');
  }

  async function authenticate(
    request: { path: string; query: string; headers: Record<string, string> },
    route: RouteAuthOptions,
  ): Promise<AuthResult> {
    const { token, source, protocols } = extractToken(request, options);
    if (route.auth === 'none') return { ok: true, claims: null, protocols, tokenSource: null };
    if (token === null) return { ok: false, error: 'PG_ERR_TOKEN_MISSING', reason: 'no token in Authorization, subprotocol or query', protocols };
    let claims: Claims;
    try {
      claims = await verifyToken(token);
    } catch (error) {
      if (error instanceof AuthError) return { ok: false, error: error.errorName, reason: error.reason, protocols };
      return { ok: false, error: 'PG_ERR_TOKEN_INVALID', reason: error instanceof Error ? error.message : 'token rejected', protocols };
    }
    const refusal = routeRefusal(claims, request.path, route.requireClaims);
    if (refusal !== null) return { ok: false, error: 'PG_ERR_ROUTE_FORBIDDEN', reason: refusal, protocols };
    return { ok: true, claims, protocols, tokenSource: source };
  }

  return { verifyToken, authenticate, hasKeys: verifiers.length > 0 };
}
