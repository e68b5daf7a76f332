/**
 * Token rules for Keycloak.
 *
 * - `iss` is `https://{host}/realms/{realm}` (`/auth/realms/{realm}` on older servers), exactly as
 *   the realm's discovery document names it: Keycloak builds it from its configured hostname.
 * - `aud` must contain this server's audience (by default the MCP URL). Keycloak puts only
 *   `account` there until a client scope with an Audience mapper adds it (AUTH_SETUP.md).
 * - Scopes are the `scope` string, plus realm roles (`realm_access.roles`) as they are and client
 *   roles (`resource_access.{client}.roles`) as `{client}:{role}`, so a role can be a required
 *   scope (`OAUTH_SCOPES=mcp-user` or `orders-api:reader`).
 * - The client is `azp`.
 */
import type { TokenRules } from './jwt.js';
import { scopeList } from './jwt.js';

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const record = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});

export const rules: TokenRules = {
  provider: 'Keycloak',
  algorithms: ['RS256', 'PS256', 'ES256'],
  checkAudience: true,
  scopes(claims) {
    const realmRoles = scopeList(record(claims.realm_access).roles);
    const clientRoles = Object.entries(record(claims.resource_access)).flatMap(([client, access]) => scopeList(record(access).roles).map((role) => `${client}:${role}`));
    return [...new Set([...scopeList(claims.scope), ...realmRoles, ...clientRoles])];
  },
  clientId: (claims) => text(claims.azp) ?? text(claims.client_id),
  explain(claim, claims, expect) {
    if (claim === 'aud') {
      const aud = scopeList(claims.aud);
      if (aud.length === 0 || aud.every((value) => value === 'account')) {
        return `Token audience is ${aud.join(' ') || '(none)'} (Keycloak's default); add an Audience mapper with Included Custom Audience ${expect.audiences[0]}`;
      }
    }
    if (claim === 'iss') return `Token was issued by ${String(claims.iss)}, not ${expect.issuer}: check Keycloak's hostname setting (KC_HOSTNAME), which the issuer is built from`;
    return undefined;
  },
};
