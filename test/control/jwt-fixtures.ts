// Keys and tokens for the auth tests, generated fresh by jose in each run.
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, type CryptoKey, type JWTPayload } from 'jose';

/** Fixed "now" the tests verify at (jose's currentDate is derived from it). */
export const NOW_MS = Date.UTC(2030, 0, 1, 12, 0, 0);
export const NOW_S = NOW_MS / 1000;

export const SECRET = 'a-shared-secret-of-at-least-32-bytes!';

export interface KeyPair {
  alg: string;
  privateKey: CryptoKey;
  publicPem: string;
  publicJwk: Record<string, unknown>;
}

export async function keyPair(alg: string, kid?: string, options: { crv?: string } = {}): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...options });
  const publicJwk: Record<string, unknown> = { ...(await exportJWK(publicKey)), alg, use: 'sig' };
  if (kid) publicJwk.kid = kid;
  return { alg, privateKey, publicPem: await exportSPKI(publicKey), publicJwk };
}

/** Signs `payload` (exp defaults to an hour after NOW) with a key or the shared secret. */
export async function sign(
  payload: JWTPayload,
  key: CryptoKey | Uint8Array | string,
  alg: string,
  header: { kid?: string } = {},
): Promise<string> {
  const signingKey = typeof key === 'string' ? new TextEncoder().encode(key) : key;
  return new SignJWT({ exp: NOW_S + 3600, iat: NOW_S, ...payload })
    .setProtectedHeader({ alg, ...header })
    .sign(signingKey);
}

/** A token with `alg: none` (jose refuses to make one, so it is assembled by hand). */
export function unsecuredToken(payload: JWTPayload): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${b64({ alg: 'none' })}.${b64(payload)}.`;
}

export function request(headers: Record<string, string> = {}, query = '', path = '/ws') {
  return { method: 'GET', path, query, headers, remoteAddress: '127.0.0.1' };
}
