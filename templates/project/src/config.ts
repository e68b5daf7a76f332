/**
 * Configuration from environment variables. A `.env` file in the project root is loaded first;
 * a variable already set in the environment wins over `.env` (Node's `loadEnvFile` never
 * overwrites). Every variable is documented in `.env.example`.
 */
import { existsSync } from 'node:fs';
import { parseScopeImplications } from './auth/scopes.js';

export type AuthMode = 'required' | 'mixed';

/**
 * How hosts sign in: at the provider (`direct`), through this server's façade metadata (`facade`),
 * or at this server as their authorization server (`broker`, src/auth/broker/).
 */
export type SignIn = 'direct' | 'facade' | 'broker';

/** The broker sign-in's settings (`OAUTH_BROKER_*`; read only when `OAUTH_SIGN_IN=broker`). */
export interface BrokerConfig {
  /** This server's own client at the provider (`OAUTH_BROKER_CLIENT_ID`). */
  clientId: string;
  /** Its secret (`OAUTH_BROKER_CLIENT_SECRET`); also the key that seals the provider's tokens at rest. */
  clientSecret: string;
  /** `memory`, `file:<dir>` or `redis://…` (`OAUTH_BROKER_STORE`, default file:.fastapps/broker). */
  store: string;
  /** Time a store operation may take, in milliseconds (`OAUTH_BROKER_STORE_TIMEOUT`, default 2000). */
  storeTimeoutMs: number;
  /** PEM or JWK private key for the broker's access tokens (`OAUTH_BROKER_SIGNING_KEY`); unset: kept in the store. */
  signingKey: string | undefined;
  /** Fetch CIMD documents from private and loopback addresses (`OAUTH_BROKER_CIMD_PRIVATE_NETWORK=allow`; development only). */
  cimdPrivateNetwork: boolean;
  /**
   * Who may get a token (`OAUTH_BROKER_ALLOW`, comma separated): email addresses, and domains (a
   * Google Workspace `hd`, or the domain of a verified email). Empty: whoever the provider signs in.
   */
  allow: string[];
}

export interface Config {
  /** Port to listen on (`PORT`, default 3000). */
  port: number;
  /** Interface to bind (`HOST`, default 127.0.0.1; the Dockerfile sets 0.0.0.0). */
  host: string;
  /** Public URL of the MCP endpoint, byte for byte what clients use (`MCP_RESOURCE_URL`). */
  resource: URL;
  /** The identity provider's issuer, byte for byte as its discovery document says (`OAUTH_ISSUER`). */
  issuer: string | undefined;
  /** Accepted `aud` values (`OAUTH_AUDIENCE`, comma separated). */
  audiences: string[];
  /** Accepted client ids, where the provider binds tokens by client instead of audience (`OAUTH_CLIENT_IDS`). */
  clientIds: string[];
  /** Scopes a token needs (`OAUTH_SCOPES`, comma or space separated). */
  scopes: string[];
  /** Scope hierarchies: `OAUTH_SCOPE_IMPLIES="write:orders>read:orders,admin>write:orders"` (a broader scope implies narrower ones, transitively). */
  scopeImplies: Map<string, string[]>;
  /** Allowed JWS algorithms (`OAUTH_ALGORITHMS`); symmetric algorithms and `none` are refused. */
  algorithms: string[] | undefined;
  /** Clock skew tolerated on `nbf`/`iat`, in seconds (`OAUTH_CLOCK_TOLERANCE`, default 30); `exp` is enforced exactly. */
  clockToleranceSeconds: number;
  /** Least time between two JWKS fetches caused by unknown key ids, in seconds (`OAUTH_JWKS_COOLDOWN`, default 30). */
  jwksCooldownSeconds: number;
  /** `required`: every request needs a token. `mixed`: public tools work anonymously (`AUTH_MODE`). */
  authMode: AuthMode;
  /** `direct` (default), `facade` or `broker` (`OAUTH_SIGN_IN`; see src/auth/facade.ts, src/auth/broker/ and AUTH_SETUP.md). */
  signIn: SignIn;
  /** Set when `signIn` is `broker`. */
  broker: BrokerConfig | undefined;
  /** Extra Host header values to accept, beyond the resource host and loopback (`ALLOWED_HOSTS`). */
  allowedHosts: string[];
  /** `error` | `warn` | `info` | `debug` (`LOG_LEVEL`, default info). */
  logLevel: LogLevel;
  /** Timeout for discovery and JWKS requests, in milliseconds (`OAUTH_HTTP_TIMEOUT`, default 5000). */
  httpTimeoutMs: number;
}

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export class ConfigError extends Error {}

/** Loads `.env` (if present) into `process.env` without overriding variables already set. */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}

const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(/[\s,]+/)
    .map((item) => item.trim())
    .filter(Boolean);

function integer(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new ConfigError(`${name} must be a whole number, got ${JSON.stringify(value)}.`);
  return parsed;
}

/**
 * Reads and checks the configuration. Throws `ConfigError` with one sentence that names the
 * variable and what to set it to.
 */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = integer('PORT', env.PORT, 3000);
  const resourceText = env.MCP_RESOURCE_URL ?? `http://localhost:${port}/mcp`;
  let resource: URL;
  try {
    resource = new URL(resourceText);
  } catch {
    throw new ConfigError(`MCP_RESOURCE_URL is not a URL: ${JSON.stringify(resourceText)}. Set it to the public URL of /mcp, e.g. https://my-app.example.com/mcp.`);
  }
  // Clients compare the protected resource metadata `resource` with the URL they use byte for
  // byte (RFC 9728 §3.3); a URL that normalises differently would never match.
  if (resource.href !== resourceText) {
    throw new ConfigError(`MCP_RESOURCE_URL must be written in canonical form: use ${JSON.stringify(resource.href)} instead of ${JSON.stringify(resourceText)}.`);
  }
  if (resource.search || resource.hash) throw new ConfigError('MCP_RESOURCE_URL must not have a query or fragment.');
  if (resource.pathname === '/' || resource.pathname.endsWith('/')) {
    throw new ConfigError(`MCP_RESOURCE_URL must name the MCP endpoint path without a trailing slash, e.g. ${resource.origin}/mcp.`);
  }

  const authMode = (env.AUTH_MODE ?? 'required') as AuthMode;
  if (authMode !== 'required' && authMode !== 'mixed') throw new ConfigError(`AUTH_MODE must be "required" or "mixed", got ${JSON.stringify(env.AUTH_MODE)}.`);

  const signIn = (env.OAUTH_SIGN_IN?.trim() || 'direct') as SignIn;
  if (signIn !== 'direct' && signIn !== 'facade' && signIn !== 'broker') throw new ConfigError(`OAUTH_SIGN_IN must be "direct", "facade" or "broker", got ${JSON.stringify(env.OAUTH_SIGN_IN)}.`);
  const broker = signIn === 'broker' ? readBrokerConfig(env) : undefined;

  const logLevel = (env.LOG_LEVEL ?? 'info') as LogLevel;
  if (!['error', 'warn', 'info', 'debug'].includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be error, warn, info or debug, got ${JSON.stringify(env.LOG_LEVEL)}.`);

  const algorithms = list(env.OAUTH_ALGORITHMS);
  for (const alg of algorithms) {
    if (!/^(RS|PS|ES)(256|384|512)$|^EdDSA$|^Ed25519$/.test(alg)) {
      throw new ConfigError(`OAUTH_ALGORITHMS may only list asymmetric JWS algorithms (RS256, PS256, ES256, EdDSA, ...); ${JSON.stringify(alg)} is not allowed.`);
    }
  }

  // 0 would refetch the JWKS for every token with an unknown kid: anyone could make this server
  // hammer the identity provider.
  const jwksCooldown = integer('OAUTH_JWKS_COOLDOWN', env.OAUTH_JWKS_COOLDOWN, 30);
  if (jwksCooldown < 1) throw new ConfigError('OAUTH_JWKS_COOLDOWN must be at least 1 (seconds between key refetches caused by unknown key ids).');

  let scopeImplies: Map<string, string[]>;
  try {
    scopeImplies = parseScopeImplications(env.OAUTH_SCOPE_IMPLIES);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }

  const issuer = env.OAUTH_ISSUER?.trim() || undefined;
  if (issuer !== undefined) {
    let url: URL;
    try {
      url = new URL(issuer);
    } catch {
      throw new ConfigError(`OAUTH_ISSUER is not a URL: ${JSON.stringify(issuer)}.`);
    }
    const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    if (url.protocol !== 'https:' && !loopback) throw new ConfigError(`OAUTH_ISSUER must use https (http is only allowed on localhost): ${issuer}`);
  }

  return {
    port,
    host: env.HOST?.trim() || '127.0.0.1',
    resource,
    issuer,
    audiences: list(env.OAUTH_AUDIENCE),
    clientIds: list(env.OAUTH_CLIENT_IDS),
    scopes: list(env.OAUTH_SCOPES),
    scopeImplies,
    algorithms: algorithms.length > 0 ? algorithms : undefined,
    clockToleranceSeconds: integer('OAUTH_CLOCK_TOLERANCE', env.OAUTH_CLOCK_TOLERANCE, 30),
    jwksCooldownSeconds: jwksCooldown,
    authMode,
    signIn,
    broker,
    allowedHosts: list(env.ALLOWED_HOSTS),
    logLevel,
    httpTimeoutMs: integer('OAUTH_HTTP_TIMEOUT', env.OAUTH_HTTP_TIMEOUT, 5000),
  };
}

function readBrokerConfig(env: NodeJS.ProcessEnv): BrokerConfig {
  const clientId = env.OAUTH_BROKER_CLIENT_ID?.trim();
  if (!clientId) throw new ConfigError("OAUTH_BROKER_CLIENT_ID is not set: with OAUTH_SIGN_IN=broker, set it to this server's own client id at your provider (see AUTH_SETUP.md).");
  const clientSecret = env.OAUTH_BROKER_CLIENT_SECRET?.trim();
  if (!clientSecret) throw new ConfigError('OAUTH_BROKER_CLIENT_SECRET is not set: with OAUTH_SIGN_IN=broker, set it to the secret of OAUTH_BROKER_CLIENT_ID (keep it in .env or your secret store, never in git).');
  const store = env.OAUTH_BROKER_STORE?.trim() || 'file:.fastapps/broker';
  if (store !== 'memory' && !store.startsWith('file:') && !/^rediss?:\/\//.test(store)) {
    // Never echo a password: a mistyped Redis URL may hold one.
    throw new ConfigError(`OAUTH_BROKER_STORE must be memory, file:<dir> or redis://host:port, got ${JSON.stringify(store.replace(/\/\/[^@/]*@/, '//***@'))}.`);
  }
  const privateNetwork = env.OAUTH_BROKER_CIMD_PRIVATE_NETWORK?.trim();
  if (privateNetwork && privateNetwork !== 'allow') throw new ConfigError('OAUTH_BROKER_CIMD_PRIVATE_NETWORK may only be "allow" (or unset).');
  if (privateNetwork && env.NODE_ENV === 'production') throw new ConfigError('OAUTH_BROKER_CIMD_PRIVATE_NETWORK=allow is for development only: it lets any client id make this server fetch from your private network. Remove it.');
  return {
    clientId,
    clientSecret,
    store,
    storeTimeoutMs: integer('OAUTH_BROKER_STORE_TIMEOUT', env.OAUTH_BROKER_STORE_TIMEOUT, 2000) || 2000,
    signingKey: env.OAUTH_BROKER_SIGNING_KEY?.trim() || undefined,
    cimdPrivateNetwork: privateNetwork === 'allow',
    allow: list(env.OAUTH_BROKER_ALLOW).map((entry) => entry.toLowerCase()),
  };
}
