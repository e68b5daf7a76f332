/** How GitHub signs a user in for the broker, for the offline tests (its user API says who). */
import type { JWTPayload } from 'jose';
import type { TestProvider } from './types.js';

export const testProvider: TestProvider = {
  name: 'GitHub',
  issuerPath: '',
  scopes: ['mcp:tools'],
  brokerOnly: 'GitHub issues no access tokens for this API: test/broker.test.ts signs in through the broker and checks its tokens.',
  env: () => ({ OAUTH_BROKER_ALLOW: 'org:acme' }),
  // The subject the broker gives its tokens: the GitHub account's numeric id.
  claims: (): JWTPayload => ({ sub: '583231' }),
  userApi: () => ({ user: { id: 583231, login: 'octocat', name: 'The Octocat', email: null }, orgs: ['acme'] }),
  wrongBinding: (claims) => claims,
};
