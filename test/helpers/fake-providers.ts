/**
 * Local fakes of Microsoft Entra ID and Amazon Cognito that refuse what the real ones refuse
 * (../shared/CLIENTS.md, AUTH-FACTS B.3–B.4), so a sign-in that passes here has met the rules
 * users meet first:
 *
 * - discovery is the provider's real document (no `code_challenge_methods_supported`, no
 *   registration endpoint), rewritten to this server; the key set is this server's own keys;
 * - the authorize endpoint checks the client id, the exact redirect URI, `response_type=code`,
 *   PKCE (S256 only) and the scopes, shows a login page and signs in a test user;
 * - Entra: an RFC 8707 `resource` that is not the Application ID URI of the requested scopes is
 *   refused (AADSTS9010010) on both endpoints; a scope without its Application ID URI is looked
 *   up on Microsoft Graph and refused (AADSTS650053); a `scope` is required;
 * - the token endpoint checks client authentication (a confidential client must send its
 *   secret), the single-use code, the redirect URI and the PKCE verifier, and issues tokens shaped
 *   like the provider's (Entra v2: `aud` = API client id, `scp` short names; Cognito: no `aud`,
 *   `client_id`, `token_use: access`); refresh tokens rotate.
 * - Cognito: a token request whose scopes name no resource server fails with `invalid_grant`.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startIssuerServer, type IssuerServer, type RouteRequest } from './issuer-server.js';

export interface FakeClient {
  id: string;
  /** A confidential client's secret; public clients have none. */
  secret?: string;
  redirectUris: string[];
  /** Cognito: the scopes the app client may request (default: everything the pool knows). */
  allowedScopes?: string[];
}

export interface FakeUser {
  username: string;
  password: string;
  sub: string;
  name: string;
}

export interface FakeProvider extends IssuerServer {
  kind: 'entra' | 'cognito';
  clients: FakeClient[];
  user: FakeUser;
  /** Every authorization request's query, as received (to see what a pass-through sent on). */
  authorizeRequests: URLSearchParams[];
  /** Every token request's form, as received. */
  tokenRequests: URLSearchParams[];
  /** Entra: while set, access tokens carry exactly these API scopes (a user the API grants less than asked). */
  overrideScopes?: string[];
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  challenge?: string;
  resource?: string;
  /** The OIDC `nonce` of the authorization request, echoed in the ID token as both providers do. */
  nonce?: string;
  used: boolean;
  expires: number;
}

const TEST_USER: FakeUser = { username: 'jane', password: 'correct horse', sub: 'fake-subject-3f9a', name: 'Jane Doe' };
const b64url = (bytes: Buffer) => bytes.toString('base64url');
const random = () => b64url(randomBytes(24));
const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function html(res: http.ServerResponse, status: number, title: string, body: string): true {
  const page = `<!doctype html><html><head><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(page);
  return true;
}

function json(res: http.ServerResponse, status: number, value: unknown): true {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', pragma: 'no-cache' }).end(JSON.stringify(value));
  return true;
}

function redirect(res: http.ServerResponse, to: URL): true {
  res.writeHead(302, { location: to.href, 'cache-control': 'no-store' }).end();
  return true;
}

function errorRedirect(res: http.ServerResponse, redirectUri: string, state: string | null, error: string, description: string): true {
  const to = new URL(redirectUri);
  to.searchParams.set('error', error);
  to.searchParams.set('error_description', description);
  if (state !== null) to.searchParams.set('state', state);
  return redirect(res, to);
}

function loginPage(res: http.ServerResponse, action: URL, title: string, failed: boolean): true {
  return html(
    res,
    200,
    title,
    `${failed ? '<p role="alert">Wrong user name or password.</p>' : ''}<form method="post" action="${escapeHtml(action.pathname + action.search)}">` +
      '<label>User name <input name="username"></label><label>Password <input name="password" type="password"></label>' +
      '<button type="submit" name="login" value="1">Sign in</button></form>',
  );
}

/** Client authentication at the token endpoint: `client_secret_basic`, `client_secret_post`, or none for a public client. */
function authenticate(clients: FakeClient[], form: URLSearchParams, headers: http.IncomingHttpHeaders): FakeClient | string {
  let id = form.get('client_id') ?? undefined;
  let secret = form.get('client_secret') ?? undefined;
  const basic = /^Basic (.+)$/i.exec(headers.authorization ?? '');
  if (basic) {
    const [user, pass] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
    id = decodeURIComponent(user ?? '');
    secret = decodeURIComponent(pass ?? '');
  }
  const client = clients.find((candidate) => candidate.id === id);
  if (!client) return 'unknown client';
  if (client.secret !== undefined && secret !== client.secret) return secret === undefined ? 'missing client secret' : 'wrong client secret';
  return client;
}

function s256(verifier: string): string {
  return b64url(createHash('sha256').update(verifier).digest());
}

function isForm(headers: http.IncomingHttpHeaders): boolean {
  return /^application\/x-www-form-urlencoded\b/i.test(headers['content-type'] ?? '');
}

/** The parts both fakes share: codes, refresh tokens, the login step, PKCE and client checks. */
class Grants {
  codes = new Map<string, PendingCode>();
  refresh = new Map<string, { clientId: string; scopes: string[]; resource?: string }>();

  issueCode(pending: Omit<PendingCode, 'used' | 'expires'>): string {
    const code = random();
    this.codes.set(code, { ...pending, used: false, expires: Date.now() + 5 * 60_000 });
    return code;
  }

  /** Redeems a code once; returns why not, or the pending authorization. */
  redeem(form: URLSearchParams, client: FakeClient): PendingCode | string {
    const pending = this.codes.get(form.get('code') ?? '');
    if (!pending) return 'the authorization code is not valid';
    if (pending.used) return 'the authorization code was already redeemed';
    pending.used = true;
    if (pending.expires < Date.now()) return 'the authorization code has expired';
    if (pending.clientId !== client.id) return 'the authorization code was issued to another client';
    if (form.get('redirect_uri') !== pending.redirectUri) return 'the redirect_uri does not match the authorization request';
    if (pending.challenge !== undefined) {
      const verifier = form.get('code_verifier');
      if (!verifier) return 'code_verifier is required';
      if (s256(verifier) !== pending.challenge) return 'the code_verifier does not match the code_challenge';
    }
    return pending;
  }

  rotate(form: URLSearchParams, client: FakeClient): { clientId: string; scopes: string[]; resource?: string } | string {
    const token = form.get('refresh_token') ?? '';
    const grant = this.refresh.get(token);
    if (!grant) return 'the refresh token is not valid';
    if (grant.clientId !== client.id) return 'the refresh token was issued to another client';
    this.refresh.delete(token);
    return grant;
  }

  newRefresh(grant: { clientId: string; scopes: string[]; resource?: string }): string {
    const token = random();
    this.refresh.set(token, grant);
    return token;
  }
}

/** The authorize step both fakes share after their own checks: the login page, then the code. */
function signInStep(request: RouteRequest, res: http.ServerResponse, user: FakeUser, title: string, grants: Grants, pending: Omit<PendingCode, 'used' | 'expires'>): true {
  if (request.method === 'GET') return loginPage(res, request.url, title, false);
  const form = new URLSearchParams(request.body);
  if (form.get('username') !== user.username || form.get('password') !== user.password) return loginPage(res, request.url, title, true);
  const to = new URL(pending.redirectUri);
  to.searchParams.set('code', grants.issueCode(pending));
  const state = request.url.searchParams.get('state');
  if (state !== null) to.searchParams.set('state', state);
  // Neither Entra nor Cognito sends RFC 9207 iss: that is what lets them sit behind a façade.
  return redirect(res, to);
}

export interface FakeEntraOptions {
  /** The API app's client id (v2 tokens carry it in `aud`). */
  apiClientId: string;
  /** Its Application ID URI (default `api://{apiClientId}`). */
  appIdUri?: string;
  /** Scopes the API exposes (short names). */
  exposed?: string[];
  clients: FakeClient[];
}

const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);

/** A fake Entra ID tenant (v2 endpoints) on 127.0.0.1. */
export async function startFakeEntra(options: FakeEntraOptions): Promise<FakeProvider> {
  const appIdUri = options.appIdUri ?? `api://${options.apiClientId}`;
  const exposed = options.exposed ?? ['mcp.tools'];
  const grants = new Grants();
  const authorizeRequests: URLSearchParams[] = [];
  const tokenRequests: URLSearchParams[] = [];
  let srv!: IssuerServer;
  const tenant = '9a95fd9e-005d-487a-9a01-d08c1eab2757';

  /** AADSTS650053 for scopes that are not this API's, AADSTS9010010 for a resource that is not its Application ID URI. */
  const scopeError = (scopes: string[], resource: string | null): string | undefined => {
    for (const scope of scopes) {
      if (OIDC_SCOPES.has(scope)) continue;
      if (!scope.includes('/')) return `AADSTS650053: The application asked for scope '${scope}' that doesn't exist on the resource '00000003-0000-0000-c000-000000000000'.`;
      const slash = scope.lastIndexOf('/');
      if (scope.slice(0, slash) !== appIdUri || !exposed.includes(scope.slice(slash + 1))) return `AADSTS650053: The application asked for scope '${scope}' that doesn't exist on the resource.`;
    }
    if (resource !== null && resource !== appIdUri) return "AADSTS9010010: The resource parameter provided in the request doesn't match with the requested scopes.";
    return undefined;
  };

  const routes = async (request: RouteRequest, res: http.ServerResponse): Promise<boolean> => {
    const base = `/${tenant}/oauth2/v2.0`;
    if (request.url.pathname === `${base}/authorize`) {
      const q = request.url.searchParams;
      if (request.method === 'GET') authorizeRequests.push(new URLSearchParams(q));
      const client = options.clients.find((candidate) => candidate.id === q.get('client_id'));
      if (!client) return html(res, 400, 'Sign in', `<p>AADSTS700016: Application with identifier '${escapeHtml(q.get('client_id') ?? '')}' was not found in the directory.</p>`);
      const redirectUri = q.get('redirect_uri') ?? '';
      if (!client.redirectUris.includes(redirectUri)) {
        return html(res, 400, 'Sign in', `<p>AADSTS50011: The redirect URI '${escapeHtml(redirectUri)}' specified in the request does not match the redirect URIs configured for the application '${escapeHtml(client.id)}'.</p>`);
      }
      const state = q.get('state');
      if (q.get('response_type') !== 'code') return errorRedirect(res, redirectUri, state, 'unsupported_response_type', 'AADSTS70005: response_type must be code.');
      const scope = q.get('scope');
      if (!scope) return errorRedirect(res, redirectUri, state, 'invalid_request', "AADSTS900144: The request body must contain the following parameter: 'scope'.");
      const scopes = scope.split(' ').filter(Boolean);
      const refused = scopeError(scopes, q.get('resource'));
      if (refused) return errorRedirect(res, redirectUri, state, refused.startsWith('AADSTS9010010') ? 'invalid_request' : 'invalid_scope', refused);
      const challenge = q.get('code_challenge') ?? undefined;
      if (challenge !== undefined && q.get('code_challenge_method') !== 'S256') return errorRedirect(res, redirectUri, state, 'invalid_request', 'AADSTS501491: Invalid code_challenge_method; only S256 is supported.');
      if (challenge === undefined && client.secret === undefined) return errorRedirect(res, redirectUri, state, 'invalid_request', 'AADSTS9002325: Proof Key for Code Exchange is required for cross-origin authorization code redemption.');
      return signInStep(request, res, TEST_USER, 'Sign in to your account', grants, { clientId: client.id, redirectUri, scopes, challenge, resource: q.get('resource') ?? undefined, nonce: q.get('nonce') ?? undefined });
    }
    if (request.url.pathname === `${base}/token` && request.method === 'POST') {
      if (!isForm(request.headers)) return json(res, 400, { error: 'invalid_request', error_description: "AADSTS900144: The request body must contain the following parameter: 'grant_type'." });
      const form = new URLSearchParams(request.body);
      tokenRequests.push(form);
      const client = authenticate(options.clients, form, request.headers);
      if (typeof client === 'string') return json(res, 401, { error: 'invalid_client', error_description: `AADSTS7000218: ${client}.` });
      let grant: { scopes: string[]; resource?: string; nonce?: string };
      if (form.get('grant_type') === 'authorization_code') {
        const pending = grants.redeem(form, client);
        if (typeof pending === 'string') return json(res, 400, { error: 'invalid_grant', error_description: `AADSTS54005: ${pending}.` });
        grant = pending;
      } else if (form.get('grant_type') === 'refresh_token') {
        const previous = grants.rotate(form, client);
        if (typeof previous === 'string') return json(res, 400, { error: 'invalid_grant', error_description: `AADSTS70000: ${previous}.` });
        grant = previous;
      } else {
        return json(res, 400, { error: 'unsupported_grant_type', error_description: 'AADSTS70003: The app requested an unsupported grant type.' });
      }
      const refused = scopeError(grant.scopes, form.get('resource'));
      if (refused) return json(res, 400, { error: 'invalid_request', error_description: refused });
      const api = grant.scopes.filter((scope) => !OIDC_SCOPES.has(scope));
      const accessToken = await srv.mint({
        ver: '2.0',
        aud: options.apiClientId,
        sub: TEST_USER.sub,
        tid: tenant,
        azp: client.id,
        azpacr: client.secret === undefined ? '0' : '1',
        scp: ((srv as FakeProvider).overrideScopes ?? api).map((scope) => scope.slice(scope.lastIndexOf('/') + 1)).join(' '),
        name: TEST_USER.name,
        exp: Math.floor(Date.now() / 1000) + 3600,
      });
      const body: Record<string, unknown> = { token_type: 'Bearer', scope: api.join(' '), expires_in: 3600, ext_expires_in: 3600, access_token: accessToken };
      if (grant.scopes.includes('offline_access')) body.refresh_token = grants.newRefresh({ clientId: client.id, scopes: grant.scopes });
      if (grant.scopes.includes('openid')) body.id_token = await srv.mint({ ver: '2.0', aud: client.id, sub: TEST_USER.sub, tid: tenant, name: TEST_USER.name, ...(grant.nonce ? { nonce: grant.nonce } : {}) });
      return json(res, 200, body);
    }
    return false;
  };

  srv = await startIssuerServer({ fixture: 'entra-v2-tenant', routes });
  return Object.assign(srv, { kind: 'entra' as const, clients: options.clients, user: TEST_USER, authorizeRequests, tokenRequests });
}

export interface FakeCognitoOptions {
  clients: FakeClient[];
  /** The resource server's identifier and scopes (`mcp` with `tools`: `mcp/tools`). */
  resourceServer?: { identifier: string; scopes: string[] };
}

/** A fake Cognito user pool with a domain (the hosted UI's /oauth2 endpoints on this server). */
export async function startFakeCognito(options: FakeCognitoOptions): Promise<FakeProvider> {
  const resourceServer = options.resourceServer ?? { identifier: 'mcp', scopes: ['tools'] };
  const custom = resourceServer.scopes.map((scope) => `${resourceServer.identifier}/${scope}`);
  const poolScopes = ['openid', 'email', 'phone', 'profile', 'aws.cognito.signin.user.admin', ...custom];
  const grants = new Grants();
  const authorizeRequests: URLSearchParams[] = [];
  const tokenRequests: URLSearchParams[] = [];
  let srv!: IssuerServer;

  const routes = async (request: RouteRequest, res: http.ServerResponse): Promise<boolean> => {
    if (request.url.pathname === '/oauth2/authorize') {
      const q = request.url.searchParams;
      if (request.method === 'GET') authorizeRequests.push(new URLSearchParams(q));
      const client = options.clients.find((candidate) => candidate.id === q.get('client_id'));
      if (!client) return html(res, 400, 'An error was encountered with the requested page.', '<p>error=invalid_client: Client does not exist.</p>');
      const redirectUri = q.get('redirect_uri') ?? '';
      if (!client.redirectUris.includes(redirectUri)) return html(res, 400, 'An error was encountered with the requested page.', '<p>error=redirect_mismatch</p>');
      const state = q.get('state');
      if (q.get('response_type') !== 'code') return errorRedirect(res, redirectUri, state, 'unsupported_response_type', 'response_type must be code');
      const allowed = client.allowedScopes ?? poolScopes;
      const scopes = (q.get('scope') ?? '').split(' ').filter(Boolean);
      const granted = scopes.length > 0 ? scopes : allowed;
      const notAllowed = granted.find((scope) => !allowed.includes(scope));
      if (notAllowed) return errorRedirect(res, redirectUri, state, 'invalid_scope', `${notAllowed} is not an allowed scope for this client`);
      const challenge = q.get('code_challenge') ?? undefined;
      if (challenge !== undefined && q.get('code_challenge_method') !== 'S256') return errorRedirect(res, redirectUri, state, 'invalid_request', 'code_challenge_method must be S256');
      // Whether Cognito honours RFC 8707 `resource` here is unverified (AUTH-FACTS B.4); the fake ignores it.
      return signInStep(request, res, TEST_USER, 'Sign in', grants, { clientId: client.id, redirectUri, scopes: granted, challenge, nonce: q.get('nonce') ?? undefined });
    }
    if (request.url.pathname === '/oauth2/token' && request.method === 'POST') {
      if (!isForm(request.headers)) return json(res, 400, { error: 'invalid_request' });
      const form = new URLSearchParams(request.body);
      tokenRequests.push(form);
      const client = authenticate(options.clients, form, request.headers);
      if (typeof client === 'string') return json(res, 400, { error: 'invalid_client' });
      let scopes: string[];
      let nonce: string | undefined;
      if (form.get('grant_type') === 'authorization_code') {
        const pending = grants.redeem(form, client);
        if (typeof pending === 'string') return json(res, 400, { error: 'invalid_grant' });
        scopes = pending.scopes;
        nonce = pending.nonce;
      } else if (form.get('grant_type') === 'refresh_token') {
        const previous = grants.rotate(form, client);
        if (typeof previous === 'string') return json(res, 400, { error: 'invalid_grant' });
        scopes = previous.scopes;
      } else {
        return json(res, 400, { error: 'unsupported_grant_type' });
      }
      // Without a resource server scope the exchange fails (fastmcp PR#2149).
      if (!scopes.some((scope) => custom.includes(scope))) return json(res, 400, { error: 'invalid_grant' });
      const now = Math.floor(Date.now() / 1000);
      const accessToken = await srv.mint({
        sub: TEST_USER.sub,
        token_use: 'access',
        client_id: client.id,
        scope: scopes.join(' '),
        username: TEST_USER.username,
        auth_time: now,
        jti: random(),
        origin_jti: random(),
        event_id: random(),
        version: 2,
        exp: now + 3600,
      });
      const body: Record<string, unknown> = { token_type: 'Bearer', expires_in: 3600, access_token: accessToken, refresh_token: grants.newRefresh({ clientId: client.id, scopes }) };
      if (scopes.includes('openid')) body.id_token = await srv.mint({ sub: TEST_USER.sub, aud: client.id, token_use: 'id', 'cognito:username': TEST_USER.username, ...(nonce ? { nonce } : {}) });
      return json(res, 200, body);
    }
    return false;
  };

  srv = await startIssuerServer({ fixture: 'cognito-userpool-with-domain', routes });
  // The hosted UI lives on the pool's domain; here it shares the fake's origin.
  for (const field of ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint']) {
    srv.document[field] = `${srv.origin}${new URL(String(srv.document[field])).pathname}`;
  }
  return Object.assign(srv, { kind: 'cognito' as const, clients: options.clients, user: TEST_USER, authorizeRequests, tokenRequests });
}

export interface FakeGoogleUser {
  email: string;
  password: string;
  sub: string;
  name: string;
  /** The Google Workspace domain (`hd`), absent for a consumer account. */
  hd?: string;
}

export interface FakeGoogle extends IssuerServer {
  users: FakeGoogleUser[];
  authorizeRequests: URLSearchParams[];
  tokenRequests: URLSearchParams[];
}

/**
 * A fake Google (accounts.google.com + oauth2.googleapis.com) on 127.0.0.1, as strict as Google:
 * the real discovery document rewritten here; the authorize endpoint checks the client, the exact
 * redirect URI, `response_type=code`, PKCE S256 when sent, and refuses any scope but openid, email
 * and profile (`invalid_scope`, as Google does for an unknown scope); a login page for several
 * accounts; the token endpoint checks client authentication, the single-use code, its redirect URI
 * and verifier, and returns an opaque access token (for Google's APIs only) and an RS256 ID token
 * with `aud` = `azp` = the client id, `email`, `email_verified`, `hd` for Workspace accounts, and
 * the nonce. No refresh token (Google gives one only for access_type=offline).
 */
export async function startFakeGoogle(options: { clients: FakeClient[]; users: FakeGoogleUser[] }): Promise<FakeGoogle> {
  const codes = new Map<string, { clientId: string; redirectUri: string; scopes: string[]; challenge?: string; nonce?: string; user: FakeGoogleUser; used: boolean }>();
  const authorizeRequests: URLSearchParams[] = [];
  const tokenRequests: URLSearchParams[] = [];
  const allowedScopes = new Set(['openid', 'email', 'profile']);
  let srv!: IssuerServer;

  const routes = async (request: RouteRequest, res: http.ServerResponse): Promise<boolean> => {
    if (request.url.pathname === '/o/oauth2/v2/auth') {
      const q = request.url.searchParams;
      if (request.method === 'GET') authorizeRequests.push(new URLSearchParams(q));
      const client = options.clients.find((candidate) => candidate.id === q.get('client_id'));
      if (!client) return html(res, 401, 'Access blocked: Authorization Error', '<p>Error 401: invalid_client. The OAuth client was not found.</p>');
      const redirectUri = q.get('redirect_uri') ?? '';
      if (!client.redirectUris.includes(redirectUri)) return html(res, 400, 'Access blocked: This app\'s request is invalid', `<p>Error 400: redirect_uri_mismatch. ${escapeHtml(redirectUri)}</p>`);
      const state = q.get('state');
      if (q.get('response_type') !== 'code') return errorRedirect(res, redirectUri, state, 'unsupported_response_type', 'Invalid response_type.');
      const scopes = (q.get('scope') ?? '').split(' ').filter(Boolean);
      const unknown = scopes.find((scope) => !allowedScopes.has(scope));
      if (scopes.length === 0 || unknown !== undefined) return html(res, 400, 'Access blocked: Authorization Error', `<p>Error 400: invalid_scope. Some requested scopes were invalid: {invalid=[${escapeHtml(unknown ?? '')}]}</p>`);
      const challenge = q.get('code_challenge') ?? undefined;
      if (challenge !== undefined && q.get('code_challenge_method') !== 'S256') return errorRedirect(res, redirectUri, state, 'invalid_request', 'Invalid code_challenge_method.');
      if (request.method === 'GET') return loginPage(res, request.url, 'Sign in with Google', false);
      const form = new URLSearchParams(request.body);
      const user = options.users.find((candidate) => candidate.email === form.get('username') && candidate.password === form.get('password'));
      if (!user) return loginPage(res, request.url, 'Sign in with Google', true);
      const code = `4/${random()}`;
      codes.set(code, { clientId: client.id, redirectUri, scopes, challenge, nonce: q.get('nonce') ?? undefined, user, used: false });
      const to = new URL(redirectUri);
      to.searchParams.set('code', code);
      if (state !== null) to.searchParams.set('state', state);
      to.searchParams.set('scope', scopes.join(' '));
      return redirect(res, to);
    }
    if (request.url.pathname === '/token' && request.method === 'POST') {
      if (!isForm(request.headers)) return json(res, 400, { error: 'invalid_request', error_description: 'Bad Request' });
      const form = new URLSearchParams(request.body);
      tokenRequests.push(form);
      const client = authenticate(options.clients, form, request.headers);
      if (typeof client === 'string') return json(res, 401, { error: 'invalid_client', error_description: 'Unauthorized' });
      if (form.get('grant_type') !== 'authorization_code') return json(res, 400, { error: 'unsupported_grant_type', error_description: 'Invalid grant_type' });
      const pending = codes.get(form.get('code') ?? '');
      if (!pending || pending.used || pending.clientId !== client.id || pending.redirectUri !== form.get('redirect_uri')) return json(res, 400, { error: 'invalid_grant', error_description: 'Bad Request' });
      pending.used = true;
      if (pending.challenge !== undefined && s256(form.get('code_verifier') ?? '') !== pending.challenge) return json(res, 400, { error: 'invalid_grant', error_description: 'Invalid code verifier.' });
      const now = Math.floor(Date.now() / 1000);
      const { user } = pending;
      const idToken = await srv.mint({
        iss: srv.issuer,
        azp: client.id,
        aud: client.id,
        sub: user.sub,
        ...(pending.scopes.includes('email') ? { email: user.email, email_verified: true } : {}),
        ...(user.hd ? { hd: user.hd } : {}),
        ...(pending.scopes.includes('profile') ? { name: user.name } : {}),
        ...(pending.nonce ? { nonce: pending.nonce } : {}),
        at_hash: random().slice(0, 22),
        iat: now,
        exp: now + 3600,
      });
      return json(res, 200, { access_token: `ya29.${random()}`, expires_in: 3599, scope: pending.scopes.join(' '), token_type: 'Bearer', id_token: idToken });
    }
    return false;
  };

  srv = await startIssuerServer({ fixture: 'google-accounts', routes });
  // Google's token endpoint is on another host (oauth2.googleapis.com): serve it here too.
  srv.document.token_endpoint = `${srv.origin}/token`;
  return Object.assign(srv, { users: options.users, authorizeRequests, tokenRequests });
}

export interface FakeGitHubUser {
  login: string;
  password: string;
  id: number;
  name: string;
  /** Organisations the user is a member of (shown by /user/orgs only to a token with read:org). */
  orgs: string[];
}

export interface FakeGitHub {
  /** The GitHub origin (what `--issuer` names: https://github.com for real). */
  issuer: string;
  users: FakeGitHubUser[];
  authorizeRequests: URLSearchParams[];
  tokenRequests: URLSearchParams[];
  /** Requests to the user API, with the headers GitHub insists on. */
  apiRequests: Array<{ path: string; userAgent: string | undefined; authorization: string | undefined }>;
  close(): Promise<void>;
}

/**
 * A fake GitHub (github.com + its REST API, shaped as GitHub Enterprise Server: `/api/v3`) on
 * 127.0.0.1, as strict as GitHub: no discovery document and no JWKS (404); the authorize endpoint
 * at `/login/oauth/authorize` checks the client and that the redirect URI is the registered
 * callback (GitHub also accepts a path below it, nothing else), PKCE S256 when sent; a login page;
 * the token endpoint at `/login/oauth/access_token` takes the client secret in the form, answers
 * form-encoded unless asked for JSON, and reports its errors with HTTP 200 and an `error` field, as
 * GitHub does; codes are single-use and bound to their verifier. Tokens are opaque (`gho_…`). The
 * user API refuses a request without a User-Agent (403) or a valid token (401), and `/user/orgs`
 * lists the user's organisations only to a token granted `read:org`.
 */
export async function startFakeGitHub(options: { clients: FakeClient[]; users: FakeGitHubUser[] }): Promise<FakeGitHub> {
  const codes = new Map<string, { clientId: string; redirectUri: string; scopes: string[]; challenge?: string; user: FakeGitHubUser; used: boolean }>();
  const tokens = new Map<string, { user: FakeGitHubUser; scopes: string[] }>();
  const authorizeRequests: URLSearchParams[] = [];
  const tokenRequests: URLSearchParams[] = [];
  const apiRequests: FakeGitHub['apiRequests'] = [];
  const callbackMatches = (registered: string, given: string) => {
    const a = new URL(registered);
    const b = URL.canParse(given) ? new URL(given) : undefined;
    return b !== undefined && a.origin === b.origin && (b.pathname === a.pathname || b.pathname.startsWith(a.pathname.endsWith('/') ? a.pathname : `${a.pathname}/`));
  };

  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/login/oauth/authorize') {
        const q = url.searchParams;
        if (req.method === 'GET') authorizeRequests.push(new URLSearchParams(q));
        const client = options.clients.find((candidate) => candidate.id === q.get('client_id'));
        if (!client) return void html(res, 404, 'Not Found', '<p>The OAuth app was not found.</p>');
        const redirectUri = q.get('redirect_uri') ?? client.redirectUris[0]!;
        if (!client.redirectUris.some((registered) => callbackMatches(registered, redirectUri))) {
          return void html(res, 200, 'Redirect URI mismatch', '<p>The redirect_uri is not associated with this application.</p>');
        }
        const state = q.get('state');
        const challenge = q.get('code_challenge') ?? undefined;
        if (challenge !== undefined && q.get('code_challenge_method') !== 'S256') return void errorRedirect(res, redirectUri, state, 'invalid_request', 'code_challenge_method must be S256');
        if (req.method === 'GET') return void loginPage(res, url, 'Sign in to GitHub', false);
        const form = new URLSearchParams(body);
        const user = options.users.find((candidate) => candidate.login === form.get('username') && candidate.password === form.get('password'));
        if (!user) return void loginPage(res, url, 'Sign in to GitHub', true);
        const code = randomBytes(10).toString('hex');
        // GitHub splits scopes on spaces and commas.
        codes.set(code, { clientId: client.id, redirectUri, scopes: (q.get('scope') ?? '').split(/[ ,]+/).filter(Boolean), challenge, user, used: false });
        const to = new URL(redirectUri);
        to.searchParams.set('code', code);
        if (state !== null) to.searchParams.set('state', state);
        return void redirect(res, to);
      }
      if (url.pathname === '/login/oauth/access_token' && req.method === 'POST') {
        const form = new URLSearchParams(body);
        tokenRequests.push(form);
        const wantsJson = /application\/json/.test(req.headers.accept ?? '');
        const answer = (value: Record<string, string>) =>
          wantsJson ? json(res, 200, value) : res.writeHead(200, { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }).end(new URLSearchParams(value).toString());
        const client = options.clients.find((candidate) => candidate.id === form.get('client_id'));
        if (!client || form.get('client_secret') !== client.secret) return void answer({ error: 'incorrect_client_credentials', error_description: 'The client_id and/or client_secret passed are incorrect.' });
        const pending = codes.get(form.get('code') ?? '');
        if (!pending || pending.used || pending.clientId !== client.id || (form.get('redirect_uri') !== null && form.get('redirect_uri') !== pending.redirectUri)) {
          return void answer({ error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.' });
        }
        pending.used = true;
        if (pending.challenge !== undefined && s256(form.get('code_verifier') ?? '') !== pending.challenge) return void answer({ error: 'bad_verification_code', error_description: 'The code_verifier does not match the code_challenge.' });
        const token = `gho_${randomBytes(18).toString('base64url')}`;
        tokens.set(token, { user: pending.user, scopes: pending.scopes });
        return void answer({ access_token: token, token_type: 'bearer', scope: pending.scopes.join(',') });
      }
      if (url.pathname === '/api/v3/user' || url.pathname === '/api/v3/user/orgs') {
        apiRequests.push({ path: url.pathname, userAgent: req.headers['user-agent'], authorization: req.headers.authorization });
        if (!req.headers['user-agent']) return void json(res, 403, { message: 'Request forbidden by administrative rules. Please make sure your request has a User-Agent header (https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required).' });
        const grant = tokens.get((req.headers.authorization ?? '').replace(/^(Bearer|token) /i, ''));
        if (!grant) return void json(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
        if (url.pathname.endsWith('/orgs')) return void json(res, 200, grant.scopes.includes('read:org') ? grant.user.orgs.map((login, i) => ({ login, id: 1000 + i })) : []);
        const { user } = grant;
        return void json(res, 200, { login: user.login, id: user.id, type: 'User', name: user.name, email: null });
      }
      json(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    users: options.users,
    authorizeRequests,
    tokenRequests,
    apiRequests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
