/**
 * From a sample token and what the other sections found (the issuer's keys, the server's clock
 * and challenge) to the token context the checks judge, and the scopes the server check of the
 * 403 path needs.
 */
import type { CheckContext } from '../../issuer/context.js';
import type { Flavor } from '../../issuer/types.js';
import type { ServerContext } from '../server/context.js';
import { grantedScopes, type TokenContext, type TokenExpectations } from './context.js';
import { decodeToken, verifySignature } from './decode.js';

/** What the token is checked against. */
export interface TokenAssembly {
  raw: string;
  /** The issuer section's context: its usable keys verify the signature. */
  issuer?: CheckContext;
  /** The server section's context: its `Date` header gives the server's clock. */
  server?: ServerContext;
  flavor: (tokenIss: string | undefined) => Flavor;
  expect: TokenExpectations;
  /** Now, in milliseconds (tests pass a fixed clock). */
  nowMs: number;
}

/**
 * Decodes the token, verifies its signature with the issuer's usable keys, and returns the
 * context for the token checks plus the granted and required scopes (for `server.insufficient-scope`).
 */
export async function assembleToken(a: TokenAssembly): Promise<{ context: TokenContext; scopes?: { granted: string[]; required: string[] } }> {
  const token = decodeToken(a.raw);
  const usable = a.issuer?.jwks?.classification?.usable;
  const signature = token.kind === 'jws' ? await verifySignature(a.raw, token, usable) : undefined;
  const flavor = a.flavor(typeof token.claims?.iss === 'string' ? token.claims.iss : undefined);
  const now = Math.floor(a.nowMs / 1000);
  const date = a.server?.anonymous?.res?.headers['date'];
  const serverMs = date ? Date.parse(date) : NaN;
  const context: TokenContext = {
    token,
    ...(signature ? { signature } : {}),
    ...(usable && a.issuer?.jwks ? { keys: { uri: a.issuer.jwks.uri, kids: usable.map((k) => k.kid ?? '(no kid)') } } : {}),
    flavor,
    expect: a.expect,
    now,
    ...(Number.isFinite(serverMs) ? { serverClockSkew: Math.round(serverMs / 1000 - now) } : {}),
  };
  const required = a.expect.scopes;
  return { context, ...(token.claims && required ? { scopes: { granted: grantedScopes(token.claims, flavor).scopes, required } } : {}) };
}
