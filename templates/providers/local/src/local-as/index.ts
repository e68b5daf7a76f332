/**
 * The `local` provider: a real OAuth 2.1 authorization server, embedded in the MCP server, for
 * development without any identity-provider account. MCP Inspector, the MCP SDK client, Claude or
 * ChatGPT (through a tunnel) can discover it, register themselves, sign a user in and get a JWT
 * access token for this server's MCP endpoint.
 *
 * All OAuth work is done by oidc-provider (an OpenID Certified implementation); this module only
 * configures it:
 * - discovery at `{issuer}/.well-known/oauth-authorization-server` (RFC 8414) and
 *   `{issuer}/.well-known/openid-configuration`, with PKCE S256 and RFC 9207 `iss`;
 * - open dynamic client registration (RFC 7591) for public and confidential clients;
 * - authorization code + PKCE (required for every client) and refresh tokens;
 * - RFC 8707 resource indicators: the MCP endpoint is the only resource; tokens are RS256 JWTs
 *   (RFC 9068) with `aud` = that URL, `scope`, `client_id` and the signed-in `name`;
 * - sign-in with any name, then consent (see `pages.ts`);
 * - signing keys, registered clients, grants and sessions kept in `dataDir` across restarts.
 *
 * It is for development only: anyone who can reach it can sign in as anyone.
 */
import { randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { importJWK, SignJWT } from 'jose';
import Provider, { errors, interactionPolicy, type Configuration, type KoaContextWithOIDC, type ResourceServer } from 'oidc-provider';
import { loadOrCreateKeys, SIGNING_ALG } from './keys.js';
import { interactionPages, renderErrorPage } from './pages.js';
import { JsonFileStore } from './store.js';

export interface LocalAuthServerOptions {
  /** e.g. "http://localhost:3000/oauth": the AS is mounted at the path of this URL on the same origin as the MCP server. */
  issuer: string;
  /** The MCP endpoint URL, e.g. "http://localhost:3000/mcp" (RFC 8707 resource; becomes the token's aud). */
  resource: string;
  /** Scopes the resource offers, e.g. ["mcp:tools", "profile:read"]; granted when the user consents. */
  scopes: string[];
  /** Where signing keys (private!) and registered clients/grants persist across restarts, e.g. ".fastapps/local-as". */
  dataDir: string;
  /** Access token lifetime in seconds; default 3600. */
  accessTokenTtlSeconds?: number;
  /** Receives what happens (never tokens or secrets). Default: warnings to stderr, the rest dropped. */
  log?: (level: 'info' | 'warn' | 'debug', msg: string) => void;
}

export interface LocalAuthServer {
  /** Node request handler to mount at the issuer's path: `root.use('/oauth', server.handler)` on an express app,
   *  BEFORE any body parser (the outer app applies express.json() only to its MCP sub-app). */
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** The discovery document exactly as the AS serves it (RFC 8414 / OIDC fields), available without an HTTP round-trip. */
  metadata(): Promise<Record<string, unknown>>;
  /** The public JWK Set exactly as served at `jwks_uri`, without an HTTP round-trip (the resource server loads it before it listens). */
  jwks(): Promise<Record<string, unknown>>;
  /** Mint an access token directly (for `npm run token` and offline tests): same keys, claims and aud as real ones. */
  mintAccessToken(input: { sub: string; scopes: string[]; clientId?: string; ttlSeconds?: number; extraClaims?: Record<string, unknown> }): Promise<string>;
  close(): Promise<void>;
}

const DAY = 24 * 60 * 60;
const REGISTRATION_PATH = '/register';
/** RFC 6749 scope-token syntax. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
/** Errors worth telling the developer about: they explain why a client's sign-in failed. */
const ERROR_EVENTS = ['authorization.error', 'grant.error', 'registration_create.error', 'pushed_authorization_request.error'] as const;

/**
 * Starts the development authorization server (nothing listens: mount `handler` on your app).
 *
 * @example
 * const as = await createLocalAuthServer({
 *   issuer: 'http://localhost:3000/oauth',
 *   resource: 'http://localhost:3000/mcp',
 *   scopes: ['mcp:tools'],
 *   dataDir: '.fastapps/local-as',
 * });
 * root.use('/oauth', as.handler); // before any body parser
 */
export async function createLocalAuthServer(options: LocalAuthServerOptions): Promise<LocalAuthServer> {
  const log: NonNullable<LocalAuthServerOptions['log']> =
    options.log ??
    ((level, msg) => {
      if (level === 'warn') console.warn(msg);
    });
  const issuer = new URL(options.issuer);
  const mountPath = issuer.pathname.replace(/\/$/, '');
  const resource = options.resource;
  if (!URL.canParse(resource) || resource.includes('#')) throw new TypeError(`resource must be an absolute URL without a fragment, got ${JSON.stringify(resource)}`);
  const scopes = [...new Set(options.scopes)];
  const badScope = scopes.find((scope) => !SCOPE_TOKEN.test(scope));
  if (badScope !== undefined) throw new TypeError(`scopes must be single scope tokens, got ${JSON.stringify(badScope)}`);
  const accessTokenTtl = options.accessTokenTtlSeconds ?? 3600;
  if (!Number.isSafeInteger(accessTokenTtl) || accessTokenTtl <= 0) throw new TypeError('accessTokenTtlSeconds must be a positive whole number');

  const keys = await loadOrCreateKeys(options.dataDir);
  const store = await JsonFileStore.open(join(options.dataDir, 'store.json'));

  /** How tokens for the MCP endpoint look: a JWT for exactly that audience. */
  const resourceServer: ResourceServer = {
    scope: scopes.join(' '),
    audience: resource,
    accessTokenTTL: accessTokenTtl,
    accessTokenFormat: 'jwt',
    jwt: { sign: { alg: SIGNING_ALG } },
  };

  // Ask "who are you?" on every authorization (prefilled with the last name), so switching users
  // needs no sign-out. oidc-provider's default would silently reuse the browser session.
  const policy = interactionPolicy.base();
  policy.get('login')?.checks.add(
    new interactionPolicy.Check('local_sign_in', 'the development server asks who you are on every authorization', 'login_required', (ctx) => !ctx.oidc.result?.login),
  );

  const configuration: Configuration = {
    adapter: store.adapter,
    jwks: { keys: [keys.signingKey] },
    cookies: {
      keys: keys.cookieKeys,
      // Cookies ignore ports: distinct names keep other apps on localhost from clobbering these.
      names: { session: 'local_as_session', interaction: 'local_as_interaction', resume: 'local_as_resume' },
    },
    // Everything listed here is obtainable: the resource's scopes, `openid` (an ID token) and
    // `offline_access` (a refresh token). It becomes `scopes_supported`.
    scopes: ['openid', 'offline_access', ...scopes],
    responseTypes: ['code'],
    pkce: { required: () => true },
    clientAuthMethods: ['none', 'client_secret_basic', 'client_secret_post'],
    routes: { authorization: '/authorize', registration: REGISTRATION_PATH },
    features: {
      registration: { enabled: true, initialAccessToken: false },
      // Registration may name the auth method as a list to choose from (ChatGPT does, RP Metadata Choices 1.0).
      rpMetadataChoices: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          if (indicator !== resource) throw new errors.InvalidTarget(`this server only issues tokens for ${resource}`);
          return resourceServer;
        },
      },
      devInteractions: { enabled: false },
      // The MCP endpoint accepts Bearer tokens only, so sender-constrained (DPoP) tokens are not offered.
      dPoP: { enabled: false },
      // Every access token is for the MCP endpoint; there is no UserInfo endpoint to call.
      userinfo: { enabled: false },
      rpInitiatedLogout: { enabled: false },
    },
    interactions: {
      policy,
      url: (_ctx, interaction) => `${mountPath}/interaction/${interaction.uid}`,
    },
    // Any name signs in; the name is the account id and therefore the token's `sub`.
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
    extraTokenClaims: (_ctx, token) => ('accountId' in token && token.accountId ? { name: token.accountId } : undefined),
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    expiresWithSession: () => false,
    // Dev server: any browser origin may call the token endpoint (tokens are not cookie-bound).
    clientBasedCORS: () => true,
    renderError: (ctx, out) => renderErrorPage(ctx, out),
    // Every lifetime is set: oidc-provider prints a notice for each default it has to fall back on.
    ttl: {
      AccessToken: accessTokenTtl,
      AuthorizationCode: 60,
      IdToken: 3600,
      RefreshToken: 14 * DAY,
      Interaction: 3600,
      Session: 14 * DAY,
      Grant: 14 * DAY,
    },
  };

  const provider = new Provider(options.issuer, configuration);
  // Endpoint URLs are built from the request's origin; the handler pins it to the issuer's
  // (see below), which oidc-provider reads through Koa's proxy support.
  provider.proxy = true;
  provider.use(registrationCors(REGISTRATION_PATH));
  provider.use(interactionPages(provider, log));
  watch(provider, log);

  const callback = provider.callback();
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const request = req as IncomingMessage & { originalUrl?: string };
    // Mounted with `app.use('/oauth', handler)`, express has already cut the mount path from
    // `req.url` and kept the full URL in `req.originalUrl`. Called directly (node:http), do the same.
    const url = request.url ?? '/';
    if (request.originalUrl === undefined && mountPath && url.startsWith(mountPath) && /^(?:[/?]|$)/.test(url.slice(mountPath.length))) {
      request.originalUrl = url;
      request.url = url.slice(mountPath.length) || '/';
    }
    // Pin the public origin to the issuer's, whatever Host the client used, so every URL in the
    // discovery document matches the issuer (and metadata() equals what is served).
    req.headers['x-forwarded-host'] = issuer.host;
    req.headers['x-forwarded-proto'] = issuer.protocol.slice(0, -1);
    void callback(req, res);
  };

  /** The served discovery document, fetched in memory once (it only depends on the configuration). */
  let metadata: Promise<Record<string, unknown>> | undefined;
  const signingKey = await importJWK(keys.signingKey, SIGNING_ALG);

  log('warn', `local auth server: DEVELOPMENT ONLY. ${options.issuer} signs in anyone under any name and issues tokens for ${resource}. Switch to a real identity provider before you deploy (npx create-fastapps auth).`);
  log('info', `local auth server: keys and registered clients are kept in ${options.dataDir} (keep it out of git)`);

  function getMetadata(): Promise<Record<string, unknown>> {
    metadata ??= getInProcess(handler, `${mountPath}/.well-known/oauth-authorization-server`).catch((error: unknown) => {
      metadata = undefined;
      throw error;
    });
    return metadata.then((document) => structuredClone(document));
  }

  return {
    handler,
    metadata: getMetadata,
    async jwks() {
      const document = await getMetadata();
      return getInProcess(handler, new URL(String(document.jwks_uri)).pathname);
    },
    async mintAccessToken({ sub, scopes: granted, clientId = 'local-dev', ttlSeconds = accessTokenTtl, extraClaims }) {
      const now = Math.floor(Date.now() / 1000);
      // Same header and claims as the tokens oidc-provider issues; registered claims cannot be overridden.
      return new SignJWT({ name: sub, ...extraClaims, client_id: clientId, scope: granted.length ? granted.join(' ') : undefined })
        .setProtectedHeader({ alg: SIGNING_ALG, typ: 'at+jwt', kid: keys.signingKey.kid })
        .setIssuer(options.issuer)
        .setAudience(resource)
        .setSubject(sub)
        .setIssuedAt(now)
        .setExpirationTime(now + ttlSeconds)
        .setJti(randomUUID())
        .sign(signingKey);
    },
    async close() {
      await store.flush();
    },
  };
}

/**
 * oidc-provider answers CORS on discovery, JWKS and token, but not on registration; browser
 * clients such as MCP Inspector register from the page, so allow any origin there too.
 */
function registrationCors(route: string): Parameters<Provider['use']>[0] {
  return async (ctx, next) => {
    const origin = ctx.get('Origin');
    if (!origin || (ctx.path !== route && !ctx.path.startsWith(`${route}/`))) return next();
    ctx.vary('Origin');
    ctx.set('Access-Control-Allow-Origin', origin);
    if (ctx.method === 'OPTIONS' && ctx.get('Access-Control-Request-Method')) {
      ctx.set('Access-Control-Allow-Methods', 'GET,POST');
      ctx.set('Access-Control-Allow-Headers', ctx.get('Access-Control-Request-Headers') || 'Content-Type');
      ctx.set('Access-Control-Max-Age', '3600');
      ctx.status = 204;
      return;
    }
    return next();
  };
}

/** Reports registrations and failed OAuth requests through `log`, never parameters or secrets. */
function watch(provider: Provider, log: (level: 'info' | 'warn' | 'debug', msg: string) => void): void {
  provider.on('registration_create.success', (_ctx, client) => {
    // Registration input is untrusted: JSON.stringify keeps it on one log line.
    log('info', `local auth server: registered client ${JSON.stringify(client.clientName ?? client.clientId)} (${client.clientId}), redirect URIs ${JSON.stringify(client.redirectUris ?? [])}`);
  });
  provider.on('grant.success', (ctx) => log('debug', `local auth server: issued tokens to client ${ctx.oidc.client?.clientId ?? '?'}`));
  provider.on('server_error', (_ctx, error) => log('warn', `local auth server: internal error: ${error.message}`));
  // The typings list each event separately; these share one listener.
  const events: EventEmitter = provider;
  for (const event of ERROR_EVENTS) {
    events.on(event, (ctx: KoaContextWithOIDC, error: errors.OIDCProviderError) => {
      const client = ctx.oidc?.client ? ` (client ${ctx.oidc.client.clientId})` : '';
      const detail = error.error_detail ? `; ${error.error_detail}` : '';
      log('warn', `local auth server: ${event}${client}: ${error.error}: ${error.error_description ?? ''}${detail}`);
    });
  }
  // Koa prints uncaught errors to stderr unless someone listens.
  events.on('error', (error: Error) => log('warn', `local auth server: ${error.message}`));
}

/**
 * Runs one GET through `handler` in memory (no socket, no port) and returns the JSON body.
 * Used for `metadata()`, which must be available before the outer server listens.
 */
function getInProcess(handler: (req: IncomingMessage, res: ServerResponse) => void, path: string): Promise<Record<string, unknown>> {
  const req = new IncomingMessage(new Socket());
  req.method = 'GET';
  req.url = path;
  req.headers = { accept: 'application/json' };
  req.push(null);
  const res = new ServerResponse(req);
  return new Promise((resolve, reject) => {
    res.end = ((chunk?: unknown) => {
      const body = typeof chunk === 'string' || Buffer.isBuffer(chunk) ? chunk.toString() : '';
      if (res.statusCode === 200) resolve(JSON.parse(body) as Record<string, unknown>);
      else reject(new Error(`GET ${path} answered ${res.statusCode}: ${body}`));
      return res;
    }) as ServerResponse['end'];
    handler(req, res);
  });
}
