/**
 * The `broker` sign-in (`OAUTH_SIGN_IN=broker`): this server is the OAuth authorization server the
 * hosts see, so ChatGPT, Claude, VS Code and Cursor register themselves (DCR or a CIMD client id)
 * and nothing is registered by hand per host. It signs users in at your identity provider with one
 * client of its own, then issues its own tokens.
 *
 * - OAuth work (registration, PKCE S256, exact redirect URIs, single-use codes, rotating refresh
 *   tokens whose reuse revokes the whole grant, RFC 9207 `iss`, CIMD fetched with a timeout, a size
 *   cap and no private or loopback addresses) is done by oidc-provider, configured here.
 * - Before the user goes to the provider, a consent page names the app and the host its redirect
 *   URI goes to (`pages.ts`, replaceable with `consentPage`); the pending sign-in is bound to that
 *   browser (oidc-provider's interaction cookie) and the provider's `state` is single use.
 * - At `{origin}/oauth/callback` the provider's tokens are verified with the provider's rules
 *   (`src/auth/verifier.ts`) before anything is issued; a user without this server's required
 *   scopes gets `access_denied`. The provider's tokens stay in the store, sealed (`keys.ts`).
 * - Access tokens are JWTs (RFC 9068): iss = this server's origin, aud = `MCP_RESOURCE_URL`, the
 *   provider's `sub` and profile claims, the granted scopes, one hour. Tool calls verify them with
 *   keys held in memory: no store access per call.
 */
import { createHash } from 'node:crypto';
import { IncomingMessage, type ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { OAuthMetadata } from '@modelcontextprotocol/server';
import express, { type Request, type Response } from 'express';
import Provider, { errors, interactionPolicy, type Configuration, type KoaContextWithOIDC, type ResourceServer } from 'oidc-provider';
import { printable } from '../jwt.js';
import type { BrokerOptions, BrokerSetup } from '../broker-api.js';
import { ConfigError } from '../../config.js';
import type { Logger } from '../../log.js';
import { storeAdapter } from './adapter.js';
import { loadCookieKeys, loadSigningKey, Sealer } from './keys.js';
import { defaultConsentPage, errorPage, type ConsentPage } from './pages.js';
import { openStore, StoreUnavailableError } from './store.js';
import { randomToken, Upstream, UpstreamError, type UpstreamSignIn } from './upstream.js';

export type { ConsentDetails, ConsentPage } from './pages.js';

const DAY = 24 * 60 * 60;
const ACCESS_TOKEN_TTL = 3600;
const REFRESH_TOKEN_TTL = 14 * DAY;
/** How long a user has between the consent page and coming back from the provider. */
const SIGN_IN_TTL = 600;
/** The OIDC scopes asked of the provider when it offers them (who signed in; no refresh token: nothing here refreshes the provider's tokens). */
const PROVIDER_OIDC_SCOPES = ['openid', 'profile', 'email'];
/** oidc-provider's endpoints, all under /oauth on this server's origin (the callback is ours). */
const ROUTES = {
  authorization: '/oauth/authorize',
  token: '/oauth/token',
  registration: '/oauth/register',
  jwks: '/oauth/jwks',
  revocation: '/oauth/revoke',
  end_session: '/oauth/end-session',
  userinfo: '/oauth/userinfo',
  introspection: '/oauth/introspect',
  pushed_authorization_request: '/oauth/par',
  code_verification: '/oauth/device',
  device_authorization: '/oauth/device/auth',
  backchannel_authentication: '/oauth/backchannel',
  challenge: '/oauth/challenge',
};
/** How hosts may authenticate at the token and revocation endpoints (public clients: none). */
const CLIENT_AUTH_METHODS: Array<'none' | 'client_secret_basic' | 'client_secret_post'> = ['none', 'client_secret_basic', 'client_secret_post'];
/** Routed to oidc-provider (end-session: its confirmation when another account signs in in the same browser). */
const PROVIDER_PATHS = ['/oauth/authorize', '/oauth/token', '/oauth/register', '/oauth/jwks', '/oauth/revoke', '/oauth/end-session'];

interface PendingSignIn {
  uid: string;
  clientId: string;
  verifier: string;
  nonce: string;
}

interface ProviderResult {
  code?: string;
  error?: string;
  errorDescription?: string;
  pending: PendingSignIn;
}

export async function createBroker(options: BrokerOptions): Promise<BrokerSetup> {
  const { config, log, settings } = options;
  const issuer = config.resource.origin;
  const resource = config.resource.href;
  const consentPage: ConsentPage = options.consentPage ?? defaultConsentPage;
  const callbackUrl = `${issuer}/oauth/callback`;

  // Several servers may share one Redis database: keys are prefixed with this server's resource.
  const prefix = `fastapps:broker:${createHash('sha256').update(resource).digest('hex').slice(0, 12)}:`;
  const store = await openStore(settings.store, { prefix, timeoutMs: settings.storeTimeoutMs });
  const signing = await loadSigningKey(store, settings.signingKey);
  const cookieKeys = await loadCookieKeys(store);
  const sealer = new Sealer(settings.clientSecret);
  log.info(`auth: broker sign-in; issuer ${issuer}, state in ${store.description}, provider callback ${callbackUrl}`);
  if (!store.shared) log.info('auth: broker state is not shared between processes; run several instances with OAUTH_BROKER_STORE=redis://…');

  const rules = options.brokerRules ?? {};
  if (rules.requiresAllowList && settings.allow.length === 0) {
    throw new ConfigError(`OAUTH_BROKER_ALLOW is not set: with ${options.providerName}, anyone with an account could sign in. Set it to the email addresses and domains that may (e.g. example.com,jane@gmail.com).`);
  }
  const offered = new Set(options.upstream.scopes_supported ?? ['openid']);
  // GitHub: its organisations are read (read:org) only when the allow-list names one.
  const needOrgs = settings.allow.some((entry) => entry.startsWith('org:'));
  const providerScopes = rules.scopes ? [...rules.scopes, ...(needOrgs && rules.orgScope ? [rules.orgScope] : [])] : undefined;
  if (rules.identity === 'user-api' && !options.userApi) throw new ConfigError(`${options.providerName}'s user API is not known: src/auth/issuer.ts must name it.`);
  const upstream = new Upstream({
    metadata: options.upstream,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    callbackUrl,
    scopes: providerScopes ?? [...PROVIDER_OIDC_SCOPES.filter((scope) => offered.has(scope)), ...options.scopes],
    authorizeParams: options.authorizeParams,
    verifier: options.providerVerifier,
    keys: options.providerKeys,
    expect: options.expect,
    timeoutMs: config.httpTimeoutMs,
    identity: rules.identity ?? 'access-token',
    issuers: rules.issuers ?? [],
    grantScopes: options.scopes,
    ...(options.userApi ? { userApi: { url: options.userApi, orgs: needOrgs } } : {}),
  });

  const resourceServer: ResourceServer = {
    scope: options.scopes.join(' '),
    audience: resource,
    accessTokenTTL: ACCESS_TOKEN_TTL,
    accessTokenFormat: 'jwt',
    jwt: { sign: { alg: signing.alg as 'ES256' } },
  };

  // Every authorization shows the consent page and goes to the provider: a host never gets a
  // token on the strength of an earlier browser session.
  const policy = interactionPolicy.base();
  policy.get('login')?.checks.add(new interactionPolicy.Check('broker_sign_in', 'every authorization is approved and signed in at the provider', 'login_required', (ctx) => !ctx.oidc.result?.login));

  const allowPrivateCimd = settings.cimdPrivateNetwork;
  const configuration: Configuration = {
    adapter: storeAdapter(store),
    jwks: { keys: [signing.jwk as never] },
    cookies: { keys: cookieKeys, names: { session: 'broker_session', interaction: 'broker_interaction', resume: 'broker_resume' } },
    scopes: ['offline_access', ...options.scopes],
    responseTypes: ['code'],
    pkce: { required: () => true },
    clientAuthMethods: CLIENT_AUTH_METHODS,
    routes: ROUTES,
    allowOmittingSingleRegisteredRedirectUri: false,
    // Registered clients get this server's signing algorithm (it has one key).
    clientDefaults: { grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic', id_token_signed_response_alg: signing.alg as 'ES256' },
    features: {
      registration: { enabled: true, initialAccessToken: false },
      rpMetadataChoices: { enabled: true },
      revocation: { enabled: true },
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
      dPoP: { enabled: false },
      userinfo: { enabled: false },
      introspection: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      ...({ clientIdMetadataDocument: { enabled: true, ack: 'draft-02' } } as object),
    },
    interactions: { policy, url: (_ctx, interaction) => `/oauth/consent/${interaction.uid}` },
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
    extraTokenClaims: async (_ctx, token) => {
      if (!('accountId' in token) || !token.accountId) return undefined;
      const profile = await store.get(`account:${token.accountId}`);
      return profile ? (JSON.parse(profile) as Record<string, string>) : undefined;
    },
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    expiresWithSession: () => false,
    clientBasedCORS: () => true,
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = errorPage('Sign-in failed', `${out.error}: ${out.error_description ?? ''}`);
    },
    ttl: {
      AccessToken: ACCESS_TOKEN_TTL,
      AuthorizationCode: 60,
      IdToken: 3600,
      RefreshToken: REFRESH_TOKEN_TTL,
      Interaction: SIGN_IN_TTL,
      Session: SIGN_IN_TTL,
      Grant: REFRESH_TOKEN_TTL,
    },
    // CIMD documents come from the open internet; oidc-provider refuses private and loopback
    // addresses. OAUTH_BROKER_CIMD_PRIVATE_NETWORK=allow lifts that for development only.
    ...(allowPrivateCimd ? { fetch: (url: string | URL | globalThis.Request, init?: RequestInit) => fetch(url, { ...init, dispatcher: undefined } as RequestInit) } : {}),
  };

  const provider = new Provider(issuer, configuration);
  provider.proxy = true;
  const pinned = new URL(issuer);
  watch(provider, log);
  provider.use(registrationCors());
  // A store that does not answer makes the sign-in endpoints answer 503 (the reason goes to the log).
  provider.use(async (ctx, next) => {
    await next();
    const down = ctx.state.storeDown as string | undefined;
    if (down && ctx.status >= 500) {
      ctx.status = 503;
      ctx.set('Retry-After', '5');
      ctx.body = { error: 'temporarily_unavailable', error_description: 'Sign-in is unavailable: its store does not answer. Tokens already issued keep working; try again shortly.' };
    }
  });
  const callback = provider.callback();
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    req.headers['x-forwarded-host'] = pinned.host;
    req.headers['x-forwarded-proto'] = pinned.protocol.slice(0, -1);
    // RFC 6749 §3.3: a request naming none of this server's scopes gets them (Claude Code sends none).
    if (req.method === 'GET' && req.url?.split('?')[0] === ROUTES.authorization && options.scopes.length > 0) {
      const url = new URL(req.url, issuer);
      const asked = (url.searchParams.get('scope') ?? '').split(' ').filter(Boolean);
      if (!asked.some((scope) => options.scopes.includes(scope))) {
        url.searchParams.set('scope', [...asked, ...options.scopes].join(' '));
        req.url = url.pathname + url.search;
      }
    }
    // The app's JSON body parser has read registration requests already: they are replayed.
    if ((req.method === 'POST' || req.method === 'PUT') && req.url?.split('?')[0]?.startsWith(ROUTES.registration)) {
      void asNativeWhereMeant(req).then(
        (request) => callback(request, res),
        () => void res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'invalid_request', error_description: 'The registration request could not be read.' })),
      );
    } else void callback(req, res);
  };

  // What hosts read: the routes and choices configured above, on this server's origin.
  const metadata = {
    issuer,
    authorization_endpoint: `${issuer}${ROUTES.authorization}`,
    token_endpoint: `${issuer}${ROUTES.token}`,
    registration_endpoint: `${issuer}${ROUTES.registration}`,
    revocation_endpoint: `${issuer}${ROUTES.revocation}`,
    jwks_uri: `${issuer}${ROUTES.jwks}`,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    scopes_supported: options.scopes,
    authorization_response_iss_parameter_supported: true,
    client_id_metadata_document_supported: true,
  } as unknown as OAuthMetadata;
  const publicKey = Object.fromEntries(Object.entries(signing.jwk).filter(([name]) => !['d', 'p', 'q', 'dp', 'dq', 'qi'].includes(name)));

  const sealUpstream = async (grantId: string, tokens: unknown) => store.set(`upstream:${grantId}`, sealer.seal(JSON.stringify(tokens)), REFRESH_TOKEN_TTL);

  /** Sends the browser back to the host with an OAuth error (and `iss`), through oidc-provider. */
  const finishWithError = (req: Request, res: Response, error: string, description: string) =>
    provider.interactionFinished(req, res, { error, error_description: description }, { mergeWithLastSubmission: false });

  /** Runs an async route; a store that does not answer becomes a 503 page (the reason goes to the log). */
  const wrap =
    (handler: (req: Request, res: Response) => Promise<unknown>) =>
    (req: Request, res: Response) => {
      handler(req, res).catch((error: unknown) => {
        if (res.headersSent) return;
        if (error instanceof StoreUnavailableError) {
          log.warn(`auth: broker store unavailable: ${error.message}`);
          res.status(503).set('Retry-After', '5').type('html').send(errorPage('Sign-in is unavailable right now', 'This server cannot reach its sign-in store. Try again in a moment.'));
          return;
        }
        log.error(`auth: broker error: ${(error as Error).message}`);
        res.status(500).type('html').send(errorPage('Sign-in failed', 'Something went wrong on this server; the log says what.'));
      });
    };
  const consent = express.Router();
  consent.use(express.urlencoded({ extended: false, limit: '4kb' }));
  consent.use((_req, res, next) => {
    res.set({ 'Cache-Control': 'no-store', 'X-Frame-Options': 'DENY', 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'", 'Referrer-Policy': 'no-referrer' });
    next();
  });

  // The consent page: which app, and which host its redirect URI goes to.
  consent.get(
    '/:uid',
    wrap(async (req, res) => {
      const details = await interaction(req, res);
      if (!details) return;
      const client = await provider.Client.find(String(details.params.client_id));
      if (!client) return void res.status(400).type('html').send(errorPage('Sign-in failed', 'The app that started this sign-in is no longer registered.'));
      const redirectUri = String(details.params.redirect_uri);
      res.type('html').send(
        consentPage({
          clientName: client.clientName,
          clientId: client.clientId,
          redirectHost: redirectHostOf(redirectUri),
          redirectUri,
          scopes: requestedScopes(details.params.scope, options.scopes),
          serverName: options.serverName,
          providerName: options.providerName,
          action: `/oauth/consent/${details.uid}`,
          uid: details.uid,
        }),
      );
    }),
  );

  // The decision: deny goes back to the host as access_denied; allow goes to the provider.
  consent.post(
    '/:uid',
    wrap(async (req, res) => {
      const details = await interaction(req, res);
      if (!details) return;
      const decision = (req.body as Record<string, unknown> | undefined)?.consent;
      if (decision === 'deny') return finishWithError(req, res, 'access_denied', 'The user did not allow this app.');
      if (decision !== 'allow') return void res.status(400).type('html').send(errorPage('Sign-in failed', 'The consent form was not filled in; choose Allow or Cancel.'));
      const pending: PendingSignIn = { uid: details.uid, clientId: String(details.params.client_id), verifier: randomToken(), nonce: randomToken() };
      const state = randomToken();
      await store.set(`sign-in:${state}`, JSON.stringify(pending), SIGN_IN_TTL);
      res.redirect(303, upstream.authorizeUrl({ state, nonce: pending.nonce, verifier: pending.verifier }));
    }),
  );

  // Back from the provider, in the same browser that consented (checked at /continue).
  const providerCallback = async (req: Request, res: Response) => {
    res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
    const state = typeof req.query.state === 'string' ? req.query.state : '';
    // Single use: a second arrival with the same state finds nothing.
    const saved = state ? await store.take(`sign-in:${state}`) : undefined;
    if (!saved) return void res.status(400).type('html').send(errorPage('Sign-in failed', 'This sign-in was already completed, has expired, or was not started here.'));
    const pending = JSON.parse(saved) as PendingSignIn;
    const result: ProviderResult = {
      pending,
      ...(typeof req.query.code === 'string' ? { code: req.query.code } : {}),
      ...(typeof req.query.error === 'string' ? { error: printable(req.query.error) } : {}),
      ...(typeof req.query.error_description === 'string' ? { errorDescription: printable(req.query.error_description) } : {}),
    };
    await store.set(`returned:${pending.uid}`, JSON.stringify(result), 120);
    res.redirect(303, `/oauth/consent/${pending.uid}/continue`);
  };

  consent.get(
    '/:uid/continue',
    wrap(async (req, res) => {
      const details = await interaction(req, res);
      if (!details) {
        // Another browser than the one that consented: the provider's code is never redeemed.
        await store.delete(`returned:${req.params.uid}`);
        return;
      }
      const saved = await store.take(`returned:${details.uid}`);
      if (!saved) return void res.status(400).type('html').send(errorPage('Sign-in failed', 'This sign-in was already completed or has expired; start it again from the app.'));
      const returned = JSON.parse(saved) as ProviderResult;
      const clientId = String(details.params.client_id);
      if (returned.pending.clientId !== clientId) {
        return finishWithError(req, res, 'access_denied', 'The sign-in does not belong to this app.');
      }
      if (returned.error || !returned.code) {
        const error = returned.error === 'access_denied' ? 'access_denied' : 'server_error';
        return finishWithError(req, res, error, `${options.providerName} did not sign you in (${returned.error ?? 'no code'}${returned.errorDescription ? `: ${returned.errorDescription}` : ''}).`);
      }
      let signIn;
      try {
        signIn = await upstream.signIn(returned.code, returned.pending);
      } catch (error) {
        if (!(error instanceof UpstreamError)) throw error;
        log.warn(`auth: broker sign-in for client ${JSON.stringify(clientId)} failed: ${error.message}`);
        return finishWithError(req, res, error.code, error.message);
      }
      const sub = signIn.access.subject;
      if (!sub) return finishWithError(req, res, 'access_denied', `${options.providerName} did not say who signed in (no subject).`);

      // The allow-list (OAUTH_BROKER_ALLOW), when there is one, decides who may get a token at all.
      if (settings.allow.length > 0 && !allowed(signIn.verified, settings.allow)) {
        log.warn(`auth: broker refused sub ${JSON.stringify(sub)} (${JSON.stringify(signIn.verified.login ?? signIn.verified.email ?? 'no verified email')}): not in OAUTH_BROKER_ALLOW`);
        return finishWithError(req, res, 'access_denied', 'This account may not use this server: its owner has not allowed it (OAUTH_BROKER_ALLOW).');
      }

      // What the user holds at the provider decides what the host may get.
      const held = expand(new Set(signIn.access.scopes), options.implies);
      const missing = options.required.filter((scope) => !held.has(scope));
      if (missing.length > 0) {
        log.warn(`auth: broker refused sub ${JSON.stringify(sub)}: lacks ${missing.join(' ')} at the provider`);
        return finishWithError(req, res, 'access_denied', `Your ${options.providerName} account does not grant ${missing.join(' ')}, which this server requires.`);
      }
      const requested = requestedScopes(details.params.scope, options.scopes);
      const granted = requested.filter((scope) => held.has(scope));
      const withheld = requested.filter((scope) => !held.has(scope));

      // oidc-provider knows this server's scopes both as its own and as the resource's: the grant
      // names them both ways, and rejects what the user does not hold (the token simply lacks it).
      const grant = new provider.Grant({ accountId: sub, clientId });
      grant.addResourceScope(resource, granted.join(' '));
      grant.addOIDCScope(['offline_access', ...granted].join(' '));
      if (withheld.length > 0) {
        grant.rejectResourceScope(resource, withheld.join(' '));
        grant.rejectOIDCScope(withheld.join(' '));
      }
      const grantId = await grant.save();
      await store.set(`account:${sub}`, JSON.stringify(signIn.profile), REFRESH_TOKEN_TTL);
      await sealUpstream(grantId, signIn.tokens);
      log.info(`auth: broker signed in sub ${JSON.stringify(sub)} for client ${JSON.stringify(clientId)} with scopes ${JSON.stringify(granted.join(' '))}`);
      await provider.interactionFinished(req, res, { login: { accountId: sub }, consent: { grantId } }, { mergeWithLastSubmission: false });
    }),
  );

  /** The pending authorization this browser holds for `uid`, or an error page (and undefined). */
  async function interaction(req: Request, res: Response) {
    try {
      const details = await provider.interactionDetails(req, res);
      if (details.uid !== req.params.uid) throw new errors.SessionNotFound('interaction cookie is for another sign-in');
      return details;
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error;
      res.status(400).type('html').send(errorPage('Sign-in failed', 'This sign-in was not started in this browser, or it has expired. Start it again from the app.'));
      return undefined;
    }
  }

  return {
    issuer,
    metadata,
    jwks: async () => ({ keys: [publicKey] }),
    routes() {
      const router = express.Router();
      router.use('/oauth/consent', consent);
      router.get('/oauth/callback', wrap(providerCallback));
      // Not mounted at a path: oidc-provider would take express's baseUrl for its own mount point.
      router.use((req, res, next) => (PROVIDER_PATHS.some((path) => req.path === path || req.path.startsWith(`${path}/`)) ? handle(req, res) : next()));
      return router;
    },
    close: () => store.close(),
  };
}

/**
 * Whether the allow-list admits this user: by an email address the verified ID token says is
 * verified, or a domain (Google's `hd`, or that verified email's domain); with GitHub, by the login
 * or an organisation (`org:<name>`) the user API reports. Nothing else counts.
 */
export function allowed(verified: UpstreamSignIn['verified'], allow: string[]): boolean {
  const { email, hd, login, orgs = [] } = verified;
  const domain = email?.slice(email.lastIndexOf('@') + 1);
  return allow.some((entry) => {
    if (entry.startsWith('org:')) return orgs.includes(entry.slice('org:'.length));
    if (entry.includes('@')) return entry === email;
    // A domain has a dot; a GitHub login never does.
    return entry.includes('.') ? entry === hd || entry === domain : entry === login;
  });
}

/** The scopes a host asked for that this server offers; all of them when it asked for none of them. */
function requestedScopes(scope: unknown, offered: string[]): string[] {
  const asked = typeof scope === 'string' ? scope.split(' ').filter((item) => offered.includes(item)) : [];
  return asked.length > 0 ? [...new Set(asked)] : offered;
}

/** Scopes held, with everything they imply (OAUTH_SCOPE_IMPLIES). */
function expand(held: Set<string>, implies: Map<string, string[]>): Set<string> {
  const all = new Set(held);
  const queue = [...held];
  while (queue.length > 0) for (const narrower of implies.get(queue.pop()!) ?? []) if (!all.has(narrower)) (all.add(narrower), queue.push(narrower));
  return all;
}

/** What to show as the place a redirect URI sends the user: its host, or the app scheme (cursor://…). */
function redirectHostOf(uri: string): string {
  const url = URL.parse(uri);
  if (!url) return uri;
  if (url.protocol === 'http:' || url.protocol === 'https:') return ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) ? `${url.host} (an app on this computer)` : url.host;
  return `${url.protocol}//${url.host} (an app on this computer)`;
}

/**
 * RFC 8252: an app on the user's computer (Cursor: `cursor://…`) registers custom-scheme redirect
 * URIs; MCP hosts leave out `application_type`, which then means `web`, where only http(s) URIs
 * are allowed. A registration without `application_type` whose redirect URIs include a custom
 * scheme is read as `native` (still exact, still validated). Anything else passes unchanged.
 */
async function asNativeWhereMeant(req: IncomingMessage & { body?: unknown }): Promise<IncomingMessage> {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return req;
  let body: Buffer;
  if (req.body !== undefined && req.readableEnded) {
    body = Buffer.from(JSON.stringify(req.body));
  } else {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > 56 * 1024) throw new Error('registration request too large');
      chunks.push(chunk as Buffer);
    }
    body = Buffer.concat(chunks);
  }
  try {
    const metadata = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    const uris = Array.isArray(metadata.redirect_uris) ? metadata.redirect_uris : [];
    if (metadata.application_type === undefined && uris.some((uri) => typeof uri === 'string' && /^[a-z][a-z0-9+.-]*:/i.test(uri) && !/^https?:/i.test(uri))) {
      body = Buffer.from(JSON.stringify({ ...metadata, application_type: 'native' }));
    }
  } catch {
    // Not JSON: oidc-provider answers invalid_request itself.
  }
  // A detached socket: the replayed request must not close the real connection when it ends.
  const replay = new IncomingMessage(new Socket());
  replay.method = req.method;
  replay.url = req.url;
  replay.headers = { ...req.headers, 'content-length': String(body.length) };
  replay.push(body);
  replay.push(null);
  return replay;
}

/** Browser clients (MCP Inspector) register from the page. */
function registrationCors(): Parameters<Provider['use']>[0] {
  return async (ctx, next) => {
    const origin = ctx.get('Origin');
    if (!origin || !ctx.path.startsWith(ROUTES.registration)) return next();
    ctx.vary('Origin');
    ctx.set('Access-Control-Allow-Origin', origin);
    if (ctx.method === 'OPTIONS' && ctx.get('Access-Control-Request-Method')) {
      ctx.set('Access-Control-Allow-Methods', 'GET,POST');
      ctx.set('Access-Control-Allow-Headers', ctx.get('Access-Control-Request-Headers') || 'Content-Type');
      ctx.status = 204;
      return;
    }
    return next();
  };
}

function watch(provider: Provider, log: Logger): void {
  provider.on('registration_create.success', (_ctx, client) => {
    log.info(`auth: broker registered client ${JSON.stringify(client.clientName ?? client.clientId)} (${client.clientId}), redirect URIs ${JSON.stringify(client.redirectUris ?? [])}`);
  });
  provider.on('server_error', (ctx: KoaContextWithOIDC, error: Error) => {
    if (error instanceof StoreUnavailableError) {
      ctx.state.storeDown = error.message;
      log.warn(`auth: broker store unavailable: ${error.message}`);
    } else log.error(`auth: broker internal error: ${error.message}`);
  });
  for (const event of ['authorization.error', 'grant.error', 'registration_create.error', 'revocation.error']) {
    (provider as unknown as { on(event: string, listener: (ctx: KoaContextWithOIDC, error: errors.OIDCProviderError) => void): void }).on(event, (ctx, error) => {
      const client = ctx.oidc?.client ? ` (client ${ctx.oidc.client.clientId})` : '';
      const detail = error.error_detail ? `; ${printable(String(error.error_detail))}` : '';
      log.warn(`auth: broker ${event}${client}: ${error.error}: ${printable(error.error_description ?? '')}${detail}`);
    });
  }
  (provider as unknown as { on(event: string, listener: (error: Error) => void): void }).on('error', (error) => log.warn(`auth: broker: ${error.message}`));
}
