/**
 * The development authorization server's secrets: an RS256 signing key (JWK, private) and a
 * cookie-signing key. Generated on first start and kept in `<dataDir>/keys.json` (mode 0600) so
 * tokens and browser sessions survive restarts such as `tsx watch` reloads.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';

/** The signing algorithm of every token this server issues. */
export const SIGNING_ALG = 'RS256';

export interface LocalKeys {
  /** Private JWK (with `kid`, `alg`, `use`) that signs access and ID tokens. */
  signingKey: JWK & { kid: string };
  /** Keys for oidc-provider's signed cookies (newest first). */
  cookieKeys: string[];
}

const FILE = 'keys.json';

/** Reads `<dataDir>/keys.json`, creating the directory and the keys on first use. */
export async function loadOrCreateKeys(dataDir: string): Promise<LocalKeys> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, FILE);
  const existing = await readKeys(file);
  if (existing) return existing;

  const { privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const keys: LocalKeys = {
    signingKey: { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: SIGNING_ALG, use: 'sig' },
    cookieKeys: [randomBytes(32).toString('base64url')],
  };
  try {
    // `wx`: never overwrite keys another process wrote in the meantime.
    await writeFile(file, JSON.stringify(keys, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
    return keys;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const written = await readKeys(file);
    if (!written) throw error;
    return written;
  }
}

async function readKeys(file: string): Promise<LocalKeys | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const keys = JSON.parse(text) as Partial<LocalKeys>;
  if (typeof keys.signingKey?.kid !== 'string' || typeof keys.signingKey.d !== 'string' || !Array.isArray(keys.cookieKeys) || keys.cookieKeys.length === 0) {
    throw new Error(`${file} is not a key file written by this server; delete it to generate new keys (tokens issued with the old keys stop working).`);
  }
  // The file holds private keys: keep it readable by its owner only, even if it was copied around.
  await chmod(file, 0o600).catch(() => undefined);
  return keys as LocalKeys;
}
