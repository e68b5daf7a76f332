/**
 * Google: sign-in only through the broker (`OAUTH_SIGN_IN=broker`). Google issues no JWT access
 * tokens for your API, so the broker learns who signed in from Google's ID token, verified against
 * Google's keys (issuer `https://accounts.google.com` or `accounts.google.com`, audience the
 * broker's own client id, the sign-in's nonce), and `OAUTH_BROKER_ALLOW` (email addresses and
 * Workspace domains, Google's `hd` claim) decides who gets this server's scopes. The tokens hosts
 * use are the broker's own.
 */
import type { TokenRules } from './jwt.js';

export const rules: TokenRules = {
  provider: 'Google',
  algorithms: ['RS256'],
  checkAudience: true,
  // Google access tokens are opaque and for Google's APIs: nothing of this server is in them.
  scopes: () => [],
  clientId: (claims) => (typeof claims.azp === 'string' ? claims.azp : undefined),
  broker: {
    identity: 'id-token',
    issuers: ['https://accounts.google.com', 'accounts.google.com'],
    scopes: ['openid', 'email', 'profile'],
    requiresAllowList: true,
  },
};
