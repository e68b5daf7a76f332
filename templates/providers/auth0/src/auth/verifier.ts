/**
 * Token rules for Auth0.
 *
 * - Access tokens are JWTs only when requested for an API (`audience`, or `resource` with the
 *   Resource Parameter Compatibility Profile); `aud` may be an array that also holds
 *   `https://{domain}/userinfo`.
 * - Scopes are in `scope` (a space-separated string); with RBAC "Add Permissions in the Access
 *   Token" they are also in `permissions` (an array). Both count.
 * - The issuer ends with a slash, and a custom domain issues tokens under its own name.
 */
import type { TokenRules } from './jwt.js';
import { scopeList } from './jwt.js';

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export const rules: TokenRules = {
  provider: 'Auth0',
  algorithms: ['RS256', 'PS256'],
  checkAudience: true,
  scopes: (claims) => [...new Set([...scopeList(claims.scope), ...scopeList(claims.permissions)])],
  clientId: (claims) => text(claims.azp) ?? text(claims.client_id),
  // Auth0 issues a JWT access token for an API only when the sign-in names it.
  broker: { authorizeParams: (expect) => ({ audience: expect.audiences[0] ?? '' }) },
  explain(claim, claims, expect) {
    if (claim === 'iss') {
      const iss = String(claims.iss);
      if (iss.replace(/\/$/, '') === expect.issuer.replace(/\/$/, '')) return `Token issuer ${iss} differs from ${expect.issuer} only by the trailing slash`;
      return `Token was issued by ${iss}, not ${expect.issuer}; a custom domain issues tokens under its own name, so use one domain everywhere`;
    }
    const audiences = scopeList(claims.aud);
    if (audiences.length > 0 && audiences.every((aud) => aud.endsWith('/userinfo'))) {
      return `Token is only for the Auth0 userinfo endpoint; request it with audience ${expect.audiences[0]} or enable the Resource Parameter Compatibility Profile`;
    }
    return `Token audience ${audiences.join(' ') || 'is missing and'} does not include the API Identifier ${expect.audiences.join(' or ')}`;
  },
  diagnose(header) {
    if (header.enc) return 'Token is encrypted (JWE): Auth0 issues JWTs only for a registered API; create an API whose Identifier is this server URL';
    return undefined;
  },
};
