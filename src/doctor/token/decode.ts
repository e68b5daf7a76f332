/**
 * Reading a sample token: what it is (a signed JWT, an encrypted JWE, an opaque string) and, for a
 * JWT, its header and claims, without trusting any of it; then verifying its signature with jose
 * against the issuer's published keys.
 */
import { compactVerify, decodeJwt, decodeProtectedHeader, importJWK, type JWK, type JWTPayload } from 'jose';

/** What the token string is. */
export type TokenKind = 'jws' | 'jwe' | 'google-opaque' | 'opaque' | 'malformed';

/** A token as read (nothing verified). */
export interface DecodedToken {
  kind: TokenKind;
  /** How many dot-separated segments it has. */
  segments: number;
  /** The protected header (JWS or JWE). */
  header?: Record<string, unknown>;
  /** The claims (JWS only). */
  claims?: JWTPayload;
  /** Why a three-segment token is not a readable JWT. */
  problem?: string;
}

/**
 * Classifies and decodes a token.
 *
 * @example decodeToken('eyJ…x.eyJ…y.sig').kind // 'jws'
 */
export function decodeToken(raw: string): DecodedToken {
  const segments = raw.split('.').length;
  if (raw.startsWith('ya29.')) return { kind: 'google-opaque', segments };
  if (segments === 5) {
    try {
      return { kind: 'jwe', segments, header: decodeProtectedHeader(raw) as Record<string, unknown> };
    } catch {
      return { kind: 'jwe', segments };
    }
  }
  if (segments !== 3) return { kind: segments === 1 ? 'opaque' : 'malformed', segments, ...(segments === 1 ? {} : { problem: `it has ${segments} dot-separated segments; a JWT has 3` }) };
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(raw) as Record<string, unknown>;
  } catch {
    return { kind: 'malformed', segments, problem: 'its first segment is not a base64url-encoded JSON header' };
  }
  try {
    return { kind: 'jws', segments, header, claims: decodeJwt(raw) };
  } catch {
    return { kind: 'malformed', segments, header, problem: 'its second segment is not a base64url-encoded JSON object of claims' };
  }
}

/** What verifying the signature found. */
export type SignatureOutcome =
  | { status: 'verified'; kid?: string }
  | { status: 'no-keys' }
  | { status: 'unsupported-alg'; alg: string }
  | { status: 'unknown-kid'; kid: string; known: string[] }
  | { status: 'ambiguous'; count: number }
  | { status: 'no-candidate'; alg: string }
  | { status: 'invalid'; kid?: string };

const FAMILY: Array<[RegExp, string]> = [
  [/^(RS|PS)\d+$/, 'RSA'],
  [/^ES\d+$/, 'EC'],
  [/^(EdDSA|Ed25519)$/, 'OKP'],
];

/** True for the asymmetric JWS algorithms a resource server can verify with public keys. */
export function isAsymmetricAlg(alg: unknown): alg is string {
  return typeof alg === 'string' && FAMILY.some(([re]) => re.test(alg));
}

function familyOf(alg: string): string | undefined {
  return FAMILY.find(([re]) => re.test(alg))?.[1];
}

/**
 * Verifies a JWS against the usable keys of the issuer's set: the key with the token's `kid`, or
 * (without a kid) the single key of the right type. Never throws.
 */
export async function verifySignature(raw: string, token: DecodedToken, keys: JWK[] | undefined): Promise<SignatureOutcome> {
  const alg = token.header?.['alg'];
  if (!isAsymmetricAlg(alg)) return { status: 'unsupported-alg', alg: String(alg) };
  if (!keys) return { status: 'no-keys' };
  const kid = typeof token.header?.['kid'] === 'string' ? (token.header['kid'] as string) : undefined;
  const family = familyOf(alg);
  let candidates: JWK[];
  if (kid !== undefined) {
    candidates = keys.filter((k) => k.kid === kid);
    if (candidates.length === 0) return { status: 'unknown-kid', kid, known: keys.map((k) => k.kid ?? '(no kid)') };
  } else {
    candidates = keys.filter((k) => k.kty === family && (k.alg === undefined || k.alg === alg));
    if (candidates.length > 1) return { status: 'ambiguous', count: candidates.length };
  }
  candidates = candidates.filter((k) => k.kty === family);
  if (candidates.length === 0) return { status: 'no-candidate', alg };
  for (const jwk of candidates) {
    try {
      await compactVerify(raw, await importJWK(jwk, alg), { algorithms: [alg] });
      return kid === undefined ? { status: 'verified' } : { status: 'verified', kid };
    } catch {
      // Try the next candidate.
    }
  }
  return kid === undefined ? { status: 'invalid' } : { status: 'invalid', kid };
}
