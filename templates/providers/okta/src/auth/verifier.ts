/**
 * Token rules for Okta custom authorization servers (`https://{domain}/oauth2/{id}`).
 *
 * - `aud` is the authorization server's Audience setting (default `api://default`).
 * - Scopes are in `scp`, an array. The client is in `cid`.
 * - Tokens from the org authorization server (`https://{domain}`, no `/oauth2/`) are meant for
 *   Okta's own APIs and cannot be validated by yours.
 */
import type { TokenRules } from './jwt.js';
import { scopeList } from './jwt.js';

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export const rules: TokenRules = {
  provider: 'Okta',
  algorithms: ['RS256'],
  checkAudience: true,
  scopes: (claims) => [...new Set([...scopeList(claims.scp), ...scopeList(claims.scope)])],
  clientId: (claims) => text(claims.cid) ?? text(claims.client_id),
  explain(claim, claims, expect) {
    if (claim === 'iss') {
      const iss = String(claims.iss);
      if (!iss.includes('/oauth2/')) return `Token comes from the Okta org authorization server ${iss}, whose tokens are only for Okta APIs; use the custom authorization server ${expect.issuer}`;
      return `Token was issued by ${iss}, not ${expect.issuer}; check which Okta authorization server the client uses`;
    }
    return `Token audience ${scopeList(claims.aud).join(' ') || '(none)'} is not ${expect.audiences.join(' or ')}; set the Audience of the Okta authorization server to it`;
  },
};
