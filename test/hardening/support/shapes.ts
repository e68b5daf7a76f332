/**
 * A generated server per provider shape, with a token source that signs with the issuer's real
 * key: for each remote provider a local issuer serving the provider's discovery fixture
 * (test/helpers/issuer-server.ts), for `local` the embedded development server itself, seeded
 * with a key this test knows (`LOCAL_AUTH_DATA_DIR/keys.json`).
 */
import { CompactSign, exportJWK, exportSPKI, generateKeyPair, importJWK, type CryptoKey, type JWTPayload } from 'jose';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ProviderId } from '../../../src/issuer/types.js';
import { tempDir } from '../../helpers/cli.js';
import { startIssuerServer, type IssuerServer } from '../../helpers/issuer-server.js';
import { providers, type Provider } from '../../../src/providers/index.js';
import { cases, type ProviderCase } from '../../e2e/provider-cases.js';
import { generateProject, startServer, type GeneratedProject, type ServerProcess } from './project.js';

/** Signs in only through the broker: issues no tokens this server verifies (covered by test/e2e/broker.test.ts). */
export function brokerOnly(provider: Provider): boolean {
  return provider.broker !== undefined || provider.signIn.every((mode) => mode === 'broker');
}

/**
 * Every provider whose tokens the generated server verifies, from the provider list itself, so a
 * new provider module is in the matrix without anyone adding it here; its token shape and flags
 * come from its shared e2e case (test/e2e/provider-cases.ts). `local` has its own embedded server.
 */
export const SHAPES: ProviderId[] = providers.filter((provider) => !brokerOnly(provider)).map((provider) => provider.id);

/** The shared e2e case of a provider with a remote issuer, if it has one. */
export function caseOf(provider: ProviderId): ProviderCase | undefined {
  return (cases as Partial<Record<ProviderId, ProviderCase>>)[provider];
}

/** Extension header parameters the signer may put in `crit` (the verifier must still refuse them). */
const SIGNER_CRIT = { 'urn:example:unknown': true };

/** Signs `payload` as a compact JWS with exactly `header` (no defaults added). */
export function signJws(header: Record<string, unknown>, payload: unknown, key: CryptoKey): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader(header as { alg: string }).sign(key, { crit: SIGNER_CRIT });
}

export interface SignOptions {
  alg?: 'RS256' | 'PS256' | 'ES256';
  /** Header kid; default the issuer's key id; null leaves it out. */
  kid?: string | null;
  /** Extra header parameters. */
  header?: Record<string, unknown>;
  /** A different private key (default: the issuer's own, for `alg`). */
  key?: CryptoKey;
}

export interface TokenSource {
  /** The issuer identifier tokens must carry. */
  issuer: string;
  /** The issuer's RS256 key id. */
  kid: string;
  /** The issuer's RSA public key as PEM (what a key-confusion attack uses as an HMAC secret). */
  publicPem: string;
  /** The issuer's RS256 private key, for hand-built JWS. */
  privateKey: CryptoKey;
  /** Signs `{ iss, iat: now, exp: now + 600, ...claims }` (claims set to undefined are dropped). */
  mint(claims?: JWTPayload, options?: SignOptions): Promise<string>;
}

export interface Shape {
  provider: ProviderId;
  project: GeneratedProject;
  server: ServerProcess;
  tokens: TokenSource;
  /** Scopes the server requires. */
  scopes: string[];
  /** Claims of a valid token (granting `granted`, default all required scopes). */
  claims(granted?: string[]): JWTPayload;
  /** The same claims bound to another API or app client. */
  wrongBinding(claims: JWTPayload): JWTPayload;
  /** The local test issuer (undefined for `local`). */
  issuer: IssuerServer | undefined;
  /** The server's JWKS fetches: requests the issuer saw for its jwks_uri since the server started, or (local) the server's own debug log. */
  jwksFetches(): number;
  close(): Promise<void>;
}

const now = () => Math.floor(Date.now() / 1000);

function source(issuer: string, keys: { rs256: { kid: string; privateKey: CryptoKey; publicJwk: object }; es256?: { kid: string; privateKey: CryptoKey } }, publicPem: string): TokenSource {
  return {
    issuer,
    kid: keys.rs256.kid,
    publicPem,
    privateKey: keys.rs256.privateKey,
    async mint(claims = {}, options = {}) {
      const alg = options.alg ?? 'RS256';
      const own = alg === 'ES256' ? keys.es256 : keys.rs256;
      if (!own && !options.key) throw new Error(`no ${alg} key for ${issuer}`);
      const kid = options.kid === null ? undefined : (options.kid ?? own?.kid);
      const payload = Object.fromEntries(Object.entries({ iss: issuer, iat: now(), exp: now() + 600, ...claims }).filter(([, value]) => value !== undefined));
      let key = options.key ?? own!.privateKey;
      // The same RSA key used for RSA-PSS: WebCrypto keys are bound to one algorithm, so re-import it.
      if (alg === 'PS256' && !options.key) key = (await importJWK(await exportJWK(key), 'PS256')) as CryptoKey;
      return signJws({ alg, ...(kid === undefined ? {} : { kid }), ...options.header }, payload, key);
    },
  };
}

async function pemOf(publicJwk: object): Promise<string> {
  return exportSPKI((await importJWK(publicJwk as never, 'RS256')) as CryptoKey);
}

/** Counts the "fetching signing keys" debug lines of a server (LOG_LEVEL=debug). */
export function keyFetchLines(server: ServerProcess): number {
  return server.output().split('\n').filter((line) => line.includes('auth: fetching signing keys from')).length;
}

/**
 * Generates the project for `provider`, starts its server (LOG_LEVEL=debug, plus `env`) and
 * returns it with a token source.
 */
export async function startShape(provider: ProviderId, env: Record<string, string> = {}): Promise<Shape> {
  if (provider === 'local') return startLocal(env);
  const spec = caseOf(provider);
  if (!spec) throw new Error(`${provider} has no shared e2e case in test/e2e/provider-cases.ts (a broker-only provider has no direct token shape: test/e2e/broker.test.ts).`);
  const issuer = await startIssuerServer({ fixture: spec.fixture });
  const project = await generateProject(['--provider', provider, ...spec.flags(issuer.issuer)]);
  const jwksPath = new URL(String(issuer.document.jwks_uri)).pathname;
  const jwksRequests = () => issuer.requests.filter((request) => request.path === jwksPath).length;
  // The CLI's issuer check fetched the JWKS too: count only the server's fetches.
  const beforeStart = jwksRequests();
  const server = await startServer(project.dir, { LOG_LEVEL: 'debug', ...env });
  const scopes = spec.scopes(project.resource);
  return {
    provider,
    project,
    server,
    tokens: source(issuer.issuer, issuer.keys, await pemOf(issuer.keys.rs256.publicJwk)),
    scopes,
    claims: (granted = scopes) => spec.claims({ issuer: issuer.issuer, resource: project.resource, scopes: granted }),
    wrongBinding: spec.wrongBinding,
    issuer,
    jwksFetches: () => jwksRequests() - beforeStart,
    async close() {
      await server.stop();
      await issuer.close();
    },
  };
}

async function startLocal(env: Record<string, string>): Promise<Shape> {
  const project = await generateProject(['--provider', 'local']);
  // The embedded server keeps its signing key in LOCAL_AUTH_DATA_DIR/keys.json: seed it with one
  // this test can sign with.
  const dataDir = path.join(tempDir('fastapps-local-as-'), 'local-as');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = 'hardening-local-rs256';
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const signingKey = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
  writeFileSync(path.join(dataDir, 'keys.json'), JSON.stringify({ signingKey, cookieKeys: ['hardening-cookie-key-0123456789abcdef'] }), { mode: 0o600 });
  const server = await startServer(project.dir, { LOG_LEVEL: 'debug', LOCAL_AUTH_DATA_DIR: dataDir, ...env });
  const issuer = `${project.origin}/oauth`;
  const scopes = ['mcp:tools'];
  return {
    provider: 'local',
    project,
    server,
    tokens: source(issuer, { rs256: { kid, privateKey, publicJwk } }, await pemOf(publicJwk)),
    scopes,
    claims: (granted = scopes) => ({ iss: issuer, sub: 'ada', aud: project.resource, client_id: 'local-dev', scope: granted.length > 0 ? granted.join(' ') : undefined, name: 'ada' }),
    wrongBinding: (claims) => ({ ...claims, aud: 'https://another-api.example.com/mcp' }),
    issuer: undefined,
    jwksFetches: () => keyFetchLines(server),
    close: () => server.stop(),
  };
}
