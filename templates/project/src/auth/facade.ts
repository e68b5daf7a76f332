/**
 * The façade sign-in (`OAUTH_SIGN_IN=facade`): this server publishes its own authorization server
 * identity, so hosts that insist on what the provider does not publish (ChatGPT, Claude and Claude
 * Code refuse metadata without `code_challenge_methods_supported: ["S256"]`) can sign in.
 *
 * - The issuer is the origin of `MCP_RESOURCE_URL`; its RFC 8414 document (at
 *   `/.well-known/oauth-authorization-server`) echoes it byte for byte, lists S256, `code`, the
 *   provider's grant types and client authentication methods, the provider's `jwks_uri`, and only
 *   the scopes this server needs. There is deliberately no OpenID Connect document: ID tokens are
 *   the provider's, and their `iss` would not match.
 * - Authorization and token requests go to the provider's own endpoints, or, where the provider
 *   refuses what every host sends (Entra and the RFC 8707 `resource`), through `/oauth/authorize`
 *   (a redirect) and `/oauth/token` (a relay) here. Both are stateless: nothing is stored and no
 *   token is minted; the tokens are the provider's, verified exactly as in `direct` sign-in.
 * - A provider that sends `iss` in authorization responses (RFC 9207) cannot sit behind a façade:
 *   hosts compare it with this server's issuer. The server refuses to start on one.
 */
import type { OAuthMetadata } from '@modelcontextprotocol/server';
import cors from 'cors';
import express, { type Request, type Response, type Router } from 'express';
import { printable } from './jwt.js';
import type { Logger } from '../log.js';

/** What a provider's façade adapts (from `rules.facade` in `src/auth/verifier.ts`). */
export interface FacadeAdaptation {
  /**
   * Send authorization and token requests through this server, without the RFC 8707 `resource`
   * (Entra refuses one that is not the Application ID URI of the requested scopes: AADSTS9010010).
   */
  dropResource?: boolean;
  /**
   * Scopes the pass-through adds to every authorization request: Entra issues a refresh token only
   * for `offline_access`, which hosts never request (it is not, and must not be, in scopes_supported).
   */
  addScopes?: string[];
}

export interface FacadeOptions {
  resource: URL;
  /** The provider's metadata, fetched at start. */
  upstream: OAuthMetadata;
  /** The scopes this server needs (the only ones advertised). */
  scopes: string[];
  adapt: FacadeAdaptation | undefined;
  providerName: string;
  timeoutMs: number;
  log: Logger;
}

export class FacadeError extends Error {
  override name = 'FacadeError';
}

/** The façade's issuer: the origin of the MCP URL, with no trailing slash. */
export function facadeIssuer(resource: URL): string {
  return resource.origin;
}

const AUTHORIZE_PATH = '/oauth/authorize';
const TOKEN_PATH = '/oauth/token';
/** OAuth 2.1 keeps these two for an MCP host; the implicit and password grants are gone. */
const HOST_GRANTS = ['authorization_code', 'refresh_token'];
/** The relay reads at most this much of a token response (a token response is a few KiB). */
const MAX_TOKEN_RESPONSE = 64 * 1024;

const strings = (value: unknown): string[] | undefined => (Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : undefined);

/** The RFC 8414 document hosts see. Throws `FacadeError` when the provider cannot sit behind a façade. */
export function facadeMetadata({ resource, upstream, scopes, adapt, providerName }: Omit<FacadeOptions, 'timeoutMs' | 'log'>): OAuthMetadata {
  if ((upstream as Record<string, unknown>).authorization_response_iss_parameter_supported === true) {
    // Direct sign-in satisfies the hosts only when the provider publishes S256 itself; otherwise
    // the way out depends on what create-fastapps offers for this provider, which doctor knows.
    const s256 = strings(upstream.code_challenge_methods_supported)?.includes('S256') === true;
    throw new FacadeError(
      `${providerName} sends iss in its authorization responses (RFC 9207), which hosts compare with this server's issuer, so it cannot sit behind a façade; ${
        s256
          ? `it already publishes code_challenge_methods_supported with S256, which is all the façade would add: set OAUTH_SIGN_IN=direct (npx create-fastapps auth --sign-in direct also updates AUTH_SETUP.md).`
          : `and it publishes no S256 for hosts to use it directly: npx create-fastapps doctor says which sign-in works with it.`
      }`,
    );
  }
  const issuer = facadeIssuer(resource);
  const grants = strings(upstream.grant_types_supported)?.filter((grant) => HOST_GRANTS.includes(grant)) ?? HOST_GRANTS;
  // Every provider a façade serves accepts public PKCE clients ("none"), whether or not it lists it.
  const methods = [...new Set([...(strings(upstream.token_endpoint_auth_methods_supported) ?? ['client_secret_basic']), 'none'])];
  const document: Record<string, unknown> = {
    issuer,
    authorization_endpoint: adapt?.dropResource ? `${issuer}${AUTHORIZE_PATH}` : upstream.authorization_endpoint,
    token_endpoint: adapt?.dropResource ? `${issuer}${TOKEN_PATH}` : upstream.token_endpoint,
    jwks_uri: upstream.jwks_uri,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: grants,
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: methods,
    scopes_supported: scopes.filter((scope) => scope !== 'offline_access'),
  };
  if (typeof upstream.revocation_endpoint === 'string' && !adapt?.dropResource) document.revocation_endpoint = upstream.revocation_endpoint;
  return document as unknown as OAuthMetadata;
}

/** The pass-through endpoints (only for providers that need them). */
export function facadeRoutes(options: FacadeOptions): Router {
  const router = express.Router();
  if (!options.adapt?.dropResource) return router;
  const { upstream, scopes, providerName, timeoutMs, log } = options;
  const authorizeUrl = String(upstream.authorization_endpoint);
  const tokenUrl = String(upstream.token_endpoint);

  // The authorization request: the same query, minus `resource`, sent on to the provider. A host
  // that names no scope (Claude Code may not) gets this server's scopes, without which the
  // provider would refuse the request.
  router.get(AUTHORIZE_PATH, (req: Request, res: Response) => {
    const query = new URLSearchParams(req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : '');
    if (query.getAll('client_id').length !== 1 || query.getAll('redirect_uri').length > 1) {
      res.status(400).type('text/plain').send('Invalid authorization request: exactly one client_id (and at most one redirect_uri) is required.');
      return;
    }
    query.delete('resource');
    const requested = (query.get('scope') ?? '').split(' ').filter(Boolean);
    // A request naming none of this server's scopes (`openid` alone) would get a token for
    // another API (Entra: Microsoft Graph), refused here, and the host would sign in again and again.
    const ours = requested.some((scope) => scopes.includes(scope)) ? requested : [...requested, ...scopes];
    const scope = [...new Set([...ours, ...(options.adapt?.addScopes ?? [])])];
    query.set('scope', scope.join(' '));
    log.debug(`facade: authorization request for client ${printable(query.get('client_id') ?? '')} sent on to ${providerName}`);
    const target = new URL(authorizeUrl);
    for (const [key, value] of query) target.searchParams.append(key, value);
    res.set('Cache-Control', 'no-store').redirect(302, target.href);
  });

  // The token request: relayed to the provider's token endpoint without `resource`; the
  // provider's answer (tokens or error) goes back unchanged. Nothing is kept or logged but the
  // outcome.
  router.options(TOKEN_PATH, cors());
  router.post(TOKEN_PATH, cors(), express.urlencoded({ extended: false, limit: '32kb' }), async (req: Request, res: Response) => {
    res.set('Cache-Control', 'no-store').set('Pragma', 'no-cache');
    if (!req.is('application/x-www-form-urlencoded') || typeof req.body !== 'object' || req.body === null) {
      res.status(400).json({ error: 'invalid_request', error_description: 'The token request must be application/x-www-form-urlencoded.' });
      return;
    }
    const form = new URLSearchParams();
    for (const [key, value] of Object.entries(req.body as Record<string, unknown>)) {
      if (key === 'resource') continue;
      // RFC 6749 §3.2: a parameter appears once; a repeated one could mean one thing here and another there.
      if (typeof value !== 'string') {
        res.status(400).json({ error: 'invalid_request', error_description: `The parameter ${printable(key)} must appear once.` });
        return;
      }
      form.append(key, value);
    }
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    if (typeof req.headers.authorization === 'string') headers.authorization = req.headers.authorization;
    const grant = printable(form.get('grant_type') ?? '(none)');
    // Only what an MCP host uses: the relay is no way to reach the provider's other grants
    // (password, client_credentials, device code) from this server's address.
    if (!HOST_GRANTS.includes(form.get('grant_type') ?? '')) {
      res.status(400).json({ error: 'unsupported_grant_type', error_description: `This server relays only ${HOST_GRANTS.join(' and ')} token requests.` });
      return;
    }
    let upstreamResponse: globalThis.Response;
    let text: string;
    try {
      upstreamResponse = await fetch(tokenUrl, { method: 'POST', headers, body: form, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
      text = await readCapped(upstreamResponse);
    } catch (error) {
      const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : reasonOf(error);
      log.warn(`facade: ${grant} token request to ${tokenUrl} failed: ${reason}`);
      res.status(502).json({ error: 'temporarily_unavailable', error_description: `${providerName}'s token endpoint could not be reached (${reason}); try again.` });
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      log.warn(`facade: ${grant} token request to ${tokenUrl} answered HTTP ${upstreamResponse.status} without JSON`);
      res.status(502).json({ error: 'temporarily_unavailable', error_description: `${providerName}'s token endpoint answered HTTP ${upstreamResponse.status} without a JSON body.` });
      return;
    }
    if (upstreamResponse.ok) log.debug(`facade: ${grant} token request answered ${upstreamResponse.status} by ${providerName}`);
    else log.info(`facade: ${grant} token request refused by ${providerName}: HTTP ${upstreamResponse.status} ${printable(String((body as { error?: unknown }).error ?? ''))}`);
    res.status(upstreamResponse.status).json(body);
  });
  return router;
}

async function readCapped(response: globalThis.Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > MAX_TOKEN_RESPONSE) {
      await reader.cancel().catch(() => undefined);
      throw new Error(`the response is larger than ${MAX_TOKEN_RESPONSE} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function reasonOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return printable(cause?.code ?? cause?.message ?? (error as Error).message);
}
