/** How Keycloak shapes access tokens, for the offline tests. */
import type { JWTPayload } from 'jose';
import type { TestProvider } from './types.js';

export const testProvider: TestProvider = {
  name: 'Keycloak',
  issuerPath: '/realms/main',
  scopes: ['mcp:tools'],
  env: ({ resource }) => ({ OAUTH_AUDIENCE: resource }),
  claims: ({ issuer, resource, scopes }): JWTPayload => ({
    iss: issuer,
    sub: 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6',
    // With the Audience mapper: this server's audience next to Keycloak's default.
    aud: [resource, 'account'],
    azp: 'chatgpt',
    typ: 'Bearer',
    scope: ['openid', 'profile', ...scopes].join(' '),
    realm_access: { roles: ['offline_access', 'default-roles-main'] },
    preferred_username: 'jane',
  }),
  wrongBinding: (claims) => ({ ...claims, aud: 'account' }),
};
