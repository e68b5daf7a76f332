/**
 * The token shape of the local development authorization server: `aud` is the MCP URL, scopes in
 * `scope`. The matrix in test/auth.test.ts runs it against a test issuer (OAUTH_ISSUER set); the
 * embedded server's own sign-in flow is tested in test/local-sign-in.test.ts.
 */
import type { JWTPayload } from 'jose';
import type { TestProvider } from './types.js';

export const testProvider: TestProvider = {
  name: 'Local development server',
  issuerPath: '/oauth',
  scopes: ['mcp:tools'],
  env: ({ resource }) => ({ OAUTH_AUDIENCE: resource }),
  claims: ({ issuer, resource, scopes }): JWTPayload => ({
    iss: issuer,
    sub: 'developer',
    name: 'developer',
    aud: resource,
    client_id: 'local-dev',
    scope: scopes.join(' '),
  }),
  wrongBinding: (claims) => ({ ...claims, aud: 'http://localhost:9999/mcp' }),
};
