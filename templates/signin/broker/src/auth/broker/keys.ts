/**
 * The broker's secrets:
 * - the key that signs its access tokens: `OAUTH_BROKER_SIGNING_KEY` (a PEM PKCS#8 private key or a
 *   private JWK; RSA → RS256, P-256 → ES256, Ed25519 → EdDSA), else an ES256 key generated once and
 *   kept in the store (the first instance to start writes it; every other one reads the same);
 * - the keys that sign its cookies, kept in the store the same way;
 * - the key that encrypts the provider's tokens at rest (AES-256-GCM), derived from
 *   `OAUTH_BROKER_CLIENT_SECRET`, which is never in the store.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importPKCS8, type JWK } from 'jose';
import type { Store } from './store.js';

export interface SigningKey {
  /** Private JWK with `kid`, `alg` and `use`, as oidc-provider's `jwks` takes it. */
  jwk: JWK & { kid: string; alg: string };
  alg: string;
}

function algorithmOf(jwk: JWK): string {
  if (jwk.kty === 'RSA') return 'RS256';
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  throw new Error(`OAUTH_BROKER_SIGNING_KEY must be an RSA, P-256 or Ed25519 private key (got kty ${String(jwk.kty)}${jwk.crv ? ` crv ${jwk.crv}` : ''}).`);
}

async function finish(jwk: JWK): Promise<SigningKey> {
  if (typeof jwk.d !== 'string') throw new Error('OAUTH_BROKER_SIGNING_KEY must be a private key (it has no private part).');
  const alg = algorithmOf(jwk);
  if (jwk.alg && jwk.alg !== alg) throw new Error(`OAUTH_BROKER_SIGNING_KEY says alg ${jwk.alg}; this server signs with RS256 (RSA), ES256 (P-256) or EdDSA (Ed25519): remove "alg" or use one of those keys.`);
  const { kty, crv, x, y, n, e, d, p, q, dp, dq, qi } = jwk;
  const clean = Object.fromEntries(Object.entries({ kty, crv, x, y, n, e, d, p, q, dp, dq, qi }).filter(([, value]) => value !== undefined)) as JWK;
  return { jwk: { ...clean, kid: jwk.kid ?? (await calculateJwkThumbprint(clean)), alg, use: 'sig' }, alg };
}

/** Reads `OAUTH_BROKER_SIGNING_KEY`. */
export async function parseSigningKey(text: string): Promise<SigningKey> {
  const trimmed = text.trim().replaceAll('\\n', '\n');
  if (trimmed.startsWith('{')) {
    let jwk: JWK;
    try {
      jwk = JSON.parse(trimmed) as JWK;
    } catch {
      throw new Error('OAUTH_BROKER_SIGNING_KEY looks like a JWK but is not valid JSON.');
    }
    return finish(jwk);
  }
  if (!trimmed.includes('-----BEGIN PRIVATE KEY-----')) throw new Error('OAUTH_BROKER_SIGNING_KEY must be a PKCS#8 PEM private key ("-----BEGIN PRIVATE KEY-----") or a private JWK.');
  for (const alg of ['ES256', 'RS256', 'EdDSA']) {
    try {
      const key = await importPKCS8(trimmed, alg, { extractable: true });
      return finish({ ...(await exportJWK(key)), alg });
    } catch {
      // Try the next key type.
    }
  }
  throw new Error('OAUTH_BROKER_SIGNING_KEY could not be read as an RSA, P-256 or Ed25519 private key.');
}

/** The signing key: from the environment, else the one in the store (made by whichever instance started first). */
export async function loadSigningKey(store: Store, fromEnv: string | undefined): Promise<SigningKey> {
  if (fromEnv?.trim()) return parseSigningKey(fromEnv);
  const existing = await store.get('signing-key');
  if (existing) return finish(JSON.parse(existing) as JWK);
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const generated = await finish({ ...(await exportJWK(privateKey)), alg: 'ES256' });
  // Set-if-absent: two instances starting together agree on the first key written.
  if (await store.setIfAbsent('signing-key', JSON.stringify(generated.jwk))) return generated;
  return finish(JSON.parse((await store.get('signing-key'))!) as JWK);
}

/** Cookie signing keys shared by every instance (a consent started on one is accepted by another). */
export async function loadCookieKeys(store: Store): Promise<string[]> {
  await store.setIfAbsent('cookie-keys', JSON.stringify([randomBytes(32).toString('base64url')]));
  const keys = JSON.parse((await store.get('cookie-keys'))!) as string[];
  if (!Array.isArray(keys) || keys.length === 0) throw new Error('The broker store holds damaged cookie keys; delete the key "cookie-keys" from it.');
  return keys;
}

/** AES-256-GCM with a key derived from the client secret: the provider's tokens are unreadable in the store alone. */
export class Sealer {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'create-fastapps broker', 'upstream tokens', 32));
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [iv, cipher.getAuthTag(), body].map((part) => part.toString('base64url')).join('.');
  }

  open(sealed: string): string | undefined {
    const [iv, tag, body] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'));
    if (!iv || !tag || !body) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch {
      // Sealed with another client secret (it was rotated): unreadable, as intended.
      return undefined;
    }
  }
}
