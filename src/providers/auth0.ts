/**
 * Auth0: the issuer is `https://{domain}/` with a trailing slash, exactly as Auth0 issues it.
 * The token's `aud` must contain the API Identifier, which should be the MCP URL itself, so the
 * RFC 8707 `resource` ChatGPT sends maps onto it (Resource Parameter Compatibility Profile).
 */
import { isHostname, stripToHost } from './validate.js';
import type { Provider } from './types.js';

export const auth0: Provider = {
  id: 'auth0',
  name: 'Auth0',
  hint: 'Auth0 tenant or custom domain',
  fields: [
    {
      key: 'domain',
      buildsIssuer: true,
      flag: '--domain',
      message: 'Auth0 domain (tenant or custom domain)',
      example: 'acme.us.auth0.com',
      normalize: stripToHost,
      validate: (value) => (isHostname(value) ? true : `"${value}" is not a domain name; use your tenant domain, e.g. acme.us.auth0.com.`),
    },
  ],
  buildIssuer: (input) => `https://${input.domain}/`,
  parseIssuer: (issuer) => ({ domain: issuer.host }),
  defaultAudiences: (_input, resource, audience) => [audience ?? resource],
  defaultScopes: () => ['mcp:tools'],
  preRegisteredClient: false,
  signIn: ['direct', 'facade', 'broker'],
  acceptsAudience: true,
  // Hosts send resource=<MCP URL>. With the Resource Parameter Compatibility Profile Auth0 maps it
  // onto the API whose Identifier equals it; without, the tenant's Default Audience applies. The
  // broker signs users in itself and names the API with audience=, so neither setting matters.
  setupNote: ({ resource, audiences, signIn }) =>
    signIn === 'broker'
      ? undefined
      : audiences[0] === resource
      ? `Auth0: hosts send resource=${resource}; turn on the Resource Parameter Compatibility Profile so it selects the API whose Identifier is exactly that URL (AUTH_SETUP.md, step 2).`
      : `Auth0: the audience ${audiences[0]} is not the MCP URL, so the resource=${resource} hosts send cannot select it: make ${audiences[0]} the tenant's Default Audience and leave the Resource Parameter Compatibility Profile off (AUTH_SETUP.md, step 2).`,
};
