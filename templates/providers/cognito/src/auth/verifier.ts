/**
 * Token rules for Amazon Cognito user pools.
 *
 * - Access tokens carry no `aud`. A token is for this server when `token_use` is `access` and its
 *   `client_id` is one of the app clients in `OAUTH_CLIENT_IDS`.
 * - ID tokens (`token_use: id`) are signed by the same keys and must be refused.
 * - An access token that does carry `aud` (resource binding) must name this server: one of
 *   `OAUTH_AUDIENCE`, by default the MCP URL. A token bound to another resource is refused even
 *   when its app client is allowed.
 * - Scopes are in `scope` (space separated); custom scopes look like `{resource-server-id}/{scope}`.
 */
import type { TokenRules } from './jwt.js';
import { scopeList } from './jwt.js';

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export const rules: TokenRules = {
  provider: 'Amazon Cognito',
  algorithms: ['RS256'],
  checkAudience: false,
  requires: ['clientIds'],
  scopes: (claims) => scopeList(claims.scope),
  clientId: (claims) => text(claims.client_id),
  check(claims, expect) {
    if (claims.token_use === 'id') return 'Token is a Cognito ID token; send the access token instead';
    if (claims.token_use !== 'access') return 'Token is not a Cognito access token (token_use is not access)';
    const clientId = text(claims.client_id);
    if (!clientId || !expect.clientIds.includes(clientId)) {
      return `Token was issued to app client ${clientId ?? '(none)'}, which is not in OAUTH_CLIENT_IDS`;
    }
    if (claims.aud !== undefined) {
      const audiences = scopeList(claims.aud);
      if (!audiences.some((aud) => expect.audiences.includes(aud))) {
        return `Token is bound to ${audiences.join(' ') || 'an empty audience'}, not to this server (${expect.audiences.join(' or ')})`;
      }
    }
    return undefined;
  },
  explain(claim, claims, expect) {
    if (claim === 'iss') return `Token was issued by ${String(claims.iss)}, not by the user pool ${expect.issuer}`;
    return undefined;
  },
};
