/**
 * The gate in front of `/mcp`.
 *
 * Every challenge names the scopes this request needs, read from its JSON-RPC body, in one
 * `scope="…"` (the MCP spec asks for one challenge naming them all, so a host signs in once):
 * `OAUTH_SCOPES` for every request in `required` mode; for each `tools/call`, the scopes of the
 * tool it calls (`OAUTH_SCOPES` and the tool's own, from `protectedTool`), `OAUTH_SCOPES` for a
 * tool that was not declared, none for a public tool in `mixed` mode.
 *
 * - No `Authorization` header: in `required` mode, 401 with
 *   `WWW-Authenticate: Bearer resource_metadata="…", scope="…"` (no `error`, as RFC 6750 §3.1
 *   asks for a request without credentials); in `mixed` mode the request goes on anonymously,
 *   except a call of a tool that was not declared public (`publicTool` in `tools.ts`): it is
 *   refused here, before any handler runs, with the in-band sign-in challenge (a tool result with
 *   `_meta["mcp/www_authenticate"]`, which makes ChatGPT offer sign-in), or a 401 for a batch. A
 *   tool registered any other way is protected, whatever its handler does.
 * - A header: always verified with the SDK's `verifyBearerToken` (what `requireBearerAuth` runs),
 *   in both modes. A bad token is 401 `invalid_token`, never downgraded to anonymous. A valid
 *   token that lacks any scope the request needs is 403 `insufficient_scope`, answered here (the
 *   step-up challenge hosts that follow the MCP spec act on), before any handler runs.
 * - Scope hierarchies (`OAUTH_SCOPE_IMPLIES`): the scopes a token implies count as granted, here
 *   and in the SDK's per-tool checks (they see the implied scopes in `authInfo.scopes`).
 * - Tokens in the query string or the body are never read.
 * - More than one `Authorization` header is 400 `invalid_request` (RFC 6750 §3.1: one method,
 *   one credential). Node keeps only the first of duplicate `Authorization` lines, so without
 *   this check a proxy and this server could disagree about which token a request carries.
 */
import { bearerAuthChallengeResponse, OAuthError, OAuthErrorCode, verifyBearerToken, type AuthInfo, type OAuthTokenVerifier } from '@modelcontextprotocol/server';
import type { NextFunction, Request, RequestHandler, Response as ExpressResponse } from 'express';
import { TokenRejectedError, VerifierUnavailableError, type TokenVerifier } from './access-token.js';
import { bearerChallenge, toolAuthChallenge } from './challenge.js';
import { withImplied, type ScopeImplications } from './scopes.js';
import type { AuthMode } from '../config.js';
import { fingerprint, type Logger } from '../log.js';

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
  /** `OAUTH_SCOPES`: what every request needs in `required` mode, and a tool that was not declared in both. */
  scopes: string[];
  resource: URL;
  resourceMetadataUrl: string;
  log: Logger;
  /** Scope hierarchies (`OAUTH_SCOPE_IMPLIES`). */
  implies?: ScopeImplications;
  /** The tools declared public; when given, anonymous calls of any other tool are refused here. */
  publicTools?: ReadonlySet<string>;
  /** Every scope each declared tool needs (`OAUTH_SCOPES` and its own; none for a public tool). */
  toolScopes?: ReadonlyMap<string, readonly string[]>;
}

type Message = { method?: unknown; id?: unknown; params?: { name?: unknown } } | null;

const NONE: readonly string[] = Object.freeze([]);

/** The first `tools/call` in a JSON-RPC body for a tool not in `publicTools`, if any. */
function undeclaredToolCall(body: unknown, publicTools: ReadonlySet<string>): { id: unknown; name: string } | undefined {
  for (const message of Array.isArray(body) ? body : [body]) {
    const m = message as Message;
    if (m?.method !== 'tools/call') continue;
    const name = typeof m.params?.name === 'string' ? m.params.name : '';
    if (!publicTools.has(name)) return { id: m.id ?? null, name };
  }
  return undefined;
}

/** The name of the first `tools/call` in the body, for log lines. */
function calledTool(body: unknown): string | undefined {
  for (const message of Array.isArray(body) ? body : [body]) {
    const m = message as Message;
    if (m?.method === 'tools/call') return typeof m.params?.name === 'string' && m.params.name ? m.params.name : '(no name)';
  }
  return undefined;
}

/**
 * `(body) → the scopes the request needs`, with every per-tool set worked out once, up front: a
 * single message costs one map lookup on the hot path, a batch the union of its calls.
 */
function scopesNeeded({ mode, scopes, publicTools, toolScopes }: Pick<GateOptions, 'mode' | 'scopes' | 'publicTools' | 'toolScopes'>): (body: unknown) => readonly string[] {
  const base: readonly string[] = mode === 'required' ? scopes : NONE;
  // Without the declared tools (an app.ts older than createAuth), calls are left to the handlers.
  const undeclared: readonly string[] = toolScopes || mode === 'required' ? scopes : NONE;
  const perTool = new Map<string, readonly string[]>();
  for (const [name, needed] of toolScopes ?? []) {
    const isPublic = publicTools?.has(name) ?? needed.length === 0;
    perTool.set(name, mode === 'required' ? [...new Set([...scopes, ...needed])] : isPublic ? NONE : needed);
  }
  const ofMessage = (message: unknown): readonly string[] => {
    const m = message as Message;
    if (m?.method !== 'tools/call') return base;
    return (typeof m.params?.name === 'string' ? perTool.get(m.params.name) : undefined) ?? undeclared;
  };
  return (body) => {
    if (!Array.isArray(body)) return ofMessage(body);
    const all = new Set(base);
    for (const message of body) for (const scope of ofMessage(message)) all.add(scope);
    return all.size === base.length ? base : [...all];
  };
}

export function authGate({ verifier, mode, scopes, resource, resourceMetadataUrl, log, implies, publicTools, toolScopes }: GateOptions): RequestHandler {
  const sdkVerifier = toSdkVerifier(verifier, resource, implies);
  const needs = scopesNeeded({ mode, scopes, ...(publicTools ? { publicTools } : {}), ...(toolScopes ? { toolScopes } : {}) });
  const duplicate = bearerChallenge({ resourceMetadataUrl, error: 'invalid_request', description: 'Send exactly one Authorization header.' });

  // Every request passes here: debug lines are built only when debug logging is on.
  const debug = log.enabled('debug');

  /** A request with a token: verified, then held to the scopes it needs. */
  async function verify(req: Request, res: ExpressResponse, next: NextFunction, header: string): Promise<void> {
    let authInfo: AuthInfo;
    try {
      authInfo = await verifyBearerToken(header, { verifier: sdkVerifier, resourceMetadataUrl });
    } catch (error) {
      sendChallenge(res, error, bearerAuthChallengeResponse(error, { requiredScopes: [...needs(req.body)], resourceMetadataUrl }));
      return;
    }
    const needed = needs(req.body);
    if (needed.length > 0 && !needed.every((scope) => authInfo.scopes.includes(scope))) {
      const missing = needed.filter((scope) => !authInfo.scopes.includes(scope));
      const tool = calledTool(req.body);
      const description = `${tool ? 'This tool needs' : 'This server needs'} the scope ${missing.join(' ')}.`;
      log.warn(`auth: ${tool ? `tools/call of ${tool}` : `${req.method} ${req.path}`} with token ${fingerprint(authInfo.token)}, which lacks the scope ${missing.join(' ')}; answering 403 insufficient_scope (scope ${needed.join(' ')})`);
      res.set('WWW-Authenticate', bearerChallenge({ resourceMetadataUrl, error: 'insufficient_scope', description, scopes: [...needed] }));
      res.status(403).json({ error: 'insufficient_scope', error_description: description });
      return;
    }
    if (debug && needed.length > 0) log.debug(`auth: scopes present: ${needed.join(' ')}`);
    req.auth = authInfo;
    next();
  }
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
          const needed = [...needs(req.body)];
          if (debug) log.debug(`auth: anonymous tools/call of ${refused.name || '(no name)'}, which is not declared public; answering the sign-in challenge (scope ${needed.join(' ') || '(none)'})`);
          if (Array.isArray(req.body)) {
            res.set('WWW-Authenticate', bearerChallenge({ resourceMetadataUrl, scopes: needed }));
            res.status(401).json({ error: 'unauthorized', error_description: 'This tool needs a signed-in user.' });
            return;
          }
          res.status(200).json({ jsonrpc: '2.0', id: refused.id, result: toolAuthChallenge({ resourceMetadataUrl, error: 'invalid_token', description: 'Sign in to use this tool.', scopes: needed }) });
          return;
        }
        if (debug) log.debug(`auth: ${req.method} ${req.path} without Authorization header; continuing anonymously (mixed mode)`);
        return next();
      }
      const needed = [...needs(req.body)];
      if (debug) log.debug(`auth: ${req.method} ${req.path} without Authorization header; answering 401 with resource_metadata ${resourceMetadataUrl} and scope ${needed.join(' ') || '(none)'}`);
      res.set('WWW-Authenticate', bearerChallenge({ resourceMetadataUrl, scopes: needed }));
      res.status(401).json({ error: 'unauthorized', error_description: 'This MCP server requires an OAuth bearer token.' });
      return;
    }
    if (debug) log.debug(`auth: ${req.method} ${req.path} with Authorization header; verifying`);
    verify(req, res, next, header).catch(next);
  };
}

/**
 * Sends the SDK's answer to a failed verification (401 `invalid_token` naming the scopes, 500 when
 * the keys cannot be had) through Express, as `requireBearerAuth` does: its status and challenge,
 * and the OAuth error as the body (built here rather than read back from the Response's stream).
 */
function sendChallenge(res: ExpressResponse, error: unknown, response: Response): void {
  const challenge = response.headers.get('WWW-Authenticate');
  if (challenge !== null) res.set('WWW-Authenticate', challenge);
  const body = error instanceof OAuthError ? error : new OAuthError(OAuthErrorCode.ServerError, 'Internal Server Error');
  res.status(response.status).json(body.toResponseObject());
}

/** How many `Authorization` header lines the request had (`rawHeaders` keeps duplicates). */
function authorizationLines(rawHeaders: string[]): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i]!.toLowerCase() === 'authorization') count += 1;
  return count;
}
