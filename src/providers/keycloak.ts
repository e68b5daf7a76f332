/**
 * Keycloak: a realm's issuer is `https://{domain}/realms/{realm}` (Keycloak 17 and later); older
 * or `--http-relative-path` deployments use `/auth/realms/{realm}`, recognised when given with
 * `--issuer`. Access tokens carry only `account` in `aud` until an Audience mapper adds this
 * server's; realm roles (`realm_access.roles`) and client roles (`resource_access`) count as scopes.
 */
import { isHostname, stripToHost } from './validate.js';
import type { Provider } from './types.js';

const REALM = /^[A-Za-z0-9._-]{1,255}$/;

export const keycloak: Provider = {
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
};
