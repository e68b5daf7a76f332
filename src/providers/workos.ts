/**
 * WorkOS AuthKit: the issuer is the AuthKit domain's origin, `https://{sub}.authkit.app` or a
 * custom domain, without a trailing slash. Tokens carry the requested resource in `aud`, and the
 * token request fails with `invalid_target` unless the MCP URL is registered as a resource
 * indicator. Dynamic registration and Client ID Metadata Documents are toggles in the dashboard.
 */
import { isHostname, stripToHost } from './validate.js';
import type { Provider } from './types.js';

export const workos: Provider<'workos'> = {
  id: 'workos',
  name: 'WorkOS AuthKit',
  hint: 'WorkOS AuthKit ({sub}.authkit.app or a custom domain)',
  fields: [
    {
      key: 'domain',
      buildsIssuer: true,
      flag: '--domain',
      message: 'AuthKit domain',
      example: 'acme.authkit.app',
      normalize: stripToHost,
      validate: (value) => (isHostname(value) ? true : `"${value}" is not a domain name; use your AuthKit domain, e.g. acme.authkit.app (WorkOS dashboard › Domains).`),
    },
  ],
  buildIssuer: (input) => `https://${input.domain}`,
  parseIssuer: (issuer) => ({ domain: issuer.host }),
  checkIssuer: (issuer) => (new URL(issuer).pathname === '/' && !issuer.endsWith('/') ? true : `A WorkOS AuthKit issuer is the domain's origin, e.g. https://acme.authkit.app, without a path or trailing slash.`),
  // AuthKit binds tokens to the resource the host requests: the MCP URL.
  defaultAudiences: (_input, resource, audience) => [audience ?? resource],
  defaultScopes: () => ['mcp:tools'],
  preRegisteredClient: false,
  signIn: ['direct', 'facade'],
  acceptsAudience: true,
  doctor: {
    recognizes: (issuer) => issuer.hostname.endsWith('.authkit.app'),
    scopeClaims: ['scope'],
    fixes: {
      'token-audience.mismatch': ({ audience }) =>
        `Register ${audience} as a resource indicator (WorkOS dashboard › Connect › Configuration › MCP Auth): AuthKit puts the requested resource in aud, and refuses one it does not know with invalid_target`,
    },
  },
};
