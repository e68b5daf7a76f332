/**
 * Keycloak: a realm's issuer is `https://{domain}/realms/{realm}` (Keycloak 17 and later); older
 * or `--http-relative-path` deployments use `/auth/realms/{realm}`, recognised when given with
 * `--issuer`. Access tokens carry only `account` in `aud` until an Audience mapper adds this
 * server's; realm roles (`realm_access.roles`) and client roles (`resource_access`) count as scopes.
 */
import { isHostname, stripToHost } from './validate.js';
import type { Provider } from './types.js';

const REALM = /^[A-Za-z0-9._-]{1,255}$/;

const ANONYMOUS_POLICIES = 'Keycloak Admin › Clients › Client registration › Anonymous access policies';
const ALLOW_ANONYMOUS = `Allow anonymous registration (${ANONYMOUS_POLICIES} › Trusted Hosts: turn off Host Sending Client Registration Request Must Match, since hosts register from their own servers, and list the hosts' redirect URI hosts), or pre-register a client`;

const objectOf = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
/** A roles claim read as the generated verifier's scopeList reads it: a space-separated string or an array of strings. */
const rolesOf = (value: unknown): string[] => {
  const roles = objectOf(value).roles;
  if (typeof roles === 'string') return roles.split(' ').filter(Boolean);
  return Array.isArray(roles) ? roles.filter((role): role is string => typeof role === 'string') : [];
};

/** Passing Trusted Hosts' sender check from here says nothing about the hosts' servers. */
const SENDER_CAVEAT = `This machine passed Trusted Hosts' sender check (it is off, or this machine's address is trusted); hosts register from their own servers, which it refuses unless it is off: turn off Host Sending Client Registration Request Must Match (${ANONYMOUS_POLICIES} › Trusted Hosts)`;

/** How Keycloak words an anonymous access policy's refusal (403 insufficient_scope). */
const POLICY_REFUSAL = /^Policy '([^']+)' rejected request to client-registration service\. Details: (.*)$/s;

export const keycloak: Provider<'keycloak'> = {
  id: 'keycloak',
  name: 'Keycloak',
  hint: 'a Keycloak realm',
  fields: [
    {
      key: 'domain',
      buildsIssuer: true,
      flag: '--domain',
      message: 'Keycloak host (and port, if not 443)',
      example: 'sso.example.com',
      normalize: (value) => stripToHost(value.replace(/\/(auth\/)?realms\/.*$/i, '')),
      validate: (value) => {
        const [host, port, extra] = value.split(':');
        const portOk = port === undefined || (/^\d{1,5}$/.test(port) && Number(port) > 0 && Number(port) < 65536);
        return host && isHostname(host) && portOk && extra === undefined ? true : `"${value}" is not a host name (with an optional :port), e.g. sso.example.com.`;
      },
    },
    {
      key: 'realm',
      buildsIssuer: true,
      flag: '--realm',
      message: 'Keycloak realm',
      example: 'main',
      normalize: (value) => value.trim(),
      validate: (value) => (REALM.test(value) ? true : `"${value}" is not a realm name; copy it from the realm selector of the Keycloak admin console (letters, digits, . _ -).`),
    },
  ],
  buildIssuer: (input) => `https://${input.domain}/realms/${input.realm}`,
  // Both the current and the legacy /auth/realms/{realm} form.
  parseIssuer: (issuer) => {
    const match = /^(?:\/auth)?\/realms\/([^/]+)\/?$/.exec(issuer.pathname);
    return { domain: issuer.host, ...(match ? { realm: decodeURIComponent(match[1]!) } : {}) };
  },
  checkIssuer(issuer) {
    return /^(?:\/auth)?\/realms\/[^/]+$/.test(new URL(issuer).pathname)
      ? true
      : 'A Keycloak issuer is https://{host}/realms/{realm} (or https://{host}/auth/realms/{realm} on older servers), without a trailing slash.';
  },
  defaultAudiences: (_input, resource, audience) => [audience ?? resource],
  defaultScopes: () => ['mcp:tools'],
  // Anonymous dynamic registration works once a Client Registration Policy allows it (AUTH_SETUP.md).
  preRegisteredClient: false,
  signIn: ['direct', 'facade'],
  acceptsAudience: true,
  doctor: {
    recognizes: (issuer) => /\/realms\/[^/]+/.test(issuer.pathname),
    scopeClaims: ['scope'],
    // As the generated verifier counts them: realm roles as they are, client roles as {client}:{role}.
    roleScopes: (claims) => [
      { claim: 'realm_access.roles', scopes: rolesOf(claims.realm_access) },
      ...Object.entries(objectOf(claims.resource_access)).map(([client, access]) => ({ claim: `resource_access.${client}.roles`, scopes: rolesOf(access).map((role) => `${client}:${role}`) })),
    ].filter((granted) => granted.scopes.length > 0),
    appendOnlyDiscovery: true,
    refusesChatGptCimd: {
      summary:
        "Keycloak advertises Client ID Metadata Documents, which ChatGPT uses first, but its CIMD executor refuses ChatGPT's document (ChatGPT lists token_endpoint_auth_methods_supported, the OpenID Connect RP Metadata Choices form, not token_endpoint_auth_method)",
      fix: "When you create the app in ChatGPT, choose dynamic client registration (ChatGPT lets you when both are offered), or turn off the realm's client metadata document support so hosts register by DCR",
    },
    // Anonymous registrations pass the realm's anonymous access policies before their metadata is
    // validated, so what matters is which check refused the probe's invalid redirect URI. Trusted
    // Hosts' sender check judges this machine's address, not the hosts' servers.
    registrationProbe: ({ status, error, description }) => {
      if (status === 400 && (error === 'invalid_redirect_uri' || error === 'invalid_client_metadata')) {
        return { verdict: 'open', summary: `Anonymous registration is allowed from this machine: every anonymous access policy let the probe through, and Keycloak refused only its invalid metadata (${error})`, details: [SENDER_CAVEAT] };
      }
      const refusal = status === 403 && description !== undefined ? POLICY_REFUSAL.exec(description) : null;
      if (!refusal) return undefined;
      const policy = refusal[1]!;
      const details = refusal[2]!;
      if (details.startsWith('Host not trusted')) {
        return {
          verdict: 'protected',
          summary: `Keycloak's ${policy} policy refused the registration for the host it came from (Host Sending Client Registration Request Must Match is on); hosts register from their own servers, so it refuses them too`,
          fix: ALLOW_ANONYMOUS,
        };
      }
      if (/^UR[IL] (is malformed|doesn't match any trusted host)/.test(details)) {
        return {
          verdict: 'open',
          summary: `Anonymous registration is allowed from this machine: Keycloak's ${policy} policy let it through and refused only the probe's invalid redirect URI ("${details}")`,
          details: [SENDER_CAVEAT, `List the hosts' redirect URI hosts (chatgpt.com, claude.ai, …) in ${policy}; policies after it (Max Clients Limit, Allowed Client Scopes) were not reached`],
        };
      }
      if (/max \d+ clients/i.test(details)) {
        return {
          verdict: 'protected',
          summary: `Keycloak's ${policy} policy refuses new clients: "${details}"; every host that connects registers one`,
          fix: `Raise the limit (${ANONYMOUS_POLICIES} › ${policy}), or delete clients that hosts registered and no longer use`,
        };
      }
      return { verdict: 'protected', summary: `Keycloak's ${policy} policy refused the anonymous registration: "${details}"`, fix: `Adjust ${policy} (${ANONYMOUS_POLICIES}), or pre-register a client` };
    },
    // Until an Audience mapper adds this server's, tokens carry only `account`.
    tokenAudience: ({ aud, expected, matched, summary }) =>
      !matched && aud.includes('account')
        ? {
            summary: `${summary} (account is Keycloak's default audience)`,
            fix: `Add an Audience mapper with Included Custom Audience ${expected[0]} on a realm default client scope (Keycloak Admin › Client scopes › Create client scope, type Default › Mappers › By configuration › Audience), so clients hosts register get it too; a client's dedicated scope reaches that client only`,
          }
        : undefined,
    fixes: {
      'registration.register-client': ({ redirect }) =>
        `Create a client (Keycloak Admin › Clients › Create client) with redirect URI ${redirect} and paste its client id into the MCP client, or allow anonymous registration (Clients › Client registration › Anonymous access policies › Trusted Hosts: turn off Host Sending Client Registration Request Must Match and list the hosts' redirect URI hosts)`,
      'registration.protected': ALLOW_ANONYMOUS,
      'discovery.not-found': 'Check the realm name (case-sensitive) and whether this Keycloak uses the legacy /auth prefix (https://host/auth/realms/{realm})',
      'issuer-echo.origin':
        'Keycloak builds the issuer from the request’s host: set its public URL (--hostname=https://sso.example.com, KC_HOSTNAME; behind a proxy also --proxy-headers=xforwarded) so every client sees the same issuer, then configure that issuer',
      'endpoints.public-url':
        'Set Keycloak’s public URL: start it with --hostname=https://sso.example.com (KC_HOSTNAME) and, behind a reverse proxy, --proxy-headers=xforwarded; it builds every endpoint from that',
      'jwks.no-signing-key': 'Add an active RS256 signing key (Keycloak Admin › Realm settings › Keys › Providers › rsa-generated)',
      'token-issuer.mismatch': 'Keycloak puts the host the client reached it by into iss: set its public URL (--hostname=https://sso.example.com, KC_HOSTNAME) so tokens and the configured issuer agree',
      'token-lifetime.long': 'Lower Access Token Lifespan to 1 hour or less (Keycloak Admin › Realm settings › Tokens)',
      'token-scopes.missing':
        'Create a client scope with that name and add it to the client’s default or optional client scopes (Keycloak Admin › Clients › your client › Client scopes), or, for a role, grant the user that role: a realm role counts as its name, a client role as {client}:{role}; Keycloak puts scopes in scope',
      'token-header.symmetric': 'Make an RS256 key active and the realm default (Keycloak Admin › Realm settings › Keys), and keep the client’s access token signature algorithm at RS256',
      'token-header.unknown-kid': ({ issuer }) => `Get a token from the realm of ${issuer}; a token from another realm is signed with that realm's keys`,
    },
  },
};
