/** How Amazon Cognito shapes access tokens (no aud), for the offline tests. */
import type { JWTPayload } from 'jose';
import type { TestProvider } from './types.js';

export const testProvider: TestProvider = {
  name: 'Amazon Cognito',
  issuerPath: '/us-east-1_BGU9CKFCM',
  scopes: ['mcp/tools'],
  env: () => ({ OAUTH_CLIENT_IDS: '5r2ci3d4kinbd8l2fasbrc8ba1' }),
  claims: ({ issuer, scopes }): JWTPayload => ({
    iss: issuer,
    sub: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
    token_use: 'access',
    client_id: '5r2ci3d4kinbd8l2fasbrc8ba1',
    username: 'jane',
    scope: ['openid', ...scopes].join(' '),
    'cognito:groups': ['admins'],
  }),
  wrongBinding: (claims) => ({ ...claims, client_id: 'some-other-app-client' }),
};
