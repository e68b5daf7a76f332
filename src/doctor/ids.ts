/**
 * Stable ids of the checks `doctor` adds to the issuer checks of `src/issuer/check-ids.ts` (used by
 * `--json` consumers and `--skip`), in report order, with the AUTH-FACTS item each implements.
 */
import { CHECK_IDS } from '../issuer/check-ids.js';

/** AUTH-FACTS 2: the provider's fields (`--domain`, `--tenant`, `--user-pool`, …) make sense together. */
export const INPUT_PROVIDER_FIELDS = 'input.provider-fields';
/** `fastapps.json` says `create` skipped the issuer check (`--skip-issuer-check`): it is owed, and done now. */
export const PROJECT_ISSUER_CHECK_OWED = 'project.issuer-check-owed';
/** AUTH-FACTS 42: the project's own code (src/, short of src/auth/) forwards no bearer token it received. */
export const PROJECT_TOKEN_PASSTHROUGH = 'project.token-passthrough';

/** AUTH-FACTS 22: the MCP URL is canonical (https, lower-case host, a path, no slash, query or fragment) and public. */
export const SERVER_URL = 'server.url';
/** AUTH-FACTS 23: a request without credentials gets 401 (or, in mixed mode, 200 with protected tools declared). */
export const SERVER_UNAUTHENTICATED = 'server.unauthenticated';
/** AUTH-FACTS 24: the 401 carries `WWW-Authenticate: Bearer resource_metadata="…"` (and `scope`). */
export const SERVER_CHALLENGE = 'server.challenge';
/** AUTH-FACTS 25: browser clients may send `Authorization` and read `WWW-Authenticate` (CORS). */
export const SERVER_CORS = 'server.cors';
/** AUTH-FACTS 26: protected resource metadata at the challenge URL, the path-aware URL and the root. */
export const SERVER_PRM_REACHABLE = 'server.prm-reachable';
/** AUTH-FACTS 27: the metadata's `resource` is byte-identical to the MCP URL. */
export const SERVER_PRM_RESOURCE = 'server.prm-resource';
/** AUTH-FACTS 28: `authorization_servers[0]` is byte-identical to that server's metadata `issuer`. */
export const SERVER_PRM_AUTHORIZATION_SERVERS = 'server.prm-authorization-servers';
/** AUTH-FACTS 29: `scopes_supported` present, minimal, covering the challenge and tool scopes. */
export const SERVER_PRM_SCOPES = 'server.prm-scopes';
/** AUTH-FACTS 30: a mirror of the authorization server metadata on the MCP origin matches the real one. */
export const SERVER_AS_MIRROR = 'server.as-mirror';
/** SPEC §9: the authorization server hosts see accepts them (S256, issuer, a registration path); a façade's pass-through endpoints answer. */
export const SERVER_SIGN_IN = 'server.sign-in';
/** AUTH-FACTS 31: a bad token and a query-string token get 401 `invalid_token` (never 500, never accepted). */
export const SERVER_BAD_TOKEN = 'server.bad-token';
/** With `--token`: the server accepts the token (and says why not when it doesn't). */
export const SERVER_TOKEN_ACCEPTED = 'server.token-accepted';
/** AUTH-FACTS 32: a valid token without a required scope gets 403 `insufficient_scope`. */
export const SERVER_INSUFFICIENT_SCOPE = 'server.insufficient-scope';
/** AUTH-FACTS 33: every tool declares `securitySchemes` (top level or `_meta`), scopes within the metadata's. */
export const SERVER_SECURITY_SCHEMES = 'server.security-schemes';
/** AUTH-FACTS 34: an anonymous call of an `oauth2` tool returns `_meta["mcp/www_authenticate"]` (mixed mode). */
export const SERVER_TOOL_CHALLENGE = 'server.tool-challenge';

/** AUTH-FACTS 35: a signed JWT (3 segments), not a JWE or an opaque token. */
export const TOKEN_SHAPE = 'token.shape';
/** AUTH-FACTS 36: asymmetric `alg`, a `kid` the issuer publishes, no Microsoft Graph `nonce`. */
export const TOKEN_HEADER = 'token.header';
/** AUTH-FACTS 36: the signature verifies with the issuer's published key. */
export const TOKEN_SIGNATURE = 'token.signature';
/** AUTH-FACTS 37: `iss` equals the configured issuer byte for byte. */
export const TOKEN_ISSUER = 'token.issuer';
/** AUTH-FACTS 38: `aud` (or Cognito's `client_id` + `token_use`) binds the token to this server. */
export const TOKEN_AUDIENCE = 'token.audience';
/** AUTH-FACTS 39 and SPEC §5: `exp`/`nbf`/`iat` valid now; lifetime at most an hour. */
export const TOKEN_LIFETIME = 'token.lifetime';
/** AUTH-FACTS 40: the required scopes are in the claim the provider uses. */
export const TOKEN_SCOPES = 'token.scopes';
/** AUTH-FACTS 41: the `typ` header (RFC 9068 `at+jwt` or plain `JWT`). */
export const TOKEN_TYPE = 'token.type';

/** The input checks, in report order. */
export const INPUT_IDS = [INPUT_PROVIDER_FIELDS, PROJECT_ISSUER_CHECK_OWED, PROJECT_TOKEN_PASSTHROUGH] as const;

/** The server checks, in report order. */
export const SERVER_IDS = [
  SERVER_URL,
  SERVER_UNAUTHENTICATED,
  SERVER_CHALLENGE,
  SERVER_CORS,
  SERVER_PRM_REACHABLE,
  SERVER_PRM_RESOURCE,
  SERVER_PRM_AUTHORIZATION_SERVERS,
  SERVER_PRM_SCOPES,
  SERVER_AS_MIRROR,
  SERVER_SIGN_IN,
  SERVER_BAD_TOKEN,
  SERVER_TOKEN_ACCEPTED,
  SERVER_INSUFFICIENT_SCOPE,
  SERVER_SECURITY_SCHEMES,
  SERVER_TOOL_CHALLENGE,
] as const;

/** The token checks, in report order. */
export const TOKEN_IDS = [TOKEN_SHAPE, TOKEN_HEADER, TOKEN_SIGNATURE, TOKEN_ISSUER, TOKEN_AUDIENCE, TOKEN_LIFETIME, TOKEN_SCOPES, TOKEN_TYPE] as const;

/** A server check id. */
export type ServerCheckId = (typeof SERVER_IDS)[number];
/** A token check id. */
export type TokenCheckId = (typeof TOKEN_IDS)[number];

/** Every id doctor can report, in report order: input, issuer, server, token. */
export const ALL_IDS: readonly string[] = [...INPUT_IDS, ...CHECK_IDS, ...SERVER_IDS, ...TOKEN_IDS];

/** The groups `--skip` accepts besides single ids: every id starting with `<group>.`. */
export const SKIP_GROUPS: readonly string[] = [...new Set(ALL_IDS.map((id) => id.slice(0, id.indexOf('.'))))];

/** The report section an id belongs to. */
export type Section = 'input' | 'issuer' | 'server' | 'token';

/** Which section a finding id is shown under. */
export function sectionOf(id: string): Section {
  if (id.startsWith('input.') || id.startsWith('project.')) return 'input';
  if (id.startsWith('server.')) return 'server';
  if (id.startsWith('token.')) return 'token';
  return 'issuer';
}
