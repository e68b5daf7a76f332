/**
 * Token rules for the embedded development authorization server (`src/local-as/`): `aud` is the
 * MCP URL (bound by the RFC 8707 `resource` parameter), scopes are in `scope`.
 */
import type { TokenRules } from './jwt.js';
import { scopeList } from './jwt.js';

export const rules: TokenRules = {
  provider: 'Local development server',
  algorithms: ['ES256', 'RS256'],
  checkAudience: true,
  scopes: (claims) => scopeList(claims.scope),
  clientId: (claims) => (typeof claims.client_id === 'string' ? claims.client_id : undefined),
};
