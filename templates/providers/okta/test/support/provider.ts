/** How Okta custom authorization servers shape access tokens, for the offline tests. */
import type { JWTPayload } from 'jose';
import type { TestProvider } from './types.js';

export const testProvider: TestProvider = {
  name: 'Okta',
  issuerPath: '/oauth2/default',
  scopes: ['mcp:tools'],
  env: () => ({ OAUTH_AUDIENCE: 'api://default' }),
  claims: ({ issuer, scopes }): JWTPayload => ({
    ver: 1,
    iss: issuer,
    sub: 'jane@example.com',
    uid: '00u1abcdEFGH',
    aud: 'api://default',
    cid: '0oa1chatgpt',
    scp: ['openid', ...scopes],
  }),
  wrongBinding: (claims) => ({ ...claims, aud: 'api://another' }),
};
