/**
 * What the token checks (AUTH-FACTS 35–41) see: the decoded token, its signature verdict, the
 * issuer's keys, and what the configuration expects; plus where each provider puts scopes.
 */
import type { ScopeImplications } from './scope-implies.js';
import type { JWTPayload } from 'jose';
import type { Flavor, ProviderId } from '../../issuer/types.js';
import type { DecodedToken, SignatureOutcome } from './decode.js';

/** What a token must carry to be accepted (unknown values are left undefined and reported as info). */
export interface TokenExpectations {
  /** The issuer tokens must come from; undefined when none was configured. */
  issuer?: string;
  /** Accepted `aud` values. */
  audiences?: string[];
  /** Accepted client ids (Cognito binds tokens by `client_id`). */
  clientIds?: string[];
  /** Scopes a token needs. */
  scopes?: string[];
  provider?: ProviderId;
  /** The MCP URL, which hosts send as the RFC 8707 `resource` (Auth0: which audience setting applied). */
  resource?: string;
  /** Scope hierarchies (`OAUTH_SCOPE_IMPLIES`): a broader granted scope covers the narrower ones. */
  implies?: ScopeImplications;
}

/** Everything the token checks need. */
export interface TokenContext {
  token: DecodedToken;
  signature?: SignatureOutcome;
  /** The issuer's key set: its URI and every usable key's kid. */
  keys?: { uri: string; kids: string[] };
  flavor: Flavor;
  expect: TokenExpectations;
  /** Now, in seconds since the epoch. */
  now: number;
  /** The MCP server's clock minus this machine's, in seconds (from its `Date` header), when known. */
  serverClockSkew?: number;
}

/**
 * How a host's token gets this project's audience at Auth0 (templates/providers/auth0/AUTH_SETUP.md.hbs,
 * step 2). Hosts send `resource=<MCP URL>`, never Auth0's `audience`: with the Resource Parameter
 * Compatibility Profile that selects the API whose Identifier equals it, so an audience that is the
 * MCP URL needs the `profile`; any other audience reaches tokens only as the tenant's
 * `default-audience` (with the profile off). Undefined while the audience or the MCP URL is unknown.
 */
export function auth0AudienceRoute(expect: TokenExpectations): 'profile' | 'default-audience' | undefined {
  const audience = expect.audiences?.[0];
  if (audience === undefined || expect.resource === undefined) return undefined;
  return expect.audiences!.includes(expect.resource) ? 'profile' : 'default-audience';
}

/** Auth0 Dashboard paths of the two settings. */
export const AUTH0_PROFILE = 'Resource Parameter Compatibility Profile (Auth0 Dashboard › Settings › Advanced)';
export const AUTH0_DEFAULT_AUDIENCE = "tenant's Default Audience (Auth0 Dashboard › Settings › General › API Authorization Settings)";

/** Allowed clock skew for `nbf`/`iat`, seconds. */
export const CLOCK_SKEW_SECONDS = 60;
/** Longest lifetime that doesn't warn (SPEC §5: the FastApps guide's advice), seconds. */
export const MAX_LIFETIME_SECONDS = 3600;

/** A space-separated string or an array of strings, as a list. */
export function listOf(value: unknown): string[] {
  if (typeof value === 'string') return value.split(' ').filter(Boolean);
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

/** The claims each provider family puts scopes in (the generated verifiers read the same ones). */
export const SCOPE_CLAIMS: Record<Flavor, string[]> = {
  auth0: ['scope', 'permissions'],
  okta: ['scp', 'scope'],
  azure: ['scp', 'roles'],
  cognito: ['scope'],
  keycloak: ['scope'],
  workos: ['scope'],
  generic: ['scope', 'scp'],
};

/** Granted scopes and the claims they came from. */
export function grantedScopes(claims: JWTPayload, flavor: Flavor): { scopes: string[]; sources: string[] } {
  const sources: string[] = [];
  const scopes: string[] = [];
  for (const claim of SCOPE_CLAIMS[flavor]) {
    const values = listOf(claims[claim]);
    if (values.length === 0) continue;
    sources.push(`${claim}: ${values.join(' ')}`);
    scopes.push(...values);
  }
  return { scopes: [...new Set(scopes)], sources };
}

/**
 * Whether `required` is granted. Entra puts delegated scopes in `scp` without the Application ID
 * URI they are requested with (`api://…/mcp.tools` arrives as `mcp.tools`), so for Entra the last
 * path segment counts too.
 */
export function hasScope(granted: string[], required: string, flavor: Flavor): boolean {
  if (granted.includes(required)) return true;
  return flavor === 'azure' && required.includes('/') && granted.includes(required.slice(required.lastIndexOf('/') + 1));
}

/** Microsoft Graph's audience values. */
export const GRAPH_AUDIENCES = ['00000003-0000-0000-c000-000000000000', 'https://graph.microsoft.com', 'https://graph.microsoft.com/'];
