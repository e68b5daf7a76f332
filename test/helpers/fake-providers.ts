/**
 * Local fakes of Microsoft Entra ID, Amazon Cognito, Keycloak, WorkOS AuthKit, Google and GitHub
 * that refuse what the real ones refuse (../shared/CLIENTS.md, AUTH-FACTS B.3–B.6), so a sign-in
 * that passes here has met the rules users meet first. Entra and Cognito (façade providers):
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
 *
 * Keycloak and WorkOS (direct providers, each documented at its start function) take dynamic
 * registration, so their clients list grows as hosts register; their settings are mutable, so one
 * running fake can show a trap and its fix.
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
  kind: 'entra' | 'cognito' | 'keycloak' | 'workos';
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

/** The body as a JSON object, or undefined. */
function jsonObject(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** What a registration request asked for, or why it is refused (RFC 7591 §3.2.2 error codes). */
function readRegistration(body: string): { redirectUris: string[]; method: string; metadata: Record<string, unknown> } | { error: 'invalid_redirect_uri' | 'invalid_client_metadata'; description: string } {
  let metadata: unknown;
  try {
    metadata = JSON.parse(body);
  } catch {
    return { error: 'invalid_client_metadata', description: 'the request body is not JSON' };
  }
  if (!metadata || typeof metadata !== 'object' || Array.isArray(metadata)) return { error: 'invalid_client_metadata', description: 'the request body is not a JSON object' };
  const record = metadata as Record<string, unknown>;
  const uris = record.redirect_uris;
  if (!Array.isArray(uris) || uris.length === 0 || !uris.every((uri) => typeof uri === 'string' && URL.canParse(uri))) return { error: 'invalid_redirect_uri', description: 'redirect_uris must be a list of absolute URIs' };
  const method = typeof record.token_endpoint_auth_method === 'string' ? record.token_endpoint_auth_method : 'client_secret_basic';
  return { redirectUris: uris as string[], method, metadata: record };
}

/** The parts of a registered client's answer every provider sends, with a secret unless it is public. */
function registeredClient(clients: FakeClient[], id: string, registration: { redirectUris: string[]; method: string; metadata: Record<string, unknown> }): Record<string, unknown> {
  const secret = registration.method === 'none' ? undefined : random();
  clients.push({ id, redirectUris: registration.redirectUris, ...(secret === undefined ? {} : { secret }) });
  return {
    client_id: id,
    ...(secret === undefined ? {} : { client_secret: secret, client_secret_expires_at: 0 }),
    client_id_issued_at: Math.floor(Date.now() / 1000),
    redirect_uris: registration.redirectUris,
    token_endpoint_auth_method: registration.method,
    grant_types: Array.isArray(registration.metadata.grant_types) ? registration.metadata.grant_types : ['authorization_code', 'refresh_token'],
    ...(typeof registration.metadata.client_name === 'string' ? { client_name: registration.metadata.client_name } : {}),
  };
}

/** What a Keycloak realm's administrator can change while the fake runs. */
export interface FakeKeycloakSettings {
  /**
   * Clients › Client registration › Anonymous access policies › Trusted Hosts: host names, IP
   * addresses or `*.domain` patterns. Keycloak's default trusts none, so anonymous registration is
   * refused until it lists the hosts.
   */
  trustedHosts: string[];
  /** Its "Host Sending Client Registration Request Must Match" (on by default): the sender must be trusted. */
  senderMustMatch: boolean;
  /**
   * The address Keycloak sees registration requests come from (default 127.0.0.1, where this fake
   * is reached); set it to a host's servers (ChatGPT registers from its own) to see that check bite.
   */
  senderAddress: string;
  /** Its "Client URIs Must Match" (on by default): every redirect URI's host must be trusted. */
  clientUrisMustMatch: boolean;
  /** Anonymous access policies › Max Clients Limit (Keycloak's default: 200 clients in the realm). */
  maxClients: number;
  /**
   * The Included Custom Audience of an Audience mapper on a default client scope. Unset, access
   * tokens carry only `account` in `aud`, whatever `resource` the host sends.
   */
  audienceMapper?: string;
  /** Client scopes of the realm clients may request besides Keycloak's built-in ones (AUTH_SETUP: `mcp:tools`). */
  clientScopes: string[];
  /** Anonymous access policies › Allowed Client Scopes: what a registration may ask for in `scope` (default: every realm scope). */
  allowedClientScopes?: string[];
}

export interface FakeKeycloak extends FakeProvider {
  realm: string;
  settings: FakeKeycloakSettings;
}

/** A new realm's anonymous access policies, as the fake starts with them (and the AUTH_SETUP client scope). */
export const KEYCLOAK_DEFAULT_SETTINGS: Readonly<FakeKeycloakSettings> = { trustedHosts: [], senderMustMatch: true, senderAddress: '127.0.0.1', clientUrisMustMatch: true, maxClients: 200, clientScopes: ['mcp:tools'] };

/** Keycloak's built-in client scopes: default ones (always in tokens) and optional ones. */
const KEYCLOAK_DEFAULT_SCOPES = ['acr', 'basic', 'email', 'profile', 'roles', 'web-origins'];
const KEYCLOAK_OPTIONAL_SCOPES = ['address', 'phone', 'offline_access', 'microprofile-jwt', 'organization'];
/** Default scopes whose "Include in token scope" is on (the rest add claims, not scope names). */
const KEYCLOAK_SCOPES_IN_TOKEN = ['email', 'profile'];

const KEYCLOAK_USER: FakeUser = { username: 'jane', password: 'correct horse', sub: '4c0a1f7e-9b2d-4e6a-8f3c-2d1e0b9a8c7d', name: 'Jane Doe' };

/**
 * A fake Keycloak realm at `/realms/{realm}` (Keycloak 17+ paths), as strict as Keycloak
 * (AUTH-FACTS B.5, CLIENTS.md):
 *
 * - discovery only at `{issuer}/.well-known/openid-configuration`, the realm document of the
 *   `keycloak-master-localhost` fixture (PKCE `plain` and `S256`, `registration_endpoint` at
 *   `/realms/{realm}/clients-registrations/openid-connect`, no `none` among the token endpoint
 *   auth methods), and the realm's keys;
 * - anonymous dynamic registration passes the Anonymous access policies first, before its
 *   metadata is validated, as Keycloak does: "Trusted Hosts" (the sender and every redirect URI
 *   host must be trusted, a URI that does not parse is "URI is malformed"; Keycloak's default
 *   trusts none), "Max Clients Limit" (200) and "Allowed Client Scopes", refusing with Keycloak's 403 `insufficient_scope`
 *   "Policy '…' rejected request to client-registration service. Details: …"; then invalid
 *   metadata is a 400; `token_endpoint_auth_method: none` registers a public client;
 * - the authorize endpoint checks the client ("Client not found."), the exact redirect URI
 *   ("Invalid parameter: redirect_uri"), `response_type=code`, the PKCE method (`plain` or `S256`)
 *   and that every scope is a realm client scope (`invalid_scope` "Invalid scopes: …");
 * - RFC 8707 `resource` is ignored (the resource-indicators feature is experimental and off);
 * - access tokens: `aud` is `account` (plus the Audience mapper's audience when one is set),
 *   `azp` = the client, `typ: Bearer`, `scope` with the default scopes Keycloak puts there,
 *   `realm_access.roles`, `resource_access.account.roles`, `sid`, `preferred_username`; errors as
 *   Keycloak words them ("Code not valid", "Incorrect redirect_uri", "PKCE verification failed:
 *   Code mismatch", "Invalid client or Invalid client credentials"); refresh tokens rotate.
 */
export async function startFakeKeycloak(options: { realm?: string; clients?: FakeClient[]; settings?: Partial<FakeKeycloakSettings> } = {}): Promise<FakeKeycloak> {
  const realm = options.realm ?? 'master';
  const clients = options.clients ?? [];
  const settings: FakeKeycloakSettings = { ...KEYCLOAK_DEFAULT_SETTINGS, trustedHosts: [], clientScopes: ['mcp:tools'], ...options.settings };
  const grants = new Grants();
  const authorizeRequests: URLSearchParams[] = [];
  const tokenRequests: URLSearchParams[] = [];
  const base = `/realms/${encodeURIComponent(realm)}`;
  const oidc = `${base}/protocol/openid-connect`;
  let srv!: IssuerServer;
  const realmScopes = () => new Set(['openid', ...KEYCLOAK_DEFAULT_SCOPES, ...KEYCLOAK_OPTIONAL_SCOPES, ...settings.clientScopes]);
  const trusted = (host: string) => settings.trustedHosts.some((entry) => (entry.startsWith('*.') ? host.endsWith(entry.slice(1)) : host === entry));
  const policyRefusal = (res: http.ServerResponse, policy: string, details: string) =>
    json(res, 403, { error: 'insufficient_scope', error_description: `Policy '${policy}' rejected request to client-registration service. Details: ${details}` });

  const accessToken = async (client: FakeClient, scopes: string[]) => {
    const now = Math.floor(Date.now() / 1000);
    const optional = scopes.filter((scope) => scope !== 'openid' && !KEYCLOAK_DEFAULT_SCOPES.includes(scope));
    const scope = [...(scopes.includes('openid') ? ['openid'] : []), ...KEYCLOAK_SCOPES_IN_TOKEN, ...optional].join(' ');
    const aud = settings.audienceMapper === undefined ? 'account' : [settings.audienceMapper, 'account'];
    return srv.mint({
      exp: now + 300,
      iat: now,
      auth_time: now,
      jti: randomUUIDish(),
      aud,
      sub: KEYCLOAK_USER.sub,
      typ: 'Bearer',
      azp: client.id,
      sid: randomUUIDish(),
      acr: '1',
      'allowed-origins': [],
      realm_access: { roles: [`default-roles-${realm}`, 'offline_access', 'uma_authorization'] },
      resource_access: { account: { roles: ['manage-account', 'manage-account-links', 'view-profile'] } },
      scope,
      email_verified: true,
      name: KEYCLOAK_USER.name,
      preferred_username: KEYCLOAK_USER.username,
      email: 'jane@example.com',
    });
  };

  const routes = async (request: RouteRequest, res: http.ServerResponse): Promise<boolean> => {
    const path = request.url.pathname;
    if (path === `${base}/clients-registrations/openid-connect` && request.method === 'POST') {
      // An initial access token or a service account's token would authenticate the request; the fake knows none.
      if (request.headers.authorization) return json(res, 401, { error: 'invalid_token', error_description: 'Failed decode token' });
      const metadata = jsonObject(request.body);
      if (metadata === undefined) return json(res, 400, { error: 'invalid_client_metadata', error_description: 'Failed to parse client metadata' });
      // Anonymous access policies before the metadata is validated, as Keycloak runs them
      // (AbstractClientRegistrationProvider.create: auth.requireCreate, then validateClient), in
      // the order a new realm lists them (Keycloak keeps no fixed order). Max Clients Limit counts
      // only the clients registered here: the fake has none of a realm's built-in ones.
      if (settings.senderMustMatch && !trusted(settings.senderAddress)) return policyRefusal(res, 'Trusted Hosts', 'Host not trusted.');
      const uris = Array.isArray(metadata.redirect_uris) ? metadata.redirect_uris.filter((uri): uri is string => typeof uri === 'string') : [];
      if (settings.clientUrisMustMatch) {
        for (const uri of uris) {
          if (!URL.canParse(uri)) return policyRefusal(res, 'Trusted Hosts', 'URI is malformed');
          if (!trusted(new URL(uri).hostname)) return policyRefusal(res, 'Trusted Hosts', "URI doesn't match any trusted host or trusted domain");
        }
      }
      if (clients.length >= settings.maxClients) return policyRefusal(res, 'Max Clients Limit', `It's allowed to have max ${settings.maxClients} clients per realm`);
      const asked = typeof metadata.scope === 'string' ? metadata.scope.split(' ').filter(Boolean) : [];
      const allowed = settings.allowedClientScopes ?? [...realmScopes()];
      if (asked.some((scope) => !allowed.includes(scope))) return policyRefusal(res, 'Allowed Client Scopes', 'Not permitted to use specified clientScope');
      const registration = readRegistration(request.body);
      if ('error' in registration) return json(res, 400, { error: registration.error, error_description: registration.description });
      const id = randomUUIDish();
      return json(res, 201, {
        ...registeredClient(clients, id, registration),
        response_types: ['code', 'none'],
        subject_type: 'public',
        registration_client_uri: `${srv.origin}${base}/clients-registrations/openid-connect/${id}`,
        registration_access_token: random(),
      });
    }
    if (path === `${oidc}/auth`) {
      const q = request.url.searchParams;
      if (request.method === 'GET') authorizeRequests.push(new URLSearchParams(q));
      const client = clients.find((candidate) => candidate.id === q.get('client_id'));
      if (!client) return html(res, 400, 'We are sorry...', '<p>Client not found.</p>');
      const redirectUri = q.get('redirect_uri') ?? '';
      if (!client.redirectUris.includes(redirectUri)) return html(res, 400, 'We are sorry...', '<p>Invalid parameter: redirect_uri</p>');
      const state = q.get('state');
      const responseType = q.get('response_type');
      if (!responseType) return errorRedirect(res, redirectUri, state, 'invalid_request', 'Missing parameter: response_type');
      if (responseType !== 'code') return errorRedirect(res, redirectUri, state, 'unsupported_response_type', 'Client is not allowed to initiate browser login with given response_type. Implicit flow is disabled for the client.');
      const scopes = (q.get('scope') ?? '').split(' ').filter(Boolean);
      const known = realmScopes();
      if (scopes.some((scope) => !known.has(scope))) return errorRedirect(res, redirectUri, state, 'invalid_scope', `Invalid scopes: ${q.get('scope')}`);
      let challenge = q.get('code_challenge') ?? undefined;
      const method = q.get('code_challenge_method') ?? 'plain';
      if (challenge !== undefined && method !== 'S256' && method !== 'plain') return errorRedirect(res, redirectUri, state, 'invalid_request', 'Invalid parameter: code_challenge_method');
      // Grants compares the verifier's S256 hash: for `plain`, hashing the challenge compares verifier and challenge.
      if (challenge !== undefined && method === 'plain') challenge = s256(challenge);
      // `resource` is not read: Keycloak ignores RFC 8707 unless the experimental feature is on.
      return signInStep(request, res, KEYCLOAK_USER, 'Sign in to your account', grants, { clientId: client.id, redirectUri, scopes, challenge, nonce: q.get('nonce') ?? undefined });
    }
    if (path === `${oidc}/token` && request.method === 'POST') {
      if (!isForm(request.headers)) return json(res, 400, { error: 'invalid_request', error_description: 'Missing form parameter: grant_type' });
      const form = new URLSearchParams(request.body);
      tokenRequests.push(form);
      const client = authenticate(clients, form, request.headers);
      if (typeof client === 'string') return json(res, 401, { error: 'invalid_client', error_description: 'Invalid client or Invalid client credentials' });
      let scopes: string[];
      let nonce: string | undefined;
      if (form.get('grant_type') === 'authorization_code') {
        const pending = grants.redeem(form, client);
        if (typeof pending === 'string') {
          const description = /redirect_uri/.test(pending) ? 'Incorrect redirect_uri' : /code_verifier is required/.test(pending) ? 'PKCE code verifier not specified' : /code_verifier/.test(pending) ? 'PKCE verification failed: Code mismatch' : 'Code not valid';
          return json(res, 400, { error: 'invalid_grant', error_description: description });
        }
        scopes = pending.scopes;
        nonce = pending.nonce;
      } else if (form.get('grant_type') === 'refresh_token') {
        const previous = grants.rotate(form, client);
        if (typeof previous === 'string') return json(res, 400, { error: 'invalid_grant', error_description: 'Invalid refresh token' });
        scopes = previous.scopes;
      } else {
        return json(res, 400, { error: 'unsupported_grant_type', error_description: 'Unsupported grant_type' });
      }
      const body: Record<string, unknown> = {
        access_token: await accessToken(client, scopes),
        expires_in: 300,
        refresh_expires_in: 1800,
        refresh_token: grants.newRefresh({ clientId: client.id, scopes }),
        token_type: 'Bearer',
        'not-before-policy': 0,
        session_state: randomUUIDish(),
        scope: [...(scopes.includes('openid') ? ['openid'] : []), ...KEYCLOAK_SCOPES_IN_TOKEN, ...scopes.filter((scope) => scope !== 'openid' && !KEYCLOAK_DEFAULT_SCOPES.includes(scope))].join(' '),
      };
      if (scopes.includes('openid')) body.id_token = await srv.mint({ aud: client.id, sub: KEYCLOAK_USER.sub, typ: 'ID', azp: client.id, preferred_username: KEYCLOAK_USER.username, ...(nonce ? { nonce } : {}) });
      return json(res, 200, body);
    }
    return false;
  };

  srv = await startIssuerServer({ fixture: 'keycloak-master-localhost', issuerPath: base, routes });
  // The fixture is the master realm's document: move its paths to this realm.
  if (realm !== 'master') srv.document = JSON.parse(JSON.stringify(srv.document).replaceAll('/realms/master', base)) as Record<string, unknown>;
  return Object.assign(srv, { kind: 'keycloak' as const, realm, settings, clients, user: KEYCLOAK_USER, authorizeRequests, tokenRequests });
}

/** A random id shaped like Keycloak's (a UUID). */
function randomUUIDish(): string {
  const hex = randomBytes(16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** What a WorkOS administrator can change while the fake runs (Connect › Configuration › MCP Auth). */
export interface FakeWorkOSSettings {
  /** Dynamic Client Registration on: the metadata names `/oauth2/register`, which registers clients. */
  dcr: boolean;
  /** The resource indicators registered (MCP URLs): a token request for any other `resource` fails with `invalid_target`. */
  resources: string[];
  /** Permissions clients may be granted besides openid, profile, email and offline_access. */
  scopes: string[];
}

export interface FakeWorkOS extends FakeProvider {
  settings: FakeWorkOSSettings;
}

const WORKOS_USER: FakeUser = { username: 'jane@example.com', password: 'correct horse', sub: 'user_01JF3F9A2B7EC0FFEE0123456', name: 'Jane Doe' };

/**
 * A fake WorkOS AuthKit domain at its origin (AUTH-FACTS B.0, B.6), as strict as AuthKit:
 *
 * - RFC 8414 metadata at `/.well-known/oauth-authorization-server` (and the OpenID form), the
 *   `workos-authkit` fixture; without Dynamic Client Registration the document names no
 *   `registration_endpoint` and `/oauth2/register` is not there;
 * - the authorize endpoint checks the client, the exact redirect URI, `response_type=code`, PKCE
 *   (S256 only, required for a public client) and the scopes (`invalid_scope`);
 * - the token endpoint checks client authentication, the single-use code, its redirect URI and
 *   verifier, and the RFC 8707 `resource` (of the token request, else of the authorization
 *   request): one that is not a registered resource indicator fails with `400
 *   {"error":"invalid_target"}` (claude-ai-mcp#271); access tokens carry `aud` = the resource,
 *   `client_id`, `sid`, `scope`; refresh tokens rotate. Without any `resource`, what AuthKit puts
 *   in `aud` is not recorded: this fake leaves `aud` out.
 */
export async function startFakeWorkOS(options: { clients?: FakeClient[]; settings?: Partial<FakeWorkOSSettings> } = {}): Promise<FakeWorkOS> {
  const clients = options.clients ?? [];
  const settings: FakeWorkOSSettings = { dcr: true, resources: [], scopes: ['mcp:tools'], ...options.settings };
  const grants = new Grants();
  const authorizeRequests: URLSearchParams[] = [];
  const tokenRequests: URLSearchParams[] = [];
  const ulid = () => randomBytes(13).toString('hex').toUpperCase().slice(0, 26);
  let srv!: IssuerServer;

  const routes = async (request: RouteRequest, res: http.ServerResponse): Promise<boolean> => {
    const path = request.url.pathname;
    if (srv.discoveryUrls.some((url) => new URL(url).pathname === path) && request.method === 'GET') {
      const { registration_endpoint: registration, ...rest } = srv.document;
      return json(res, 200, settings.dcr ? { ...rest, registration_endpoint: registration } : rest);
    }
    if (path === '/oauth2/register' && request.method === 'POST') {
      if (!settings.dcr) return json(res, 404, { message: 'Not Found' });
      const registration = readRegistration(request.body);
      if ('error' in registration) return json(res, 400, { error: registration.error, error_description: registration.description });
      return json(res, 201, { ...registeredClient(clients, `client_${ulid()}`, registration), response_types: ['code'] });
    }
    if (path === '/oauth2/authorize') {
      const q = request.url.searchParams;
      if (request.method === 'GET') authorizeRequests.push(new URLSearchParams(q));
      const client = clients.find((candidate) => candidate.id === q.get('client_id'));
      if (!client) return html(res, 400, 'Something went wrong', '<p>invalid_client: The client_id is not valid.</p>');
      const redirectUri = q.get('redirect_uri') ?? '';
      if (!client.redirectUris.includes(redirectUri)) return html(res, 400, 'Something went wrong', '<p>invalid_redirect_uri: The redirect_uri is not registered for this client.</p>');
      const state = q.get('state');
      if (q.get('response_type') !== 'code') return errorRedirect(res, redirectUri, state, 'unsupported_response_type', 'response_type must be code');
      const scopes = (q.get('scope') ?? '').split(' ').filter(Boolean);
      const unknown = scopes.find((scope) => !OIDC_SCOPES.has(scope) && !settings.scopes.includes(scope));
      if (unknown !== undefined) return errorRedirect(res, redirectUri, state, 'invalid_scope', `The scope ${unknown} is not valid`);
      const challenge = q.get('code_challenge') ?? undefined;
      if (challenge !== undefined && q.get('code_challenge_method') !== 'S256') return errorRedirect(res, redirectUri, state, 'invalid_request', 'code_challenge_method must be S256');
      if (challenge === undefined && client.secret === undefined) return errorRedirect(res, redirectUri, state, 'invalid_request', 'code_challenge is required for public clients');
      return signInStep(request, res, WORKOS_USER, 'Sign in', grants, { clientId: client.id, redirectUri, scopes, challenge, resource: q.get('resource') ?? undefined, nonce: q.get('nonce') ?? undefined });
    }
    if (path === '/oauth2/token' && request.method === 'POST') {
      if (!isForm(request.headers)) return json(res, 400, { error: 'invalid_request' });
      const form = new URLSearchParams(request.body);
      tokenRequests.push(form);
      const client = authenticate(clients, form, request.headers);
      if (typeof client === 'string') return json(res, 401, { error: 'invalid_client' });
      let grant: { scopes: string[]; resource?: string };
      if (form.get('grant_type') === 'authorization_code') {
        const pending = grants.redeem(form, client);
        if (typeof pending === 'string') return json(res, 400, { error: 'invalid_grant', error_description: pending });
        grant = pending;
      } else if (form.get('grant_type') === 'refresh_token') {
        const previous = grants.rotate(form, client);
        if (typeof previous === 'string') return json(res, 400, { error: 'invalid_grant', error_description: previous });
        grant = previous;
      } else {
        return json(res, 400, { error: 'unsupported_grant_type' });
      }
      const resource = form.get('resource') ?? grant.resource;
      if (resource !== undefined && !settings.resources.includes(resource)) return json(res, 400, { error: 'invalid_target' });
      const now = Math.floor(Date.now() / 1000);
      const accessToken = await srv.mint({ sub: WORKOS_USER.sub, ...(resource === undefined ? {} : { aud: resource }), client_id: client.id, sid: `session_${ulid()}`, jti: ulid(), scope: grant.scopes.join(' '), iat: now, exp: now + 300 });
      const body: Record<string, unknown> = { token_type: 'Bearer', access_token: accessToken, expires_in: 300, refresh_token: grants.newRefresh({ clientId: client.id, scopes: grant.scopes, ...(resource === undefined ? {} : { resource }) }), scope: grant.scopes.join(' ') };
      if (grant.scopes.includes('openid')) body.id_token = await srv.mint({ sub: WORKOS_USER.sub, aud: client.id, email: WORKOS_USER.username });
      return json(res, 200, body);
    }
    return false;
  };

  srv = await startIssuerServer({ fixture: 'workos-authkit', routes });
  return Object.assign(srv, { kind: 'workos' as const, settings, clients, user: WORKOS_USER, authorizeRequests, tokenRequests });
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
