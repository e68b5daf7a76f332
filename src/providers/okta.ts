/**
 * Okta: only a custom authorization server (`https://{domain}/oauth2/{id}`) issues access tokens
 * your API can validate; the org server's tokens are for Okta's own APIs and are refused here.
 */
import { isHostname, stripToHost } from './validate.js';
import type { Provider } from './types.js';

const ORG_SERVER =
  'The Okta org authorization server issues tokens for Okta\'s own APIs, which your server cannot validate.';

export const okta: Provider<'okta'> = {
  id: 'okta',
  name: 'Okta',
  hint: 'Okta custom authorization server',
  fields: [
    {
      key: 'domain',
      buildsIssuer: true,
      flag: '--domain',
      message: 'Okta domain',
      example: 'acme.okta.com',
      normalize: (value) => stripToHost(value.replace(/\/oauth2\/.*$/i, '')),
      validate: (value) => (isHostname(value) ? true : `"${value}" is not a domain name; use your Okta domain, e.g. acme.okta.com.`),
    },
    {
      key: 'authServer',
      buildsIssuer: true,
      flag: '--auth-server',
      message: 'Okta authorization server id',
      example: 'default',
      default: () => 'default',
      validate: (value) => {
        if (value === 'org' || value === 'v1') return `${ORG_SERVER} Use a custom authorization server id such as "default".`;
        return /^[A-Za-z0-9]+$/.test(value) ? true : `"${value}" is not an Okta authorization server id; use "default" or an id like aus8abcd1234.`;
      },
    },
  ],
  buildIssuer: (input) => `https://${input.domain}/oauth2/${input.authServer ?? 'default'}`,
  parseIssuer: (issuer) => ({ domain: issuer.host, authServer: /^\/oauth2\/([^/]+)/.exec(issuer.pathname)?.[1] ?? 'default' }),
  checkIssuer(issuer) {
    return new URL(issuer).pathname.startsWith('/oauth2/')
      ? true
      : `${ORG_SERVER} Use a custom authorization server: ${new URL(issuer).origin}/oauth2/default.`;
  },
  defaultAudiences: (_input, _resource, audience) => [audience ?? 'api://default'],
  defaultScopes: () => ['mcp:tools'],
  preRegisteredClient: true,
  signIn: ['direct', 'facade', 'broker'],
  acceptsAudience: true,
  doctor: {
    recognizes: (issuer) => /\.(okta|oktapreview|okta-emea)\.com$/.test(issuer.hostname),
    scopeClaims: ['scp', 'scope'],
    tokenIssuerMismatch: ({ iss, expected }) =>
      expected.includes('/oauth2/') && !iss.includes('/oauth2/')
        ? {
            summary: `The token comes from the Okta org authorization server ${iss}, whose tokens are only for Okta's own APIs; the server expects ${expected}`,
            fix: `Have the client use the custom authorization server ${expected} (its /v1/authorize and /v1/token endpoints)`,
          }
        : undefined,
    registrationNeedsApiToken: true,
    fixes: {
      'registration.register-client': ({ redirect }) =>
        `Create an app integration (Okta Admin › Applications › Create App Integration › OIDC, Single-Page or Web) with redirect URI ${redirect}, and paste its client id into the MCP client (ChatGPT: the app's OAuth settings)`,
      'registration.protected': 'Okta’s registration endpoint needs an API token: pre-register a client (Applications › Create App Integration)',
      'scopes.extra':
        'Allow these scopes in the authorization server’s access policy rule (Security › API › Authorization Servers › Access Policies), or serve a metadata façade with a trimmed scopes_supported',
      'discovery.not-found': 'Check the authorization server id in /oauth2/{id} (Okta Admin › Security › API › Authorization Servers › Issuer URI)',
      'token-audience.mismatch': ({ audience }) => `Set the Audience of the authorization server to ${audience} (Okta Admin › Security › API › Authorization Servers › your server › Settings)`,
      'token-lifetime.long':
        'Lower the access token lifetime to 60 minutes or less in the authorization server’s access policy rule (Okta Admin › Security › API › Authorization Servers › Access Policies)',
      'token-scopes.missing':
        'Add the scope to the authorization server (Okta Admin › Security › API › Authorization Servers › Scopes) and allow it in the access policy rule; Okta puts scopes in scp',
      'token-shape.opaque': "Okta's org authorization server issues tokens only Okta can read: use a custom authorization server (https://{domain}/oauth2/default) whose access tokens are JWTs",
    },
  },
};
