/**
 * Token rules for a standard OpenID Connect / OAuth 2.1 server (Keycloak, WorkOS, Zitadel, ...).
 *
 * - `aud` must contain this server's audience (by default the MCP URL).
 * - Scopes are in `scope` (a string) or `scp` (a string or an array).
 * - Keycloak puts only `account` in `aud` until you add an Audience mapper.
 */
import type { TokenRules } from './jwt.js';
import { scopeList } from './jwt.js';

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export const rules: TokenRules = {
  provider: 'OpenID Connect',
  algorithms: ['RS256', 'PS256', 'ES256'],
  checkAudience: true,
  scopes: (claims) => [...new Set([...scopeList(claims.scope), ...scopeList(claims.scp)])],
  clientId: (claims) => text(claims.client_id) ?? text(claims.azp) ?? text(claims.cid),
  explain(claim, claims, expect) {
    if (claim === 'aud') {
      const aud = scopeList(claims.aud);
      if (aud.length === 1 && aud[0] === 'account') {
        return `Token audience is only account (Keycloak default); add an Audience mapper with Included Custom Audience ${expect.audiences[0]}`;
      }
    }
    return undefined;
  },
};
