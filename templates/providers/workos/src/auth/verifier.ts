/**
 * Token rules for WorkOS AuthKit.
 *
 * - `iss` is the AuthKit domain's origin (`https://{sub}.authkit.app` or your custom domain).
 * - `aud` is the resource the host asked for: the MCP URL, once it is registered as a resource
 *   indicator (WorkOS dashboard); without it the token request fails with `invalid_target`.
 * - Scopes are in `scope` (a string); the client is `client_id` (or `azp`).
 */
import type { TokenRules } from './jwt.js';
import { scopeList } from './jwt.js';

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export const rules: TokenRules = {
  provider: 'WorkOS AuthKit',
  algorithms: ['RS256', 'ES256'],
  checkAudience: true,
  scopes: (claims) => scopeList(claims.scope),
  clientId: (claims) => text(claims.client_id) ?? text(claims.azp),
  explain(claim, claims, expect) {
    if (claim === 'aud') return `Token audience ${scopeList(claims.aud).join(' ') || '(none)'} is not ${expect.audiences.join(' or ')}: register the MCP URL as a resource indicator in the WorkOS dashboard (Connect › Configuration › MCP Auth)`;
    return undefined;
  },
};
