/**
 * The broker's leg at the identity provider: it signs the user in there with this server's own
 * client (`OAUTH_BROKER_CLIENT_ID` / `OAUTH_BROKER_CLIENT_SECRET`), authorization code + PKCE S256,
 * callback `{origin}/oauth/callback`, and verifies what comes back with the provider's token rules
 * before the broker issues anything.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { OAuthMetadata } from '@modelcontextprotocol/server';
import { jwtVerify, type JWTPayload } from 'jose';
import type { AccessToken, TokenVerifier } from '../access-token.js';
import type { RemoteKeySet } from '../jwks.js';
import { printable, type Expectation } from '../jwt.js';

export class UpstreamError extends Error {
  constructor(
    message: string,
    /** The OAuth error to return to the host: `access_denied` (the user or their rights) or `server_error`. */
    readonly code: 'access_denied' | 'server_error' | 'temporarily_unavailable',
  ) {
    super(message);
  }
}

export interface UpstreamOptions {
  metadata: OAuthMetadata;
  clientId: string;
  clientSecret: string;
  callbackUrl: string;
  /** Scopes asked of the provider: this server's scopes, plus OIDC scopes the provider offers. */
  scopes: string[];
  /** Extra authorization parameters the provider needs (Auth0: `audience`). */
  authorizeParams: Record<string, string>;
  /** Verifies the provider's access token with the provider's rules (issuer, audience or client, scopes). */
  verifier: TokenVerifier;
  /** The provider's signing keys, for its ID token (none for GitHub). */
  keys: RemoteKeySet | undefined;
  expect: Expectation;
  timeoutMs: number;
  /** Who signed in comes from the access token (checked with the provider's rules), the ID token, or the user API (GitHub). */
  identity: 'access-token' | 'id-token' | 'user-api';
  /** ID token issuers accepted besides the configured one. */
  issuers: string[];
  /** With `id-token` and `user-api`: the scopes an allowed user holds (the provider knows none of this server's). */
  grantScopes: string[];
  /** With `user-api`: the API's base URL, and whether to read the user's organisations. */
  userApi?: { url: string; orgs: boolean };
}

export interface UpstreamSignIn {
  /** The provider's verified access token. */
  access: AccessToken;
  /** Profile claims of the user (from the verified ID token, else the access token). */
  profile: Record<string, string>;
  /**
   * What an allow-list may rely on: an email the verified ID token says is verified, Google's
   * Workspace domain; with GitHub, the login and organisations the user API reports (lower case).
   */
  verified: { email?: string; hd?: string; login?: string; orgs?: string[] };
  /** What the provider returned, to be kept sealed on the server (never sent to a host). */
  tokens: { access_token: string; refresh_token?: string; id_token?: string; expires_at?: number };
}

const PROFILE_CLAIMS = ['name', 'email', 'preferred_username', 'given_name', 'family_name'];

export const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');
export const randomToken = () => randomBytes(32).toString('base64url');

export class Upstream {
  private readonly authMethod: 'client_secret_basic' | 'client_secret_post';

  constructor(private readonly options: UpstreamOptions) {
    const methods = options.metadata.token_endpoint_auth_methods_supported;
    // RFC 8414: absent means client_secret_basic.
    this.authMethod = !methods || methods.includes('client_secret_basic') ? 'client_secret_basic' : 'client_secret_post';
  }

  /** Where the user's browser goes to sign in at the provider. */
  authorizeUrl(input: { state: string; nonce: string; verifier: string }): string {
    const url = new URL(String(this.options.metadata.authorization_endpoint));
    const params: Record<string, string> = {
      response_type: 'code',
      client_id: this.options.clientId,
      redirect_uri: this.options.callbackUrl,
      scope: this.options.scopes.join(' '),
      state: input.state,
      code_challenge: s256(input.verifier),
      code_challenge_method: 'S256',
      ...(this.options.scopes.includes('openid') ? { nonce: input.nonce } : {}),
      ...this.options.authorizeParams,
    };
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    return url.href;
  }

  /** Redeems the provider's code and verifies the tokens it returns. */
  async signIn(code: string, input: { verifier: string; nonce: string }): Promise<UpstreamSignIn> {
    const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: this.options.callbackUrl, code_verifier: input.verifier });
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    if (this.authMethod === 'client_secret_basic') {
      const encode = (text: string) => encodeURIComponent(text).replaceAll('%20', '+');
      headers.authorization = `Basic ${Buffer.from(`${encode(this.options.clientId)}:${encode(this.options.clientSecret)}`).toString('base64')}`;
    } else {
      body.set('client_id', this.options.clientId);
      body.set('client_secret', this.options.clientSecret);
    }
    const { response, text } = await this.send(String(this.options.metadata.token_endpoint), 'token endpoint', { method: 'POST', headers, body });
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new UpstreamError(`The identity provider's token endpoint answered ${response.status} with something other than JSON.`, 'server_error');
    }
    if (!response.ok || typeof json.access_token !== 'string') {
      const error = typeof json.error === 'string' ? printable(json.error) : `HTTP ${response.status}`;
      const description = typeof json.error_description === 'string' ? `: ${printable(json.error_description)}` : '';
      throw new UpstreamError(`The identity provider refused the sign-in code (${error}${description}).`, json.error === 'access_denied' ? 'access_denied' : 'server_error');
    }

    if (this.options.identity === 'id-token' && typeof json.id_token !== 'string') {
      throw new UpstreamError("The identity provider returned no ID token, which says who signed in; check that the broker's client may use the openid scope.", 'server_error');
    }
    if (this.options.identity === 'user-api') return this.fromUserApi(json.access_token, json);
    let access: AccessToken;
    if (this.options.identity === 'id-token') {
      // The access token is for the provider's own APIs; the verified ID token (below) says who signed in.
      access = { token: '', subject: undefined, clientId: this.options.clientId, scopes: this.options.grantScopes, expiresAt: 0, claims: {} };
    } else {
      try {
        access = await this.options.verifier.verify(json.access_token);
      } catch (error) {
        throw new UpstreamError(`The identity provider's access token does not pass this server's rules: ${printable((error as Error).message)}.`, 'access_denied');
      }
    }

    let profile: Record<string, string> = pick(access.claims ?? {});
    const verified: { email?: string; hd?: string } = {};
    if (typeof json.id_token === 'string') {
      try {
        if (!this.options.keys) throw new Error('this provider has no signing keys');
        const { payload } = await jwtVerify(json.id_token, this.options.keys.getKey, { issuer: [this.options.expect.issuer, ...this.options.issuers], audience: this.options.clientId, requiredClaims: ['exp', 'sub'] });
        if (this.options.scopes.includes('openid') && payload.nonce !== input.nonce) throw new Error('its nonce does not match this sign-in');
        if (access.subject !== undefined && payload.sub !== access.subject && !rotatedSubject(payload, access)) {
          throw new Error('its subject differs from the access token');
        }
        if (this.options.identity === 'id-token') {
          access = { ...access, subject: payload.sub, claims: payload };
          if (typeof payload.hd === 'string') verified.hd = payload.hd.toLowerCase();
        }
        profile = { ...profile, ...pick(payload) };
        if (payload.email_verified === false) delete profile.email;
        // Only the verified ID token's own word counts for the allow-list; a missing email_verified does not.
        if (payload.email_verified === true && typeof payload.email === 'string') verified.email = payload.email.toLowerCase();
      } catch (error) {
        throw new UpstreamError(`The identity provider's ID token does not verify: ${printable((error as Error).message)}.`, 'access_denied');
      }
    }
    return { access, profile, verified, tokens: keptTokens(json.access_token, json) };
  }

  /** Asks the user API who signed in (GitHub): the numeric id is the subject; logins may change. */
  private async fromUserApi(token: string, json: Record<string, unknown>): Promise<UpstreamSignIn> {
    const api = this.options.userApi!;
    const user = (await this.apiGet(`${api.url}/user`, token)) as GitHubUser;
    if (typeof user !== 'object' || user === null || (typeof user.id !== 'number' && typeof user.id !== 'string') || typeof user.login !== 'string') {
      throw new UpstreamError("The identity provider's user API did not say who signed in (no id and login).", 'server_error');
    }
    let orgs: string[] | undefined;
    if (api.orgs) {
      const list = await this.apiGet(`${api.url}/user/orgs?per_page=100`, token);
      if (!Array.isArray(list)) throw new UpstreamError("The identity provider's user API did not list the user's organisations.", 'server_error');
      orgs = list.flatMap((org) => (typeof (org as { login?: unknown })?.login === 'string' ? [(org as { login: string }).login.toLowerCase()] : []));
    }
    const subject = String(user.id);
    const profile: Record<string, string> = { preferred_username: printable(user.login) };
    if (typeof user.name === 'string') profile.name = printable(user.name);
    if (typeof user.email === 'string') profile.email = printable(user.email);
    return {
      access: { token: '', subject, clientId: this.options.clientId, scopes: this.options.grantScopes, expiresAt: 0, claims: { sub: subject, login: user.login } },
      profile,
      // The login is the account's current one; the public email is not known to be verified, so it never counts.
      verified: { login: user.login.toLowerCase(), ...(orgs ? { orgs } : {}) },
      tokens: keptTokens(token, json),
    };
  }

  private async apiGet(url: string, token: string): Promise<unknown> {
    const { response, text } = await this.send(url, 'user API', {
      // GitHub's API refuses requests without a User-Agent.
      headers: { authorization: `Bearer ${token}`, accept: 'application/vnd.github+json', 'user-agent': 'create-fastapps-broker', 'x-github-api-version': '2022-11-28' },
    });
    if (!response.ok) throw new UpstreamError(`The identity provider's user API ${url} answered ${response.status}.`, response.status === 401 || response.status === 403 ? 'access_denied' : 'server_error');
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new UpstreamError(`The identity provider's user API ${url} answered something other than JSON.`, 'server_error');
    }
  }

  /** One bounded request to the provider; a timeout or a network failure is `temporarily_unavailable`. */
  private async send(url: string, what: string, init: RequestInit): Promise<{ response: Response; text: string }> {
    try {
      const response = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(this.options.timeoutMs) });
      return { response, text: await response.text() };
    } catch (error) {
      const reason = (error as Error).name === 'TimeoutError' ? `did not answer within ${this.options.timeoutMs} ms` : printable((error as Error).message);
      throw new UpstreamError(`The identity provider's ${what} ${url} ${reason}.`, 'temporarily_unavailable');
    }
  }
}

/** What the provider returned that the server keeps (sealed): the tokens, and when the access token expires. */
function keptTokens(accessToken: string, json: Record<string, unknown>): UpstreamSignIn['tokens'] {
  const expiresIn = typeof json.expires_in === 'number' ? json.expires_in : undefined;
  return {
    access_token: accessToken,
    ...(typeof json.refresh_token === 'string' ? { refresh_token: json.refresh_token } : {}),
    ...(typeof json.id_token === 'string' ? { id_token: json.id_token } : {}),
    ...(expiresIn ? { expires_at: Math.floor(Date.now() / 1000) + expiresIn } : {}),
  };
}

/** GitHub's user API: who the token belongs to (`GET /user`) and, when needed, their organisations. */
interface GitHubUser {
  id?: unknown;
  login?: unknown;
  name?: unknown;
  email?: unknown;
}

function pick(claims: JWTPayload): Record<string, string> {
  const profile: Record<string, string> = {};
  for (const name of PROFILE_CLAIMS) if (typeof claims[name] === 'string') profile[name] = printable(claims[name] as string);
  return profile;
}

/** Entra's access and ID tokens carry different `sub` values (pairwise per app) but the same `oid`. */
function rotatedSubject(id: JWTPayload, access: AccessToken): boolean {
  return typeof id.oid === 'string' && id.oid === access.claims?.oid;
}
