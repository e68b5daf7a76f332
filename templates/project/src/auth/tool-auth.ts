/**
 * Per-tool authorization for tool handlers: who is calling (the verified `AccessToken`), which
 * `securitySchemes` a tool declares, and the in-band challenge for a protected tool called
 * anonymously (mixed mode) or without its scopes.
 */
import type { CallToolResult, ServerContext } from '@modelcontextprotocol/server';
import type { AccessToken } from './access-token.js';
import { toolAuthChallenge } from './challenge.js';
import { missingScopes, type ScopeImplications } from './scopes.js';
import type { AuthMode } from '../config.js';

export interface ToolAuth {
  mode: AuthMode;
  /** Scopes protected tools need (`OAUTH_SCOPES`). */
  scopes: string[];
  /** Scope hierarchies (`OAUTH_SCOPE_IMPLIES`): a broader scope covers the narrower ones. */
  implies?: ScopeImplications;
  /** Writes a scope in the one form tokens are compared in (Entra: qualified). */
  qualify?: (scope: string) => string;
  resourceMetadataUrl: string;
  /** Provider name shown to users, e.g. "Auth0". */
  provider: string;
  issuer: string;
}

export type SecurityScheme = { type: 'noauth' } | { type: 'oauth2'; scopes: string[] };

/**
 * The `securitySchemes` a tool declares. In `required` mode every tool needs a token; in `mixed`
 * mode a public tool is `noauth` and a protected one is `oauth2` with its scopes.
 */
export function securitySchemes(auth: ToolAuth, access: 'public' | 'protected', scopes = auth.scopes): SecurityScheme[] {
  if (access === 'public' && auth.mode === 'mixed') return [{ type: 'noauth' }];
  return [{ type: 'oauth2', scopes }];
}

/** The verified token of this request, or undefined for an anonymous call (mixed mode). */
export function accessTokenOf(ctx: ServerContext): AccessToken | undefined {
  return ctx.http?.authInfo?.extra?.accessToken as AccessToken | undefined;
}

/**
 * For a tool registered by hand (tools declared with `publicTool`/`protectedTool` in `tools.ts`
 * do this for you): `{ token }` when the caller is signed in with `scopes`, otherwise
 * `{ challenge }`, a result to return as is:
 *
 * ```ts
 * const access = requireAccess(ctx, auth);
 * if ('challenge' in access) return access.challenge;
 * ```
 */
export function requireAccess(ctx: ServerContext, auth: ToolAuth, scopes = auth.scopes): { token: AccessToken } | { challenge: CallToolResult } {
  const token = accessTokenOf(ctx);
  if (!token) {
    return { challenge: toolAuthChallenge({ resourceMetadataUrl: auth.resourceMetadataUrl, error: 'invalid_token', description: 'Sign in to use this tool.', scopes }) };
  }
  const missing = missingScopes(token.scopes, scopes, auth.implies ?? new Map());
  if (missing.length > 0) {
    return {
      challenge: toolAuthChallenge({
        resourceMetadataUrl: auth.resourceMetadataUrl,
        error: 'insufficient_scope',
        description: `This tool needs the scope ${missing.join(' ')}.`,
        scopes,
      }),
    };
  }
  return { token };
}

/** What the host says about the user's client, from the request `_meta` (ChatGPT's `openai/*` keys). */
export interface ClientContext {
  locale?: string;
  userAgent?: string;
  userLocation?: { city?: string; region?: string; country?: string; timezone?: string; latitude?: number; longitude?: number };
}

export function clientContextOf(ctx: ServerContext): ClientContext {
  const meta = (ctx.mcpReq._meta ?? {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const location = meta['openai/userLocation'];
  return {
    locale: text(meta['openai/locale']) ?? text(meta['locale']),
    userAgent: text(meta['openai/userAgent']),
    userLocation: location && typeof location === 'object' ? (location as ClientContext['userLocation']) : undefined,
  };
}
