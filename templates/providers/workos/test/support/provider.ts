/** How WorkOS AuthKit shapes access tokens, for the offline tests. */
import type { JWTPayload } from 'jose';
import type { TestProvider } from './types.js';

export const testProvider: TestProvider = {
  name: 'WorkOS AuthKit',
  issuerPath: '',
  scopes: ['mcp:tools'],
  env: ({ resource }) => ({ OAUTH_AUDIENCE: resource }),
  claims: ({ issuer, resource, scopes }): JWTPayload => ({
    iss: issuer,
    sub: 'user_01HXYZABCDEF0123456789',
    aud: resource,
    client_id: 'client_01HXYZCHATGPT',
    sid: 'session_01HXYZ',
    scope: scopes.join(' '),
  }),
  wrongBinding: (claims) => ({ ...claims, aud: 'https://other.example.com/mcp' }),
};
