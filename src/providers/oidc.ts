/** Any standard OpenID Connect / OAuth 2.1 server (Keycloak, WorkOS, Zitadel, ...), by issuer URL. */
import { validateIssuerUrl } from './validate.js';
import type { Provider } from './types.js';

export const oidc: Provider<'oidc'> = {
  id: 'oidc',
  name: 'OpenID Connect',
  hint: 'any OIDC server: Keycloak, WorkOS, Zitadel, ...',
  fields: [
    {
      key: 'issuer',
      buildsIssuer: true,
      flag: '--issuer',
      message: 'Issuer URL',
      example: 'https://sso.example.com/realms/main',
      normalize: (value) => value.trim(),
      validate: (value) => validateIssuerUrl(value),
    },
  ],
  buildIssuer: (input) => input.issuer ?? '',
  defaultAudiences: (_input, resource, audience) => [audience ?? resource],
  defaultScopes: () => ['mcp:tools'],
  preRegisteredClient: false,
  signIn: ['direct', 'facade', 'broker'],
  acceptsAudience: true,
};
