/** How Microsoft Entra ID shapes v2 access tokens, for the offline tests. */
import type { JWTPayload } from 'jose';
import type { TestProvider } from './types.js';

const tenant = '9a95fd9e-005d-487a-9a01-d08c1eab2757';
const apiClientId = '3f1c9f5e-2b7a-4c8e-9d1a-6b2f0e4a7c11';

export const testProvider: TestProvider = {
  name: 'Microsoft Entra ID',
  issuerPath: `/${tenant}/v2.0`,
  // Requested qualified with the Application ID URI; `scp` carries the short name.
  scopes: [`api://${apiClientId}/mcp.tools`],
  env: () => ({ OAUTH_AUDIENCE: `${apiClientId},api://${apiClientId}` }),
  claims: ({ issuer, scopes }): JWTPayload => ({
    ver: '2.0',
    iss: issuer,
    sub: 'AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ',
    oid: '00000000-0000-0000-66f3-3332eca7ea81',
    tid: tenant,
    // v2 tokens: aud is the API app's client id.
    aud: apiClientId,
    azp: 'd3ce4cf8-6810-442d-b42e-375e14710095',
    scp: scopes.map((scope) => scope.slice(scope.lastIndexOf('/') + 1)).join(' '),
    name: 'Jane Doe',
  }),
  wrongBinding: (claims) => ({ ...claims, aud: '00000000-1111-2222-3333-444444444444' }),
};
