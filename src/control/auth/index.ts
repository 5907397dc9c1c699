// The JWT auth surface the gateway uses: handshake verification, claims matchers, expiry scheduling.
export { createAuthenticator, AuthError, DEFAULT_CLOCK_TOLERANCE_MS } from './authenticator.js';
export type { AuthOptions, AuthResult, Authenticator, RouteAuthOptions } from './authenticator.js';
export { compilePatterns, type Claims, type RequiredClaimValue } from './claims.js';
export { scheduleTokenExpiry, type ExpiryTimers } from './expiry.js';
export { extractToken, offeredProtocols, DEFAULT_QUERY_PARAM, DEFAULT_SUBPROTOCOL_PREFIX } from './token-source.js';
export type { ExtractedToken, TokenSource, TokenSourceOptions } from './token-source.js';
export type { JwtKeyOptions } from './keys.js';
