/**
 * Token rules for Microsoft Entra ID (v2 access tokens).
 *
 * - `iss` is `https://login.microsoftonline.com/{tenant}/v2.0`. A v1 token
 *   (`https://sts.windows.net/{tenant}/`) means the API app's manifest still has
 *   `requestedAccessTokenVersion` null or 1.
 * - `aud` is the API app's client id (GUID) in v2 tokens; the Application ID URI is accepted too.
 * - Delegated scopes are in `scp` (space separated) without the Application ID URI prefix that
 *   clients must use to request them; they are reported here qualified with the Application ID URI
 *   from `OAUTH_AUDIENCE` (`api://…/mcp.tools`), the form `OAUTH_SCOPES`, the protected resource
 *   metadata and the challenges use. Application permissions are in `roles`. The client is `azp`
 *   (or `appid`).
 * - Tokens for Microsoft Graph (`aud` 00000003-…, a `nonce` in the header) are not yours and never
 *   verify; request a scope of your own API instead.
 */
import type { TokenRules } from './jwt.js';
import { scopeList } from './jwt.js';

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const GRAPH = ['00000003-0000-0000-c000-000000000000', 'https://graph.microsoft.com'];
const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);
const V1_FIX = 'set "requestedAccessTokenVersion": 2 in the API app registration manifest (Expose an API) and sign in again';

export const rules: TokenRules = {
  provider: 'Microsoft Entra ID',
  algorithms: ['RS256'],
  checkAudience: true,
  requires: ['audiences'],
  // Entra refuses an RFC 8707 resource that is not the Application ID URI of the requested scopes
  // (AADSTS9010010), and every spec-following host sends the MCP URL: the façade drops it.
  // It issues refresh tokens only for offline_access, which hosts never ask for: the façade adds it.
  facade: { dropResource: true, addScopes: ['offline_access'] },
  scopes(claims, expect) {
    const appIdUri = expect.audiences.find((audience) => audience.includes('://'));
    const delegated = scopeList(claims.scp).map((scope) => (appIdUri ? `${appIdUri.replace(/\/$/, '')}/${scope}` : scope));
    return [...new Set([...delegated, ...scopeList(claims.roles)])];
  },
  // `Widgets.Read` and `api://…/Widgets.Read` are the same scope; OIDC scopes never reach `scp`.
  qualifyScope(scope, expect) {
    const appIdUri = expect.audiences.find((audience) => audience.includes('://'));
    return appIdUri && !scope.includes('/') && !OIDC_SCOPES.has(scope) ? `${appIdUri.replace(/\/$/, '')}/${scope}` : scope;
  },
  clientId: (claims) => text(claims.azp) ?? text(claims.appid),
  check(claims) {
    if (claims.ver === '1.0') return `Token is an Entra v1 token; ${V1_FIX}`;
    return undefined;
  },
  explain(claim, claims, expect) {
    if (claim === 'iss') {
      const iss = String(claims.iss);
      if (iss.startsWith('https://sts.windows.net/')) return `Token is an Entra v1 token (issuer ${iss}); ${V1_FIX}`;
      return `Token was issued by ${iss}, not ${expect.issuer}; it comes from another tenant or endpoint`;
    }
    const aud = scopeList(claims.aud);
    if (aud.some((value) => GRAPH.includes(value))) return 'Token is for Microsoft Graph, not this API; request a scope of this API (api://.../scope) instead';
    return `Token audience ${aud.join(' ') || '(none)'} is not the API client id or Application ID URI (${expect.audiences.join(' or ')})`;
  },
  diagnose(header, claims) {
    if (header.nonce !== undefined || scopeList(claims?.aud).some((value) => GRAPH.includes(value))) {
      return 'Token is for Microsoft Graph, not this API; request a scope of this API (api://.../scope) instead';
    }
    if (String(claims?.iss).startsWith('https://sts.windows.net/')) return `Token is an Entra v1 token; ${V1_FIX}`;
    return undefined;
  },
};
