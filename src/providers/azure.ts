/**
 * Microsoft Entra ID: a single-tenant v2 issuer `https://login.microsoftonline.com/{tenant}/v2.0`.
 * `common`, `organizations` and `consumers` publish a placeholder issuer (`{tenantid}`) that no
 * token carries, so they are refused. v2 access tokens carry the API app's client id in `aud`;
 * the Application ID URI is accepted too and qualifies the scopes clients request.
 */
import { GUID, isHostname } from './validate.js';
import type { Provider } from './types.js';

const MULTI_TENANT = new Set(['common', 'organizations', 'consumers']);

/** A v1 token (its sts.windows.net issuer, ver 1.0, an Application ID URI in aud): have the API issue v2 tokens. */
export const ENTRA_V1_FIX =
  'Set "requestedAccessTokenVersion": 2 in the API app\'s manifest (Entra admin center › App registrations › your API › Manifest; legacy name accessTokenAcceptedVersion), then sign in again for a new token';
const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);

export const azure: Provider<'azure'> = {
  id: 'azure',
  name: 'Microsoft Entra ID',
  hint: 'Microsoft Entra ID (Azure AD) tenant',
  fields: [
    {
      key: 'tenant',
      buildsIssuer: true,
      flag: '--tenant',
      message: 'Entra tenant (directory id or verified domain)',
      example: '9a95fd9e-005d-487a-9a01-d08c1eab2757',
      normalize: (value) => value.trim().toLowerCase(),
      validate: (value) => {
        if (MULTI_TENANT.has(value)) {
          return `"${value}" is a multi-tenant alias whose discovery document names the placeholder issuer https://login.microsoftonline.com/{tenantid}/v2.0, which no token carries; use your directory (tenant) id from Entra admin center › Overview.`;
        }
        return GUID.test(value) || isHostname(value) ? true : `"${value}" is not a tenant id (a GUID) or a verified domain such as contoso.onmicrosoft.com.`;
      },
    },
    {
      key: 'clientId',
      flag: '--client-id',
      message: 'Application (client) id of the API app registration',
      example: '3f1c9f5e-2b7a-4c8e-9d1a-6b2f0e4a7c11',
      normalize: (value) => value.trim().toLowerCase(),
      validate: (value) => (GUID.test(value) ? true : `"${value}" is not an application (client) id; copy the GUID from App registrations › your API › Overview.`),
    },
  ],
  buildIssuer: (input) => `https://login.microsoftonline.com/${input.tenant}/v2.0`,
  parseIssuer: (issuer) => ({ tenant: issuer.pathname.split('/')[1] ?? '' }),
  // Entra accepts a verified domain as the tenant, but its document names the tenant by id.
  adoptIssuer(configured, documentIssuer) {
    let from: URL;
    let to: URL;
    try {
      from = new URL(configured);
      to = new URL(documentIssuer);
    } catch {
      return undefined;
    }
    const [, tenant, version] = from.pathname.split('/');
    const [, tenantId, documentVersion, extra] = to.pathname.split('/');
    if (from.origin !== to.origin || version !== 'v2.0' || documentVersion !== 'v2.0' || extra !== undefined) return undefined;
    if (!tenant || GUID.test(tenant) || !isHostname(tenant) || !tenantId || !GUID.test(tenantId)) return undefined;
    return { issuer: documentIssuer, input: { tenant: tenantId } };
  },
  checkIssuer(issuer) {
    const tenant = new URL(issuer).pathname.split('/')[1] ?? '';
    if (MULTI_TENANT.has(tenant.toLowerCase()) || tenant === '{tenantid}') {
      return `The ${tenant} endpoint publishes a placeholder issuer that no token carries; use https://login.microsoftonline.com/<your-tenant-id>/v2.0.`;
    }
    if (new URL(issuer).hostname === 'sts.windows.net') {
      return 'https://sts.windows.net/... is the v1 token issuer; use the v2 issuer https://login.microsoftonline.com/<tenant-id>/v2.0 and set requestedAccessTokenVersion to 2 in the API app manifest.';
    }
    return true;
  },
  // The Application ID URI. Direct sign-in: hosts send the MCP URL as the RFC 8707 resource and
  // Entra refuses one that is not the Application ID URI of the scopes (AADSTS9010010), so on an
  // https server it is the MCP URL (Entra allows no http://localhost there: api://{client-id}).
  // Façade and broker: Entra never sees the hosts' resource (the façade drops it, the broker asks
  // with its own client), so api://{client-id}, which any tenant can set, unlike an https URI
  // (verified domains only: a tunnel or *.azurewebsites.net cannot be one, AADSTS500011).
  defaultAudiences: (input, resource, audience, signIn = azure.signIn[0]) => {
    const clientId = input.clientId?.[0] ?? '';
    const appIdUri = audience ?? (signIn === 'direct' && resource.startsWith('https://') ? resource : `api://${clientId}`);
    return [clientId, appIdUri];
  },
  defaultScopes: (_input, _resource, audiences) => [`${(audiences[1] ?? '').replace(/\/$/, '')}/mcp.tools`],
  // Typed as the portal shows them (Widgets.Read) or qualified (api://…/Widgets.Read): stored
  // qualified, the form hosts must request (a bare one is looked up on Microsoft Graph,
  // AADSTS650053) and the form the server compares the token's scp in.
  normalizeScopes: (scopes, audiences) => {
    const appIdUri = (audiences[1] ?? '').replace(/\/$/, '');
    return scopes.map((scope) => (appIdUri && !scope.includes('/') && !OIDC_SCOPES.has(scope) ? `${appIdUri}/${scope}` : scope));
  },
  // AUTH_SETUP.md: the Application ID URI to set (the second audience), and api://{client-id},
  // the one Entra proposes and any tenant can set.
  templateData: ({ audiences, clientIds }) => ({ appIdUri: audiences[1] ?? '', clientAppIdUri: `api://${clientIds[0] ?? ''}` }),
  preRegisteredClient: true,
  acceptsAudience: true,
  // The audiences are [client id, Application ID URI]: --audience and the prompt set the URI.
  typedAudience: { index: 1, message: 'Application ID URI' },
  // An Application ID URI that does not suit the sign-in mode: said when it is chosen, and by
  // `auth`, which keeps one recorded by an earlier version (the MCP URL, then the default).
  setupNote: ({ resource, audiences, signIn }) => {
    const appIdUri = audiences[1];
    const clientUri = `api://${audiences[0] ?? ''}`;
    if (!appIdUri || !resource.startsWith('https://')) return undefined;
    if (signIn === 'direct') {
      return appIdUri === resource
        ? undefined
        : `Entra: with direct sign-in hosts send resource=${resource}, which Entra refuses unless it is the Application ID URI of the scopes (AADSTS9010010), and this project's is ${appIdUri} (AUTH_SETUP.md, step 1).`;
    }
    return appIdUri === resource
      ? `Entra: the Application ID URI is the MCP URL ${resource}, which Entra allows only on a verified domain; the ${signIn === 'facade' ? 'façade' : 'broker'} does not need it, and --audience ${clientUri} would work on any host (AUTH_SETUP.md, step 1).`
      : undefined;
  },
  // Entra publishes no code_challenge_methods_supported (ChatGPT and Claude refuse its metadata)
  // and rejects a resource that is not the Application ID URI (AADSTS9010010): the façade by default.
  signIn: ['facade', 'direct', 'broker'],
  doctor: {
    name: 'Entra ID',
    recognizes: (issuer) => issuer.hostname === 'login.microsoftonline.com' || issuer.hostname === 'sts.windows.net',
    scopeClaims: ['scp', 'roles'],
    // v2 tokens carry the API's client id in aud; a v1 token fails even with an accepted aud.
    tokenAudience: ({ claims, aud, matched, summary }) => {
      if (claims['ver'] === '1.0') return { summary: `The token is an Entra v1 token (ver 1.0, aud ${aud.join(' ')}); the server accepts v2 tokens, whose aud is the API's client id`, fix: ENTRA_V1_FIX };
      if (!matched && aud.some((a) => a.startsWith('api://'))) return { summary: `${summary}: an Application ID URI in aud means an Entra v1 token`, fix: ENTRA_V1_FIX };
      return undefined;
    },
    appendOnlyDiscovery: true,
    shortScopeGrants: true,
    fixes: {
      'pkce.unadvertised': ({ facade }) => `Entra ID accepts S256 but doesn't advertise it, and its metadata can't be changed: ${facade} (the default for Entra ID)`,
      'registration.register-client': ({ redirect }) =>
        `Register a client app (Entra admin center › App registrations › New registration) with redirect URI ${redirect} and permission to your API's scopes, and paste its client id (and secret) into the MCP client`,
      'discovery.not-found': 'Check the tenant id (Entra admin center › Overview › Tenant ID); the issuer is https://login.microsoftonline.com/{tenant-id}/v2.0',
      'metadata.placeholder-issuer':
        'Use your own tenant: https://login.microsoftonline.com/<tenant-id>/v2.0 (Entra admin center › Overview › Tenant ID); a multi-tenant API must instead check iss per token by substituting its tid and allow-listing tenants',
      'token-issuer.mismatch': ({ expected }) => `The token comes from another tenant or endpoint: sign in through ${expected}, or configure that tenant's issuer`,
      'token-audience.mismatch': ({ audience }) => `Request a scope of your API ({Application ID URI}/mcp.tools): its v2 tokens carry the API's client id ${audience} in aud`,
      'token-lifetime.long': 'Entra access tokens live 60–90 minutes by default: remove the token lifetime policy that lengthens them (Microsoft Graph tokenLifetimePolicies)',
      'token-scopes.missing':
        'Expose the scope (Entra admin center › App registrations › your API › Expose an API) and request it as {Application ID URI}/{scope}; Entra puts delegated scopes in scp without that prefix, app roles in roles',
      'token-header.unknown-kid': ({ issuer }) => `Get a token from the tenant of ${issuer} (a token from another tenant, or a Graph token, has other keys)`,
    },
    hints: {
      'prm.short-scopes': ({ scopes }) => `Entra scopes must be requested fully qualified ({Application ID URI}/{scope}); ${scopes.join(', ')} would be resolved against Microsoft Graph (AADSTS650053)`,
    },
  },
};
