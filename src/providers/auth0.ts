/**
 * Auth0: the issuer is `https://{domain}/` with a trailing slash, exactly as Auth0 issues it.
 * The token's `aud` must contain the API Identifier, which should be the MCP URL itself, so the
 * RFC 8707 `resource` ChatGPT sends maps onto it (Resource Parameter Compatibility Profile).
 */
import { isHostname, stripToHost } from './validate.js';
import type { TokenAudience, TokenDiagnosis } from './doctor.js';
import type { Provider } from './types.js';

/** What doctor knows of the audience a token is for: the accepted ones and the MCP URL. */
interface AudienceExpectations {
  audiences?: string[];
  resource?: string;
}

/** Auth0 Dashboard paths of the two settings that pick a token's audience. */
export const AUTH0_PROFILE = 'Resource Parameter Compatibility Profile (Auth0 Dashboard › Settings › Advanced)';
export const AUTH0_DEFAULT_AUDIENCE = "tenant's Default Audience (Auth0 Dashboard › Settings › General › API Authorization Settings)";

/**
 * How a host's token gets this project's audience at Auth0 (templates/providers/auth0/AUTH_SETUP.md.hbs,
 * step 2). Hosts send `resource=<MCP URL>`, never Auth0's `audience`: with the Resource Parameter
 * Compatibility Profile that selects the API whose Identifier equals it, so an audience that is the
 * MCP URL needs the `profile`; any other audience reaches tokens only as the tenant's
 * `default-audience` (with the profile off). Undefined while the audience or the MCP URL is unknown.
 */
export function auth0AudienceRoute(expect: AudienceExpectations): 'profile' | 'default-audience' | undefined {
  const audience = expect.audiences?.[0];
  if (audience === undefined || expect.resource === undefined) return undefined;
  return expect.audiences!.includes(expect.resource) ? 'profile' : 'default-audience';
}

/** A token for another API: create this project's and select it the way its audience needs (see auth0AudienceRoute). */
function audienceFix(expect: AudienceExpectations, audience: string): string {
  const create = `Create an API whose Identifier is ${audience} (Auth0 Dashboard › Applications › APIs)`;
  switch (auth0AudienceRoute(expect)) {
    case 'default-audience':
      return `${create} and make it the ${AUTH0_DEFAULT_AUDIENCE}, with the Resource Parameter Compatibility Profile off: hosts send resource=${expect.resource}, not audience, and ${audience} is not the MCP URL`;
    case 'profile':
      return `Create an API whose Identifier is exactly ${expect.resource}, the MCP URL (Auth0 Dashboard › Applications › APIs), and turn on the ${AUTH0_PROFILE}, so the resource hosts send selects it`;
    default:
      return `${create} and have the client request it (audience, or resource with the Resource Parameter Compatibility Profile)`;
  }
}

/** Auth0 issues a JWE or an opaque token when no API was selected: the setting that selects this project's (see auth0AudienceRoute). */
function apiFix(expect: AudienceExpectations): string {
  const audience = expect.audiences?.[0];
  switch (auth0AudienceRoute(expect)) {
    case 'default-audience':
      return `Auth0 issues a JWT access token only for a registered API, and hosts send resource=${expect.resource}, not audience: create an API whose Identifier is ${audience} (Auth0 Dashboard › Applications › APIs) and make it the ${AUTH0_DEFAULT_AUDIENCE}, with the Resource Parameter Compatibility Profile off (${audience} is not the MCP URL, so the profile cannot select it)`;
    case 'profile':
      return `Auth0 issues a JWT access token only for a registered API: create an API whose Identifier is exactly ${expect.resource}, the MCP URL (Auth0 Dashboard › Applications › APIs), and turn on the ${AUTH0_PROFILE} so the resource parameter MCP clients send selects it`;
    default:
      return 'Auth0 issues a JWT access token only for a registered API: create an API whose Identifier is your MCP URL (Auth0 Dashboard › Applications › APIs) and turn on the Resource Parameter Compatibility Profile (Settings › Advanced) so the resource parameter MCP clients send selects it';
  }
}

/**
 * A token whose aud lacks this project's audience, read as Auth0 picks audiences: only /userinfo
 * (no API was selected), the MCP URL (the profile mapped the hosts' resource onto another API), or
 * another API while this project's is the MCP URL (the Default Audience applied).
 */
function audienceDiagnosis({ aud, expected, matched, summary, expect }: TokenAudience): TokenDiagnosis | undefined {
  if (matched) return undefined;
  if (aud.length > 0 && aud.every((a) => a.endsWith('/userinfo'))) {
    // No API was selected: name the setting that selects this project's, as AUTH_SETUP.md does.
    const route = auth0AudienceRoute(expect);
    const fix =
      route === 'default-audience'
        ? `Make ${expected[0]} the ${AUTH0_DEFAULT_AUDIENCE}, with the Resource Parameter Compatibility Profile off: hosts send resource=${expect.resource}, not audience, and ${expected[0]} is not the MCP URL, so only the Default Audience gets them a token for it`
        : route === 'profile'
          ? `Turn on the ${AUTH0_PROFILE} with an API whose Identifier is exactly ${expect.resource}, the MCP URL: the resource hosts send then selects it`
          : `Request it for your API: audience=${expected[0]}, or enable the Resource Parameter Compatibility Profile (Auth0 Dashboard › Settings › Advanced) with an API whose Identifier is ${expected[0]}`;
    return { summary: `The token is only for Auth0's /userinfo (aud ${aud.join(' ')}), not for your API`, fix };
  }
  // Auth0 picks the audience one of two ways; a token for the other API says which one applied.
  const resource = expect.resource;
  if (resource !== undefined && !expected.includes(resource) && aud.includes(resource)) {
    return {
      summary: `${summary}: its aud is the MCP URL, so the Resource Parameter Compatibility Profile mapped the host's resource=${resource} onto an API whose Identifier is the MCP URL, while this project expects ${expected.join(' or ')}`,
      fix: `Either turn the Resource Parameter Compatibility Profile off and make ${expected[0]} the tenant's Default Audience (Auth0 Dashboard › Settings › General › API Authorization Settings), or use that API: npx create-fastapps auth --audience ${resource}`,
    };
  }
  if (resource !== undefined && expected.includes(resource) && aud.some((a) => !a.endsWith('/userinfo'))) {
    return {
      summary: `${summary}: Auth0 ignored the host's resource=${resource} and used the tenant's Default Audience (${aud.filter((a) => !a.endsWith('/userinfo')).join(' ')})`,
      fix: `Turn on the Resource Parameter Compatibility Profile (Auth0 Dashboard › Settings › Advanced) and create an API whose Identifier is exactly ${resource}, so resource maps onto it`,
    };
  }
  return undefined;
}

const SWITCH_TO_RS256 = 'Switch the API to RS256 (Auth0 Dashboard › Applications › APIs › your API › Settings › Signing Algorithm)';

export const auth0: Provider<'auth0'> = {
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
  doctor: {
    recognizes: (issuer) => issuer.hostname.endsWith('.auth0.com'),
    scopeClaims: ['scope', 'permissions'],
    tokenAudience: audienceDiagnosis,
    fixes: {
      'registration.register-client': ({ redirect }) =>
        `Create an application (Auth0 Dashboard › Applications › Create Application) with callback URL ${redirect} and paste its client id into the MCP client, or enable Dynamic Client Registration (Settings › Advanced)`,
      'registration.protected': 'Enable Dynamic Client Registration (Auth0 Dashboard › Settings › Advanced › Dynamic Client Registration), or pre-register a client',
      'token-auth-methods.no-public':
        'Auth0 omits "none" here but public clients work: create the application as Single Page Application or Native (Token Endpoint Authentication Method: None), or give the MCP client the client secret',
      'iss-parameter.unsupported': 'Turn on "Include Issuer in Authorization Responses" (Auth0 Dashboard › Settings › Advanced)',
      'discovery.not-found': 'Check the tenant domain (Auth0 Dashboard › Settings › Domain, or your custom domain); the issuer is https://{domain}/',
      'issuer.trailing-slash': ({ exactly }) => `Auth0 issues https://{domain}/ with a trailing slash: ${exactly}`,
      'jwks.no-signing-key': SWITCH_TO_RS256,
      'token-issuer.trailing-slash': ({ iss }) => `Auth0 issues tokens with iss https://{domain}/ (trailing slash): configure the issuer as exactly "${iss}"`,
      'token-issuer.mismatch': ({ iss, expected }) =>
        `Auth0 issues tokens under the domain the client signed in through (canonical or custom): use one domain everywhere — sign in through ${new URL(expected).host}, or configure the issuer as "${iss}"`,
      'token-audience.mismatch': ({ audience, expect }) => audienceFix(expect, audience),
      'token-lifetime.long': 'Lower the API’s Maximum Access Token Lifetime to 3600 seconds or less (Auth0 Dashboard › Applications › APIs › your API › Settings)',
      'token-scopes.missing':
        'Add the scope as a permission of the API (Auth0 Dashboard › Applications › APIs › your API › Permissions) and let the client request it; with RBAC, turn on Add Permissions in the Access Token (they arrive in permissions)',
      'token-shape.encrypted': ({ expect }) => apiFix(expect),
      'token-shape.opaque': ({ expect }) => apiFix(expect),
      'token-header.symmetric': SWITCH_TO_RS256,
    },
    hints: {
      'registration.endpoint-listed': 'Auth0 lists registration_endpoint even when Dynamic Client Registration is off (Settings › Advanced); doctor --probe confirms',
    },
  },
};
