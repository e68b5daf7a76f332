/** How Google signs a user in for the broker, for the offline tests (its ID token says who). */
import type { JWTPayload } from 'jose';
import type { TestProvider } from './types.js';

export const testProvider: TestProvider = {
  name: 'Google',
  issuerPath: '',
  scopes: ['mcp:tools'],
  brokerOnly: 'Google issues no access tokens for this API: test/broker.test.ts signs in through the broker and checks its tokens.',
  env: () => ({ OAUTH_BROKER_ALLOW: 'example.com' }),
  claims: ({ issuer }): JWTPayload => ({ iss: issuer, sub: '110248495921238986420', azp: 'broker-test-client' }),
  idToken: () => ({ email: 'jane@example.com', email_verified: true, hd: 'example.com', name: 'Jane Doe' }),
  wrongBinding: (claims) => ({ ...claims, azp: 'another-client' }),
};
