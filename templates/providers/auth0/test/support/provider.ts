/** How Auth0 shapes access tokens, for the offline tests. */
import type { JWTPayload } from 'jose';
import type { TestProvider } from './types.js';

export const testProvider: TestProvider = {
  name: 'Auth0',
  // Auth0 issuers end with a slash: https://{tenant}.us.auth0.com/
  issuerPath: '/',
  scopes: ['read:profile'],
  env: ({ resource }) => ({ OAUTH_AUDIENCE: resource }),
  claims: ({ issuer, resource, scopes }): JWTPayload => ({
    iss: issuer,
    sub: 'auth0|65f1c0ffee',
    // Requested with `openid`, Auth0 adds its userinfo audience: aud is an array.
    aud: [resource, `${issuer}userinfo`],
    azp: 'chatgpt-client-id',
    scope: 'openid profile',
    // RBAC "Add Permissions in the Access Token".
    permissions: scopes,
  }),
  wrongBinding: (claims) => ({ ...claims, aud: ['https://another-api.example.com', `${String(claims.iss)}userinfo`] }),
};
