// The keys tokens may be signed with, loaded once at start. Each key source
// becomes a "verifier" that names the exact algorithms it accepts, so a token
// can never pick an algorithm its key was not meant for (no HS256 with an RSA
// public key as the secret, no `none`).
import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';

export interface JwtKeyOptions {
  /** HS256/384/512 shared secrets (UTF-8, at least 32 bytes). Several allow rotation. */
  secrets?: readonly string[];
  /** RSA, RSA-PSS, EC (P-256/384/521) or Ed25519 public keys: PEM text (SPKI or X.509 certificate), or a path to a PEM file. */
  publicKeys?: readonly string[];
  /** A JWKS document on disk, read once at start. */
  jwksFile?: string;
  /** A JWKS URL (http or https), fetched on first use and cached. */
  jwksUrl?: string;
  /** JWKS fetch timeout, ms (default 5000). */
  jwksTimeout?: number;
  /** After a fetch, an unknown `kid` does not trigger another fetch for this long, ms (default 30 000). */
  jwksCooldown?: number;
  /** A fetched JWKS is used for this long before it is fetched again, ms (default 600 000). */
  jwksCacheMaxAge?: number;
}

export type VerifierKind = 'secret' | 'public-key' | 'jwks-file' | 'jwks-url';

export interface Verifier {
  readonly kind: VerifierKind;
  readonly algorithms: readonly string[];
  readonly key: Uint8Array | KeyObject | JWTVerifyGetKey;
}

export const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
const RSA_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const EC_ALGORITHMS: Record<string, string> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };
/** What a JWKS may sign with: asymmetric only, so a JWKS can never turn into a shared secret. */
export const ASYMMETRIC_ALGORITHMS = [...RSA_ALGORITHMS, 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

const MIN_SECRET_BYTES = 32;
const encoder = new TextEncoder();

function algorithmsFor(key: KeyObject, label: string): string[] {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return RSA_ALGORITHMS;
    case 'rsa-pss':
      return RSA_ALGORITHMS.filter((a) => a.startsWith('PS'));
    case 'ec': {
      const alg = EC_ALGORITHMS[key.asymmetricKeyDetails?.namedCurve ?? ''];
      if (!alg) throw new Error(`${label}: unsupported EC curve ${key.asymmetricKeyDetails?.namedCurve}`);
      return [alg];
    }
    case 'ed25519':
      return ['EdDSA', 'Ed25519'];
    default:
      throw new Error(`${label}: unsupported key type ${key.asymmetricKeyType}`);
  }
}

function loadPublicKey(value: string, index: number): Verifier {
  const label = `auth.publicKeys[${index}]`;
  let pem = value;
  if (!value.trimStart().startsWith('-----BEGIN')) {
    try {
      pem = readFileSync(value, 'utf8');
    } catch (error) {
      throw new Error(`${label}: cannot read ${value}: ${(error as Error).message}`);
    }
  }
  let key: KeyObject;
  try {
    // A private key here would also yield its public half; only the public part is kept.
    key = createPublicKey(pem);
  } catch (error) {
    throw new Error(`${label}: not a PEM public key: ${(error as Error).message}`);
  }
  return { kind: 'public-key', algorithms: algorithmsFor(key, label), key };
}

function loadJwksFile(path: string): Verifier {
  let jwks: JSONWebKeySet;
  try {
    jwks = JSON.parse(readFileSync(path, 'utf8')) as JSONWebKeySet;
  } catch (error) {
    throw new Error(`auth.jwksFile: cannot load ${path}: ${(error as Error).message}`);
  }
  let key: JWTVerifyGetKey;
  try {
    key = createLocalJWKSet(jwks);
  } catch (error) {
    throw new Error(`auth.jwksFile: ${path} is not a JWKS: ${(error as Error).message}`);
  }
  return { kind: 'jwks-file', algorithms: ASYMMETRIC_ALGORITHMS, key };
}

function remoteJwks(options: JwtKeyOptions): Verifier {
  let url: URL;
  try {
    url = new URL(options.jwksUrl ?? '');
  } catch {
    throw new Error(`auth.jwksUrl: "${options.jwksUrl}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('auth.jwksUrl must be an http(s) URL');
  const key = createRemoteJWKSet(url, {
    timeoutDuration: options.jwksTimeout ?? 5000,
    cooldownDuration: options.jwksCooldown ?? 30_000,
    cacheMaxAge: options.jwksCacheMaxAge ?? 600_000,
  });
  return { kind: 'jwks-url', algorithms: ASYMMETRIC_ALGORITHMS, key };
}

/** Loads every configured key source (throws a config error naming the bad one). Local keys come first so they are tried before the network. */
export function loadVerifiers(options: JwtKeyOptions): Verifier[] {
  const verifiers: Verifier[] = [];
  (options.secrets ?? []).forEach((secret, index) => {
    const bytes = encoder.encode(secret);
    if (bytes.length < MIN_SECRET_BYTES) {
      throw new Error(`auth.secrets[${index}]: HMAC secrets must be at least ${MIN_SECRET_BYTES} bytes (RFC 7518 §3.2)`);
    }
    verifiers.push({ kind: 'secret', algorithms: HMAC_ALGORITHMS, key: bytes });
  });
  (options.publicKeys ?? []).forEach((value, index) => verifiers.push(loadPublicKey(value, index)));
  if (options.jwksFile) verifiers.push(loadJwksFile(options.jwksFile));
  if (options.jwksUrl) verifiers.push(remoteJwks(options));
  return verifiers;
}
