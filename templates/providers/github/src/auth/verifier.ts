/**
 * GitHub: sign-in only through the broker (`OAUTH_SIGN_IN=broker`). GitHub is not OpenID Connect
 * and its tokens are opaque, for GitHub's own API: the broker learns who signed in from the user
 * API (`GET /user`: the account's numeric id is the subject, its login and name the profile), and
 * `OAUTH_BROKER_ALLOW` (logins, and organisations as `org:<name>`, read from `GET /user/orgs` with
 * the `read:org` scope) decides who gets this server's scopes. The tokens hosts use are the
 * broker's own.
 */
import type { TokenRules } from './jwt.js';

export const rules: TokenRules = {
  provider: 'GitHub',
  algorithms: ['RS256'],
  checkAudience: false,
  // Nothing of this server is in a GitHub token.
  scopes: () => [],
  clientId: () => undefined,
  broker: {
    identity: 'user-api',
    // read:user for the profile; read:org is added when OAUTH_BROKER_ALLOW names an organisation.
    scopes: ['read:user'],
    orgScope: 'read:org',
    requiresAllowList: true,
  },
};
