/**
 * The gate in front of `/mcp`.
 *
 * - No `Authorization` header: in `required` mode, 401 with
 *   `WWW-Authenticate: Bearer resource_metadata="…", scope="…"` (no `error`, as RFC 6750 §3.1
 *   asks for a request without credentials); in `mixed` mode the request goes on anonymously and
 *   protected tools answer with the in-band challenge.
 * - A header: always verified by the SDK's `requireBearerAuth`, in both modes. A bad token is 401
 *   `invalid_token`, never downgraded to anonymous; in `required` mode a token without the
 *   required scopes is 403 `insufficient_scope`.
 * - In `mixed` mode an anonymous call of a tool that was not declared public (`publicTool` in
 *   `tools.ts`) is refused here, with the in-band sign-in challenge, before any handler runs:
 *   a tool registered any other way is protected, whatever its handler does.
 * - Scope hierarchies (`OAUTH_SCOPE_IMPLIES`): the scopes a token implies count as granted, here
 *   and in the SDK's per-tool checks (they see the implied scopes in `authInfo.scopes`).
 * - Tokens in the query string or the body are never read.
 * - More than one `Authorization` header is 400 `invalid_request` (RFC 6750 §3.1: one method,
 *   one credential). Node keeps only the first of duplicate `Authorization` lines, so without
 *   this check a proxy and this server could disagree about which token a request carries.
 */
import { requireBearerAuth, type OAuthTokenVerifier } from '@modelcontextprotocol/express';
import { OAuthError, OAuthErrorCode } from '@modelcontextprotocol/server';
import type { RequestHandler } from 'express';
import { TokenRejectedError, VerifierUnavailableError, type TokenVerifier } from './access-token.js';
import { bearerChallenge, toolAuthChallenge } from './challenge.js';
import { withImplied, type ScopeImplications } from './scopes.js';
import type { AuthMode } from '../config.js';
import type { Logger } from '../log.js';

/**
 * Adapts a `TokenVerifier` to the SDK's `OAuthTokenVerifier`; the `AccessToken` rides in `extra`.
 * `scopes` holds the granted scopes and every scope they imply, so the SDK's exact comparisons
 * honour the hierarchy.
 */
export function toSdkVerifier(verifier: TokenVerifier, resource: URL, implies: ScopeImplications = new Map()): OAuthTokenVerifier {
  return {
    async verifyAccessToken(token) {
      try {
        const accessToken = await verifier.verify(token);
        return {
          token,
          clientId: accessToken.clientId,
          scopes: withImplied(accessToken.scopes, implies),
          expiresAt: accessToken.expiresAt,
          resource,
          extra: { accessToken },
        };
      } catch (error) {
        if (error instanceof TokenRejectedError) throw new OAuthError(OAuthErrorCode.InvalidToken, error.message);
        if (error instanceof VerifierUnavailableError) throw new OAuthError(OAuthErrorCode.ServerError, error.message);
        throw error;
      }
    },
  };
}

export interface GateOptions {
  verifier: TokenVerifier;
  mode: AuthMode;
  /** Scopes every request needs in `required` mode. */
  scopes: string[];
  resource: URL;
  resourceMetadataUrl: string;
  log: Logger;
  /** Scope hierarchies (`OAUTH_SCOPE_IMPLIES`). */
  implies?: ScopeImplications;
  /** The tools declared public; when given, anonymous calls of any other tool are refused here. */
  publicTools?: ReadonlySet<string>;
  /** Every scope each declared tool needs, named in the challenge an anonymous call of it gets. */
  toolScopes?: ReadonlyMap<string, readonly string[]>;
}

/** The first `tools/call` in a JSON-RPC body for a tool not in `publicTools`, if any. */
function undeclaredToolCall(body: unknown, publicTools: ReadonlySet<string>): { id: unknown; name: string } | undefined {
  for (const message of Array.isArray(body) ? body : [body]) {
    const m = message as { method?: unknown; id?: unknown; params?: { name?: unknown } } | null;
    if (m?.method !== 'tools/call') continue;
    const name = typeof m.params?.name === 'string' ? m.params.name : '';
    if (!publicTools.has(name)) return { id: m.id ?? null, name };
  }
  return undefined;
}

export function authGate({ verifier, mode, scopes, resource, resourceMetadataUrl, log, implies, publicTools, toolScopes }: GateOptions): RequestHandler {
  const requiredScopes = mode === 'required' ? scopes : [];
  const bearer = requireBearerAuth({ verifier: toSdkVerifier(verifier, resource, implies), requiredScopes, resourceMetadataUrl });
  const challenge = bearerChallenge({ resourceMetadataUrl, scopes: requiredScopes });
  const duplicate = bearerChallenge({ resourceMetadataUrl, error: 'invalid_request', description: 'Send exactly one Authorization header.' });
  // Mixed mode: the tools that declared their access (each checks its own scopes).
  const declaredTools = mode === 'mixed' && toolScopes ? new Set(toolScopes.keys()) : undefined;

  // Every request passes here: debug lines are built only when debug logging is on.
  const debug = log.enabled('debug');
  return (req, res, next) => {
    if (req.method === 'OPTIONS') return next();
    if (authorizationLines(req.rawHeaders) > 1) {
      log.warn(`auth: ${req.method} ${req.path} with more than one Authorization header; answering 400 invalid_request`);
      res.set('WWW-Authenticate', duplicate);
      res.status(400).json({ error: 'invalid_request', error_description: 'Send exactly one Authorization header.' });
      return;
    }
    const header = req.headers.authorization;
    if (header === undefined || header.trim() === '') {
      if (mode === 'mixed') {
        const refused = publicTools ? undeclaredToolCall(req.body, publicTools) : undefined;
        if (refused) {
          // Fail closed: only tools declared public run for anonymous callers.
          if (debug) log.debug(`auth: anonymous tools/call of ${refused.name || '(no name)'}, which is not declared public; answering the sign-in challenge`);
          if (Array.isArray(req.body)) {
            res.set('WWW-Authenticate', bearerChallenge({ resourceMetadataUrl, scopes }));
            res.status(401).json({ error: 'unauthorized', error_description: 'This tool needs a signed-in user.' });
            return;
          }
          const needed = [...(toolScopes?.get(refused.name) ?? scopes)];
          res.status(200).json({ jsonrpc: '2.0', id: refused.id, result: toolAuthChallenge({ resourceMetadataUrl, error: 'invalid_token', description: 'Sign in to use this tool.', scopes: needed }) });
          return;
        }
        if (debug) log.debug(`auth: ${req.method} ${req.path} without Authorization header; continuing anonymously (mixed mode)`);
        return next();
      }
      if (debug) log.debug(`auth: ${req.method} ${req.path} without Authorization header; answering 401 with resource_metadata ${resourceMetadataUrl}`);
      res.set('WWW-Authenticate', challenge);
      res.status(401).json({ error: 'unauthorized', error_description: 'This MCP server requires an OAuth bearer token.' });
      return;
    }
    if (debug) log.debug(`auth: ${req.method} ${req.path} with Authorization header; verifying`);
    bearer(req, res, (error?: unknown) => {
      if (error !== undefined) return next(error);
      if (debug && req.auth && requiredScopes.length > 0) log.debug(`auth: required scopes present: ${requiredScopes.join(' ')}`);
      // Mixed mode: a tool registered by hand (not declared) still needs OAUTH_SCOPES, as a
      // protected tool does; declared tools check their own scopes.
      const undeclared = declaredTools ? undeclaredToolCall(req.body, declaredTools) : undefined;
      const missing = undeclared ? scopes.filter((scope) => !(req.auth?.scopes ?? []).includes(scope)) : [];
      if (missing.length > 0) {
        log.warn(`auth: tools/call of ${undeclared!.name || '(no name)'} without the scope ${missing.join(' ')}; answering 403 insufficient_scope`);
        res.set('WWW-Authenticate', bearerChallenge({ resourceMetadataUrl, error: 'insufficient_scope', description: `This tool needs the scope ${missing.join(' ')}.`, scopes }));
        res.status(403).json({ error: 'insufficient_scope', error_description: `This tool needs the scope ${missing.join(' ')}.` });
        return;
      }
      next();
    });
  };
}

/** How many `Authorization` header lines the request had (`rawHeaders` keeps duplicates). */
function authorizationLines(rawHeaders: string[]): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i]!.toLowerCase() === 'authorization') count += 1;
  return count;
}
