/**
 * Fetching a JSON Web Key Set and deciding which of its keys can verify access tokens.
 */
import { createPublicKey, type JsonWebKey as NodeJwk } from 'node:crypto';
import type { JWK } from 'jose';
import { fetchJson, NetError, type RedirectHop } from './http.js';
import type { NetOptions } from './types.js';

/** A fetched key set. */
export interface JwksFetch {
  uri: string;
  finalUrl: string;
  /** The `keys` array as published (may be empty). */
  keys: unknown[];
  /** The `Cache-Control` response header, if any. */
  cacheControl: string | undefined;
  elapsedMs: number;
  redirects: RedirectHop[];
}

/** A key that can't be used, and why. */
export interface IgnoredKey {
  kid?: string;
  reason: string;
  /** The key publishes secret material (a symmetric `oct` key or private RSA/EC/OKP members). */
  secret?: boolean;
}

/** The keys of a set split into usable signature-verification keys and ignored ones. */
export interface KeyClassification {
  usable: JWK[];
  ignored: IgnoredKey[];
}

/**
 * Fetches `uri` as a JWK Set: a JSON object with a `keys` array (same HTTP rules as discovery).
 * Throws `NetError` (kind `not-object` when the object has no `keys` array).
 */
export async function fetchJwks(uri: string, opts: NetOptions): Promise<JwksFetch> {
  const res = await fetchJson(uri, opts);
  const keys = res.json['keys'];
  if (!Array.isArray(keys)) {
    throw new NetError({
      kind: 'not-object',
      url: res.finalUrl,
      status: res.status,
      message: `${res.finalUrl} is a JSON object without a "keys" array, not a JWK Set`,
      fix: 'Point jwks_uri at the key set (JWKS) of the authorization server',
    });
  }
  return {
    uri,
    finalUrl: res.finalUrl,
    keys,
    cacheControl: res.headers['cache-control'],
    elapsedMs: res.elapsedMs,
    redirects: res.redirects,
  };
}

/** The key type (and curve) each signature algorithm needs, as jose checks on import. */
const ALG_KEYS: Record<string, { kty: string; crv?: string[] }> = {
  RS256: { kty: 'RSA' }, RS384: { kty: 'RSA' }, RS512: { kty: 'RSA' },
  PS256: { kty: 'RSA' }, PS384: { kty: 'RSA' }, PS512: { kty: 'RSA' },
  ES256: { kty: 'EC', crv: ['P-256'] }, ES384: { kty: 'EC', crv: ['P-384'] }, ES512: { kty: 'EC', crv: ['P-521'] },
  EdDSA: { kty: 'OKP', crv: ['Ed25519', 'Ed448'] }, Ed25519: { kty: 'OKP', crv: ['Ed25519'] },
};
const SIGNING_ALGS = new Set(Object.keys(ALG_KEYS));
/** The algorithm an EC key without `alg` is imported with, by its curve. */
const EC_ALGS: Record<string, string> = Object.fromEntries(
  Object.entries(ALG_KEYS).flatMap(([alg, { kty, crv }]) => (kty === 'EC' && crv ? crv.map((curve) => [curve, alg]) : [])),
);
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];
/** Minimum RSA modulus size accepted for signature keys. */
export const MIN_RSA_BITS = 2048;

/** The bit length of a base64url-encoded big-endian integer (an RSA modulus `n`). */
export function modulusBits(n: string): number {
  const bytes = Buffer.from(n, 'base64url');
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (bytes[i] ?? 0).toString(2).length;
}

/** The algorithm to import a key with: its own `alg`, else inferred from `kty`/`crv`. */
function importAlg(jwk: JWK): string | undefined {
  if (jwk.alg) return jwk.alg;
  if (jwk.kty === 'RSA') return 'RS256';
  if (jwk.kty === 'EC') return jwk.crv ? EC_ALGS[jwk.crv] : undefined;
  if (jwk.kty === 'OKP') return 'EdDSA';
  return undefined;
}

/** Why a key can't verify signatures, judging by its members alone; undefined when it may. */
function staticReason(jwk: JWK): IgnoredKey | undefined {
  const kid = jwk.kid;
  const base = kid === undefined ? {} : { kid };
  if (jwk.kty === 'oct') {
    return { ...base, secret: true, reason: 'kty "oct": a symmetric secret published in the key set (anyone can read it and sign tokens)' };
  }
  const privateMember = PRIVATE_MEMBERS.find((m) => m in jwk);
  if (privateMember) return { ...base, secret: true, reason: `contains private key material ("${privateMember}")` };
  if (jwk.kty !== 'RSA' && jwk.kty !== 'EC' && jwk.kty !== 'OKP') {
    return { ...base, reason: jwk.kty === undefined ? 'no "kty"' : `kty "${String(jwk.kty)}" is not RSA, EC or OKP` };
  }
  if (jwk.use !== undefined && jwk.use !== 'sig') {
    return { ...base, reason: jwk.use === 'enc' ? 'use "enc": an encryption key, not for signatures' : `use "${jwk.use}" is not "sig"` };
  }
  if (Array.isArray(jwk.key_ops) && !jwk.key_ops.includes('verify')) {
    return { ...base, reason: `key_ops ${JSON.stringify(jwk.key_ops)} does not include "verify"` };
  }
  if (jwk.alg !== undefined && !SIGNING_ALGS.has(jwk.alg)) return { ...base, reason: algReason(jwk.alg) };
  if (jwk.kty === 'OKP' && jwk.crv !== 'Ed25519' && jwk.crv !== 'Ed448') {
    return { ...base, reason: `crv "${String(jwk.crv)}" is a key-agreement curve, not a signature curve` };
  }
  if (jwk.kty === 'RSA' && typeof jwk.n === 'string' && modulusBits(jwk.n) < MIN_RSA_BITS) {
    return { ...base, reason: `RSA modulus is ${modulusBits(jwk.n)} bits; at least ${MIN_RSA_BITS} are required` };
  }
  return undefined;
}

function algReason(alg: string): string {
  if (alg === 'none') return 'alg "none" means unsigned tokens';
  if (/^HS\d+$/.test(alg)) return `alg "${alg}" is symmetric (HMAC); tokens signed with it can't be verified with a public key`;
  if (/^(RSA|ECDH|A\d+)/.test(alg)) return `alg "${alg}" is an encryption algorithm, not a signature algorithm`;
  return `alg "${alg}" is not an asymmetric signature algorithm (RS*, PS*, ES*, EdDSA)`;
}

/** Classifies one key: undefined when usable, otherwise why not. */
async function classifyKey(raw: unknown): Promise<IgnoredKey | undefined> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { reason: 'not a JSON object' };
  const jwk = raw as JWK;
  const reason = staticReason(jwk);
  if (reason) return reason;
  const alg = importAlg(jwk);
  const base = jwk.kid === undefined ? {} : { kid: jwk.kid };
  if (!alg) return { ...base, reason: `no algorithm can be inferred (kty "${jwk.kty}", crv "${String(jwk.crv)}")` };
  const mismatch = algMismatch(jwk, alg);
  if (mismatch) return { ...base, reason: `cannot be imported as ${alg}: ${mismatch}` };
  try {
    // The key material itself (node:crypto's JWK import: what jose's importJWK hands to WebCrypto,
    // without loading WebCrypto and jose on every create).
    createPublicKey({ key: jwk as NodeJwk, format: 'jwk' });
    return undefined;
  } catch (err) {
    return { ...base, reason: `cannot be imported as ${alg}: ${(err as Error).message}` };
  }
}


/** Why `jwk` can't be used with `alg` (kty or curve), or undefined. */
function algMismatch(jwk: JWK, alg: string): string | undefined {
  const needs = ALG_KEYS[alg];
  if (!needs) return `unsupported algorithm ${alg}`;
  if (jwk.kty !== needs.kty) return `${alg} needs a ${needs.kty} key, not kty "${String(jwk.kty)}"`;
  if (needs.crv && !needs.crv.includes(String(jwk.crv))) return `${alg} needs crv ${needs.crv.map((c) => `"${c}"`).join(' or ')}, not "${String(jwk.crv)}"`;
  return undefined;
}

/**
 * Splits a key set into keys usable to verify access tokens — `kty` RSA/EC/OKP, `use` "sig" or
 * absent, `alg` absent or asymmetric, RSA ≥ 2048 bits, the algorithm matching the key type and curve, importable — and ignored keys with a
 * reason (`use: enc`, `kty: oct` and private material are flagged `secret` where applicable).
 *
 * @example
 * const { usable, ignored } = await classifyKeys(await readJson('keycloak-jwks.json'));
 * // usable: the RS256 "sig" key; ignored: [{ kid, reason: 'use "enc": …' }]
 */
export async function classifyKeys(jwks: { keys: unknown[] } | unknown[]): Promise<KeyClassification> {
  const keys = Array.isArray(jwks) ? jwks : jwks.keys;
  const verdicts = await Promise.all(keys.map(classifyKey));
  const usable: JWK[] = [];
  const ignored: IgnoredKey[] = [];
  verdicts.forEach((verdict, i) => {
    if (verdict) ignored.push(verdict);
    else usable.push(keys[i] as JWK);
  });
  return { usable, ignored };
}
