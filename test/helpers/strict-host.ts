/**
 * A strict MCP host, written once and used for every sign-in mode: it signs a user in the way
 * ChatGPT and Claude do (../shared/CLIENTS.md), following the MCP 2026-07-28 client rules, and
 * refuses where they refuse, with their words:
 *
 * 1. an unauthenticated request → 401 → `resource_metadata` from the challenge (or the well-known
 *    URLs), whose `resource` must be the MCP URL byte for byte (RFC 9728 §3.3);
 * 2. `authorization_servers[0]` → its metadata in the discovery order (RFC 8414 insertion, OIDC
 *    insertion, OIDC append); the document's `issuer` must equal it byte for byte; without S256 in
 *    `code_challenge_methods_supported` it refuses, as ChatGPT does at connector creation;
 * 3. registration in order: the pre-registered client, CIMD (when the host is given a document and
 *    the server supports it; claude.ai only when `none` is offered too), DCR, else refuse;
 * 4. the authorization request with PKCE S256, `state` and the RFC 8707 `resource`, driven by a
 *    tiny browser (redirects, cookies, the login form); at the callback, RFC 9207: an `iss` must
 *    equal the metadata's issuer, and one promised by the metadata must be there;
 * 5. the token request with the code verifier and `resource`; a Bearer access token, or refuse.
 */
import { createHash, randomBytes } from 'node:crypto';
import { CookieJar } from './browser.js';

/** The host stopped, saying why (what the user would see). */
export class HostRefusal extends Error {
  override name = 'HostRefusal';
}

export interface HostClient {
  id: string;
  secret?: string;
  /** How the secret is sent (ChatGPT offers client_secret_post or none). */
  authMethod?: 'client_secret_post' | 'client_secret_basic';
}

export interface StrictHostOptions {
  mcpUrl: string;
  /** The host's redirect URI (ChatGPT: https://chatgpt.com/connector/oauth/<id>). */
  redirectUri: string;
  /** A client registered by hand at the authorization server; without one the host tries CIMD, then DCR. */
  client?: HostClient;
  /**
   * The host's client metadata document (its URL is its client id), which it uses when the
   * authorization server says `client_id_metadata_document_supported: true` (ChatGPT); with
   * `needsNone`, only when `none` is among its token endpoint auth methods too (claude.ai).
   * Without one, the host does not offer CIMD.
   */
  cimd?: { url: string; needsNone?: boolean };
  /** Form fields the user types on login pages, e.g. `{ username, password }`. */
  user: Record<string, string>;
  /** On a consent page: the button the user presses (`consent=allow` / `deny`). */
  consent?: 'allow' | 'deny';
  /** Extra authorization request parameters, or ones to leave out (value undefined). */
  authorizeParams?: Record<string, string | undefined>;
  /** Change the code before it is redeemed (a tampered code). */
  tamperCode?: (code: string) => string;
}

export interface HostSession {
  accessToken: string;
  refreshToken: string | undefined;
  tokenResponse: Record<string, unknown>;
  /** The authorization server metadata the host used. */
  metadata: Record<string, unknown>;
  prm: Record<string, unknown>;
  clientId: string;
  /** Refreshes (rotating the refresh token), as hosts do when the access token expires. */
  refresh(): Promise<Record<string, unknown>>;
}

const b64url = (bytes: Buffer) => bytes.toString('base64url');

function challengeParams(header: string | null): Record<string, string> {
  const params: Record<string, string> = {};
  for (const m of (header ?? '').matchAll(/([a-z_]+)="((?:[^"\\]|\\.)*)"/g)) params[m[1]!] = m[2]!.replace(/\\(.)/g, '$1');
  return params;
}

async function getJson(url: string): Promise<{ status: number; json?: Record<string, unknown> }> {
  const response = await fetch(url, { headers: { accept: 'application/json' }, redirect: 'manual' });
  if (response.status !== 200) return { status: response.status };
  try {
    const value: unknown = await response.json();
    return value && typeof value === 'object' && !Array.isArray(value) ? { status: 200, json: value as Record<string, unknown> } : { status: 200 };
  } catch {
    return { status: 200 };
  }
}

/** MCP 2026-07-28 "Authorization Server Metadata Discovery", in order. */
export function discoveryUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/$/, '');
  if (path === '') return [`${url.origin}/.well-known/oauth-authorization-server`, `${url.origin}/.well-known/openid-configuration`];
  return [`${url.origin}/.well-known/oauth-authorization-server${path}`, `${url.origin}/.well-known/openid-configuration${path}`, `${url.origin}${path}/.well-known/openid-configuration`];
}

/** A very small browser: follows redirects, keeps cookies as browsers do, fills and submits the first form of a page. */
class Browser {
  private readonly jar = new CookieJar();

  constructor(private readonly user: Record<string, string>, private readonly consent: 'allow' | 'deny' | undefined) {}

  /** Navigates from `start` until a redirect to `stopAt`; returns that URL. */
  async run(start: string, stopAt: string): Promise<URL> {
    let request: { url: string; method: string; body?: string } = { url: start, method: 'GET' };
    const stop = new URL(stopAt);
    for (let hop = 0; hop < 25; hop++) {
      const url = new URL(request.url);
      // The callback is the redirect URI exactly (its query aside), as a host's callback page is.
      if (url.origin === stop.origin && url.pathname === stop.pathname) return url;
      if (url.origin === stop.origin) throw new HostRefusal(`the authorization server redirected to ${url.origin}${url.pathname}, not to the redirect URI ${stopAt}`);
      const headers: Record<string, string> = { accept: 'text/html,application/json' };
      const cookie = this.jar.header(url);
      if (cookie) headers.cookie = cookie;
      if (request.body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
      const response = await fetch(url, { method: request.method, headers, body: request.body, redirect: 'manual' });
      this.jar.store(url, response);
      if (response.status >= 300 && response.status < 400) {
        const location = response.headers.get('location');
        if (!location) throw new HostRefusal(`${url.origin}${url.pathname} answered ${response.status} without a Location`);
        request = { url: new URL(location, url).href, method: 'GET' };
        continue;
      }
      const text = await response.text();
      if (response.status !== 200) throw new HostRefusal(`the sign-in page ${url.origin}${url.pathname} answered HTTP ${response.status}: ${visibleText(text)}`);
      const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(text);
      if (!form) throw new HostRefusal(`the sign-in page ${url.origin}${url.pathname} has no form: ${visibleText(text)}`);
      request = this.submit(form[1]!, form[2]!, url);
    }
    throw new HostRefusal('too many redirects during sign-in');
  }

  private submit(attributes: string, inner: string, page: URL): { url: string; method: string; body?: string } {
    const attr = (source: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`, 'i').exec(source)?.[1]?.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))).replace(/&amp;/g, '&');
    const fields = new URLSearchParams();
    for (const input of inner.matchAll(/<input\b([^>]*)>/gi)) {
      const name = attr(input[1]!, 'name');
      if (!name) continue;
      fields.set(name, this.user[name] ?? attr(input[1]!, 'value') ?? '');
    }
    const buttons = [...inner.matchAll(/<button\b([^>]*)>/gi)].map((b) => ({ name: attr(b[1]!, 'name'), value: attr(b[1]!, 'value') ?? '' }));
    const pressed = buttons.find((b) => b.name === 'consent' && b.value === this.consent) ?? buttons.find((b) => b.name !== 'consent') ?? buttons[0];
    if (buttons.some((b) => b.name === 'consent') && this.consent === undefined) throw new HostRefusal('a consent page asked the user, who was given no answer');
    if (pressed?.name) fields.set(pressed.name, pressed.value);
    const action = new URL(attr(attributes, 'action') ?? page.href, page).href;
    const method = (attr(attributes, 'method') ?? 'GET').toUpperCase();
    if (method === 'GET') {
      const target = new URL(action);
      for (const [k, v] of fields) target.searchParams.set(k, v);
      return { url: target.href, method };
    }
    return { url: action, method, body: fields.toString() };
  }
}

function visibleText(htmlText: string): string {
  return htmlText.replace(/<[^>]+>/g, ' ').replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))).replace(/\s+/g, ' ').trim().slice(0, 300);
}

/** The ChatGPT refusal at connector creation (forcedotcom/mcp-hosted#47). */
export const CHATGPT_PKCE_REFUSAL = 'OAuth authorization server metadata must advertise PKCE support with code_challenge_methods_supported containing S256.';

/** Signs in as a strict host and returns the tokens; throws `HostRefusal` where a host would stop. */
export async function signInAsHost(options: StrictHostOptions): Promise<HostSession> {
  const { mcpUrl } = options;
  // 1. 401 and the protected resource metadata.
  const first = await fetch(mcpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'strict-host', version: '1.0.0' } } }),
  });
  if (first.status !== 401) throw new HostRefusal(`expected 401 from ${mcpUrl} without a token, got ${first.status}`);
  const challenge = challengeParams(first.headers.get('www-authenticate'));
  const mcp = new URL(mcpUrl);
  const prmCandidates = challenge.resource_metadata ? [challenge.resource_metadata] : [`${mcp.origin}/.well-known/oauth-protected-resource${mcp.pathname}`, `${mcp.origin}/.well-known/oauth-protected-resource`];
  let prm: Record<string, unknown> | undefined;
  for (const url of prmCandidates) {
    prm = (await getJson(url)).json;
    if (prm) break;
  }
  if (!prm) throw new HostRefusal('Error fetching OAuth configuration: no protected resource metadata');
  if (prm.resource !== mcpUrl) throw new HostRefusal(`the protected resource metadata names resource ${JSON.stringify(prm.resource)}, not ${mcpUrl}`);
  const issuer = (prm.authorization_servers as unknown[] | undefined)?.[0];
  if (typeof issuer !== 'string') throw new HostRefusal('Error fetching OAuth configuration: no authorization_servers');

  // 2. Authorization server metadata, with the issuer echo and the PKCE rule.
  let metadata: Record<string, unknown> | undefined;
  for (const url of discoveryUrls(issuer)) {
    metadata = (await getJson(url)).json;
    if (metadata) break;
  }
  if (!metadata) throw new HostRefusal(`Error fetching OAuth configuration: no authorization server metadata for ${issuer}`);
  if (metadata.issuer !== issuer) throw new HostRefusal(`the authorization server metadata names issuer ${JSON.stringify(metadata.issuer)}, not ${issuer}`);
  const methods = metadata.code_challenge_methods_supported;
  if (!Array.isArray(methods) || !methods.includes('S256')) throw new HostRefusal(CHATGPT_PKCE_REFUSAL);
  const authorizationEndpoint = metadata.authorization_endpoint;
  const tokenEndpoint = metadata.token_endpoint;
  if (typeof authorizationEndpoint !== 'string' || typeof tokenEndpoint !== 'string') throw new HostRefusal('the authorization server metadata lacks its endpoints');

  // 3. Registration: pre-registered, then CIMD (when this host has a document), then DCR.
  let client = options.client;
  let registeredMethod: string | undefined;
  const offersNone = Array.isArray(metadata.token_endpoint_auth_methods_supported) && metadata.token_endpoint_auth_methods_supported.includes('none');
  if (!client && options.cimd && metadata.client_id_metadata_document_supported === true && (!options.cimd.needsNone || offersNone)) {
    // The document's URL is the client id; a public client (its document says `none`).
    client = { id: options.cimd.url };
  }
  if (!client && typeof metadata.registration_endpoint === 'string') {
    const registered = await fetch(metadata.registration_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ client_name: 'Strict host', redirect_uris: [options.redirectUri], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none', application_type: 'web' }),
    });
    const body = (await registered.json().catch(() => ({}))) as Record<string, unknown>;
    if (registered.status !== 201 || typeof body.client_id !== 'string') throw new HostRefusal(`dynamic client registration failed: HTTP ${registered.status} ${JSON.stringify(body)}`);
    client = { id: body.client_id, ...(typeof body.client_secret === 'string' ? { secret: body.client_secret, authMethod: 'client_secret_post' as const } : {}) };
    registeredMethod = typeof body.token_endpoint_auth_method === 'string' ? body.token_endpoint_auth_method : undefined;
  }
  if (!client) throw new HostRefusal('Error fetching OAuth configuration: no way to register a client (no pre-registered client, CIMD or registration endpoint)');
  // The client's token endpoint authentication must be one the server offers (default:
  // client_secret_basic), unless the server itself registered the client with it (RFC 7591 §3.2.1:
  // the registration response is the server's word; Keycloak registers `none` without listing it).
  const method = client.secret === undefined ? 'none' : (client.authMethod ?? 'client_secret_post');
  const offered = Array.isArray(metadata.token_endpoint_auth_methods_supported) ? metadata.token_endpoint_auth_methods_supported : ['client_secret_basic'];
  if (!offered.includes(method) && registeredMethod !== method) throw new HostRefusal(`the authorization server does not offer token endpoint auth method ${method} (it offers ${offered.join(', ')})`);

  // 4. The authorization request.
  const verifier = b64url(randomBytes(32));
  const state = b64url(randomBytes(16));
  const scope = challenge.scope ?? (Array.isArray(prm.scopes_supported) ? prm.scopes_supported.join(' ') : undefined);
  const authorize = new URL(authorizationEndpoint);
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: client.id,
    redirect_uri: options.redirectUri,
    state,
    code_challenge: b64url(createHash('sha256').update(verifier).digest()),
    code_challenge_method: 'S256',
    resource: mcpUrl,
    ...(scope ? { scope } : {}),
    ...options.authorizeParams,
  };
  for (const [key, value] of Object.entries(params)) if (value !== undefined) authorize.searchParams.set(key, value);
  const callback = await new Browser(options.user, options.consent).run(authorize.href, options.redirectUri);
  const answer = callback.searchParams;
  if (answer.get('state') !== state) throw new HostRefusal('the authorization response has the wrong state');
  if (answer.get('error')) throw new HostRefusal(`authorization failed: ${answer.get('error')}: ${answer.get('error_description') ?? ''}`);
  const iss = answer.get('iss');
  if (iss !== null && iss !== metadata.issuer) throw new HostRefusal(`the authorization response's iss ${iss} is not the issuer ${String(metadata.issuer)} (RFC 9207)`);
  if (iss === null && metadata.authorization_response_iss_parameter_supported === true) throw new HostRefusal('the authorization response lacks the iss its metadata promises (RFC 9207)');
  const code = answer.get('code');
  if (!code) throw new HostRefusal('the authorization response has no code');

  // 5. The token request.
  const tokenRequest = async (form: Record<string, string>): Promise<Record<string, unknown>> => {
    const body = new URLSearchParams({ ...form, resource: mcpUrl });
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    if (client.secret !== undefined && client.authMethod === 'client_secret_basic') {
      headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`).toString('base64')}`;
    } else {
      body.set('client_id', client.id);
      if (client.secret !== undefined) body.set('client_secret', client.secret);
    }
    const response = await fetch(tokenEndpoint, { method: 'POST', headers, body });
    const json = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    if (response.status !== 200 || !json || typeof json.access_token !== 'string' || String(json.token_type).toLowerCase() !== 'bearer') {
      throw new HostRefusal(`the token request failed: HTTP ${response.status} ${json ? JSON.stringify(json) : '(no JSON)'}`);
    }
    return json;
  };
  const tokenResponse = await tokenRequest({ grant_type: 'authorization_code', code: options.tamperCode ? options.tamperCode(code) : code, redirect_uri: options.redirectUri, code_verifier: verifier });
  let refreshToken = typeof tokenResponse.refresh_token === 'string' ? tokenResponse.refresh_token : undefined;
  return {
    accessToken: tokenResponse.access_token as string,
    refreshToken,
    tokenResponse,
    metadata,
    prm,
    clientId: client.id,
    async refresh() {
      if (!refreshToken) throw new HostRefusal('no refresh token was issued');
      const next = await tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken });
      if (typeof next.refresh_token === 'string') refreshToken = next.refresh_token;
      return next;
    },
  };
}
