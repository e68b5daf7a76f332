/**
 * What the token checks (AUTH-FACTS 35–41) see: the decoded token, its signature verdict, the
 * issuer's keys, and what the configuration expects; plus where each provider puts scopes.
 */
import type { ScopeImplications } from './scope-implies.js';
import type { JWTPayload } from 'jose';
import type { Flavor, ProviderId } from '../../issuer/types.js';
import type { DecodedToken, SignatureOutcome } from './decode.js';
import { familyDoctor } from '../../issuer/flavor.js';

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

/** The claims scopes are read from when the family's module names none (`doctor.scopeClaims`). */
const DEFAULT_SCOPE_CLAIMS: readonly string[] = ['scope', 'scp'];

/** The claims the provider family puts scopes in (the generated verifiers read the same ones). */
export function scopeClaims(flavor: Flavor): readonly string[] {
  return familyDoctor(flavor)?.scopeClaims ?? DEFAULT_SCOPE_CLAIMS;
}

/** Granted scopes and the claims they came from, as the generated verifier counts them. */
export function grantedScopes(claims: JWTPayload, flavor: Flavor): { scopes: string[]; sources: string[] } {
  const sources: string[] = [];
  const scopes: string[] = [];
  for (const claim of scopeClaims(flavor)) {
    const values = listOf(claims[claim]);
    if (values.length === 0) continue;
    sources.push(`${claim}: ${values.join(' ')}`);
    scopes.push(...values);
  }
  // Roles the provider's verifier counts as scopes (Keycloak).
  for (const granted of familyDoctor(flavor)?.roleScopes?.(claims) ?? []) {
    sources.push(`${granted.claim}: ${granted.scopes.join(' ')}`);
    scopes.push(...granted.scopes);
  }
  return { scopes: [...new Set(scopes)], sources };
}

/**
 * Whether `required` is granted. Entra puts delegated scopes in `scp` without the Application ID
 * URI they are requested with (`api://…/mcp.tools` arrives as `mcp.tools`), so for a family with
 * `doctor.shortScopeGrants` the last path segment counts too.
 */
export function hasScope(granted: string[], required: string, flavor: Flavor): boolean {
  if (granted.includes(required)) return true;
  return familyDoctor(flavor)?.shortScopeGrants === true && required.includes('/') && granted.includes(required.slice(required.lastIndexOf('/') + 1));
}

/** Microsoft Graph's audience values. */
export const GRAPH_AUDIENCES = ['00000003-0000-0000-c000-000000000000', 'https://graph.microsoft.com', 'https://graph.microsoft.com/'];
