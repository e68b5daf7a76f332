/**
 * Stable ids of the issuer checks (used by `--json` consumers and `--skip`), in report order, and
 * the subset whose failure stops `create` from writing a project.
 */

/** AUTH-FACTS 1: absolute https URL (http only on localhost), no query/fragment, not a well-known URL. */
export const ISSUER_URL = 'issuer.url-syntax';
/** AUTH-FACTS 3: an Okta issuer must be a custom authorization server (`/oauth2/{id}`). */
export const OKTA_ORG_SERVER = 'issuer.okta-org-server';
/** AUTH-FACTS 4: which well-known candidates answer with a valid document. */
export const DISCOVERY_RESOLUTION = 'discovery.resolution';
/** AUTH-FACTS 5: the chosen document is served without redirects (never to another host). */
export const DISCOVERY_REDIRECTS = 'discovery.redirects';
/** AUTH-FACTS 6: `Content-Type: application/json` and a reasonable size. */
export const DISCOVERY_CONTENT_TYPE = 'discovery.content-type';
/** AUTH-FACTS 7: discovery and JWKS latency. */
export const DISCOVERY_LATENCY = 'discovery.latency';
/** AUTH-FACTS 9: `{tenantid}`-style placeholder issuers (Entra common/organizations). */
export const MULTI_TENANT_PLACEHOLDER = 'discovery.multi-tenant-placeholder';
/** AUTH-FACTS 8: the document's `issuer` equals the configured issuer byte for byte. */
export const ISSUER_ECHO = 'discovery.issuer-echo';
/** AUTH-FACTS 10: issuer, authorization/token endpoints, jwks_uri, response type `code`. */
export const REQUIRED_FIELDS = 'discovery.required-fields';
/** AUTH-FACTS 11: endpoint URLs are https and public. */
export const ENDPOINT_URLS = 'discovery.endpoint-urls';
/** AUTH-FACTS 12: `code_challenge_methods_supported` lists S256. */
export const PKCE = 'metadata.pkce';
/** AUTH-FACTS 13: CIMD, dynamic registration, or a pre-registered client. */
export const REGISTRATION = 'metadata.registration';
/** AUTH-FACTS 14 (opt-in): the registration endpoint accepts anonymous requests. */
export const REGISTRATION_PROBE = 'metadata.registration-probe';
/** AUTH-FACTS 43 (info): the redirect URIs the authorization server must allow (the hosts', or the broker's callback). */
export const REDIRECT_URIS = 'metadata.redirect-uris';
/** AUTH-FACTS 15: `none` or `private_key_jwt` token endpoint authentication. */
export const TOKEN_AUTH_METHODS = 'metadata.token-auth-methods';
/** AUTH-FACTS 16: advertised scopes that clients will request. */
export const SCOPES = 'metadata.scopes';
/** AUTH-FACTS 17: RFC 9207 `iss` in authorization responses. */
export const ISS_PARAMETER = 'metadata.iss-parameter';
/** SPEC §9: the provider can sit behind the façade sign-in (no RFC 9207 `iss` of its own). */
export const SIGN_IN_FACADE = 'signin.facade';
/** SPEC §9: the provider can sign users in for the broker (code flow, token endpoint, client secret). */
export const SIGN_IN_BROKER = 'signin.broker';
/** AUTH-FACTS 18: the JWKS answers with a non-empty key set. */
export const JWKS_REACHABLE = 'jwks.reachable';
/** AUTH-FACTS 19: at least one usable asymmetric signing key. */
export const JWKS_SIGNING_KEYS = 'jwks.signing-keys';
/** AUTH-FACTS 19: no symmetric or private key material published. */
export const JWKS_NO_SECRETS = 'jwks.no-secret-keys';
/** AUTH-FACTS 20: `kid` present and unique. */
export const JWKS_KIDS = 'jwks.kid-hygiene';
/** AUTH-FACTS 21: `Cache-Control` of the JWKS. */
export const JWKS_CACHING = 'jwks.caching';

/** Every check id, in report order. */
export const CHECK_IDS = [
  ISSUER_URL,
  OKTA_ORG_SERVER,
  DISCOVERY_RESOLUTION,
  DISCOVERY_REDIRECTS,
  DISCOVERY_CONTENT_TYPE,
  DISCOVERY_LATENCY,
  MULTI_TENANT_PLACEHOLDER,
  ISSUER_ECHO,
  REQUIRED_FIELDS,
  ENDPOINT_URLS,
  PKCE,
  REGISTRATION,
  REGISTRATION_PROBE,
  REDIRECT_URIS,
  TOKEN_AUTH_METHODS,
  SCOPES,
  ISS_PARAMETER,
  SIGN_IN_FACADE,
  SIGN_IN_BROKER,
  JWKS_REACHABLE,
  JWKS_SIGNING_KEYS,
  JWKS_NO_SECRETS,
  JWKS_KIDS,
  JWKS_CACHING,
] as const;

/** A check id. */
export type CheckId = (typeof CHECK_IDS)[number];

/**
 * Checks whose `fail` must stop `create` (and `auth`) before anything is written: the issuer can't
 * be used at all. Everything else (PKCE not advertised, no registration path, auth methods, scopes,
 * latency, kid hygiene, caching, …) informs but never blocks.
 */
export const BLOCKING_IDS: ReadonlySet<string> = new Set<CheckId>([
  ISSUER_URL,
  OKTA_ORG_SERVER,
  DISCOVERY_RESOLUTION,
  DISCOVERY_REDIRECTS,
  MULTI_TENANT_PLACEHOLDER,
  ISSUER_ECHO,
  REQUIRED_FIELDS,
  SIGN_IN_FACADE,
  SIGN_IN_BROKER,
  JWKS_REACHABLE,
  JWKS_SIGNING_KEYS,
]);
