/**
 * Token checks on the claims: issuer (AUTH-FACTS 37), audience or Cognito's client binding (38),
 * lifetime and clocks (39, SPEC §5's one-hour advice), scopes in the provider's claim (40), and
 * the `typ` header (41). Fixes name each provider's own setting.
 */
import { shortForms, withImplied } from './scope-implies.js';
import { defineCheckOf, type Verdicts } from '../../issuer/context.js';
import { familyDoctor, familyOf, fixFor } from '../../issuer/flavor.js';
import { explainIssuerDifference } from '../../issuer/issuer-diff.js';
import type { Finding } from '../../issuer/types.js';
import { diffLines, differenceNote } from '../diff.js';
import { TOKEN_AUDIENCE, TOKEN_ISSUER, TOKEN_LIFETIME, TOKEN_SCOPES, TOKEN_TYPE, type TokenCheckId } from '../ids.js';
import { NOT_A_JWT } from './checks-shape.js';
import { ENTRA_V1_FIX } from '../../providers/azure.js';
import { CLOCK_SKEW_SECONDS, GRAPH_AUDIENCES, MAX_LIFETIME_SECONDS, grantedScopes, hasScope, listOf, type TokenContext } from './context.js';

const define = (id: TokenCheckId, title: string, run: (ctx: TokenContext, v: Verdicts) => Finding) => defineCheckOf<TokenContext, TokenCheckId>(id, title, run);

// A v1 issuer and a Graph audience are told by the token alone, whichever provider is configured:
// they stay here. What only a provider's own tokens mean is its module's (doctor.tokenIssuerMismatch,
// doctor.tokenAudience).
const GRAPH_FIX = "Request a token for your own API's scope ({Application ID URI}/mcp.tools), not for Microsoft Graph (User.Read, openid)";

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

/** "3 h 5 min", "42 min", "17 s". */
export function duration(seconds: number): string {
  const s = Math.abs(Math.round(seconds));
  if (s < 120) return `${s} s`;
  const minutes = Math.round(s / 60);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest ? `${hours} h ${rest} min` : `${hours} h`;
}

function issuerMismatch(ctx: TokenContext, iss: string, expected: string): { summary: string; fix: string } {
  const diff = explainIssuerDifference(expected, iss);
  const base = `The token was issued by "${iss}", not by the configured issuer "${expected}" (${differenceNote(expected, iss, 'the configured issuer', 'the token')})`;
  if (iss.startsWith('https://sts.windows.net/')) {
    return { summary: `The token is an Entra v1 token (issuer ${iss}); the server expects v2 tokens from ${expected}`, fix: ENTRA_V1_FIX };
  }
  const own = familyDoctor(ctx.flavor)?.tokenIssuerMismatch?.({ iss, expected });
  if (own) return own;
  if (diff.kind === 'trailing-slash-added' || diff.kind === 'trailing-slash-missing') {
    return { summary: base, fix: fixFor(ctx.flavor, 'token-issuer.trailing-slash', `Configure the issuer as exactly "${iss}", byte for byte`, { iss }) };
  }
  return { summary: base, fix: fixFor(ctx.flavor, 'token-issuer.mismatch', `Get a token from ${expected}, or configure the issuer as "${iss}" if that is the server your users sign in with`, { iss, expected }) };
}

/** AUTH-FACTS 37. FAIL: `iss` missing or not byte-identical to the configured issuer (Entra v1, the provider's own cases, Auth0 slash/custom domain, Keycloak host explained). */
export const tokenIssuerCheck = define(TOKEN_ISSUER, 'Token issuer matches', (ctx, v) => {
  const claims = ctx.token.claims;
  if (!claims) return v.skip(NOT_A_JWT);
  const iss = claims.iss;
  if (typeof iss !== 'string') return v.fail('The token has no iss claim, so no server can tell who issued it', [], 'Pass an access token from your authorization server (every standard one sets iss)');
  const expected = ctx.expect.issuer;
  if (expected === undefined) return v.info(`The token names issuer ${iss}; no issuer was configured, so its keys were fetched from there`, [], 'Give the issuer (an argument, --issuer, --provider, or run inside the project) to compare');
  if (iss === expected) return v.pass(`iss is exactly "${expected}"`);
  const { summary, fix } = issuerMismatch(ctx, iss, expected);
  return v.fail(summary, diffLines('configured', expected, 'token', iss), fix);
});

/** AUTH-FACTS 38. FAIL: the token is for Graph, is an ID token, or its `aud` (Cognito: `token_use` + `client_id`) doesn't name this server. */
export const tokenAudienceCheck = define(TOKEN_AUDIENCE, 'Token is bound to this server (aud or client)', (ctx, v) => {
  const claims = ctx.token.claims;
  if (!claims) return v.skip(NOT_A_JWT);
  const aud = listOf(claims.aud);
  const details = [`aud: ${JSON.stringify(claims.aud ?? null)}`];
  if (aud.some((a) => GRAPH_AUDIENCES.includes(a))) return v.fail(`The token is for Microsoft Graph (aud ${aud.join(' ')}), not for your API`, details, GRAPH_FIX);
  // Bound by client id, not aud (Cognito: the family's module says so, or the token's shape does).
  const cognito = familyOf(ctx.flavor)?.bindsByClientId === true || (claims['token_use'] !== undefined && claims.aud === undefined);
  if (cognito) {
    const use = claims['token_use'];
    const clientId = typeof claims['client_id'] === 'string' ? claims['client_id'] : undefined;
    const cognitoDetails = [`token_use: ${JSON.stringify(use ?? null)}`, `client_id: ${JSON.stringify(clientId ?? null)}`, ...details];
    if (use === 'id') return v.fail('The token is a Cognito ID token (token_use: id); the server needs the access token', cognitoDetails, 'Send the access_token from the token response, not the id_token (MCP clients such as ChatGPT do this by themselves)');
    if (use !== 'access') return v.fail(`The token's token_use is ${JSON.stringify(use ?? null)}, not "access"`, cognitoDetails, 'Send a Cognito access token (token_use: access)');
    const allowed = ctx.expect.clientIds;
    if (!allowed?.length) return v.info(`A Cognito access token for app client ${clientId ?? '(none)'} (Cognito access tokens have no aud)`, cognitoDetails, 'Pass --client-id <app-client-id> to check that this app client is allowed');
    if (!clientId || !allowed.includes(clientId)) {
      return v.fail(
        `The token was issued to app client ${clientId ?? '(none)'}, which is not an allowed app client (${allowed.join(', ')})`,
        cognitoDetails,
        `Sign in with an allowed app client, or allow ${clientId ?? 'it'} (--client-id, OAUTH_CLIENT_IDS in the project)`,
      );
    }
    return v.pass(`A Cognito access token for the allowed app client ${clientId} (Cognito access tokens have no aud)`, cognitoDetails);
  }
  if (claims['nonce'] !== undefined || claims['at_hash'] !== undefined) {
    return v.fail(
      `The token looks like an ID token (it has ${claims['nonce'] !== undefined ? 'nonce' : 'at_hash'}; aud ${aud.join(' ') || '(none)'} is the client's id): ID tokens are for the client, not for your API`,
      details,
      'Send the access_token from the token response, not the id_token',
    );
  }
  const expected = ctx.expect.audiences;
  if (!expected?.length) return v.info(`aud is ${aud.join(' ') || '(none)'}`, details, 'Pass --audience (the API identifier) or --resource to check it');
  const matched = aud.find((a) => expected.includes(a));
  const summary = `The token's aud ${aud.join(' ') || '(none)'} does not include ${expected.join(' or ')}`;
  // The provider's own reading (Entra v1, Auth0's audience routing, Keycloak's account).
  const own = familyDoctor(ctx.flavor)?.tokenAudience?.({ claims, aud, expected, matched, summary, expect: ctx.expect });
  if (own) return v.fail(own.summary, details, own.fix);
  if (matched) return v.pass(`aud contains ${matched}`, details);
  return v.fail(
    summary,
    details,
    fixFor(ctx.flavor, 'token-audience.mismatch', `Configure the authorization server to put ${expected[0]} in aud (MCP clients send it as the RFC 8707 resource parameter)`, { audience: expected[0]!, expect: ctx.expect }),
  );
});

const LIFETIME_FIX = 'Issue access tokens that live at most an hour; clients renew them with refresh tokens';

/** AUTH-FACTS 39 + SPEC §5. FAIL: no/passed `exp`, `nbf`/`iat` in the future; WARN: lives longer than an hour, server clock off. */
export const tokenLifetimeCheck = define(TOKEN_LIFETIME, 'Token is within its lifetime', (ctx, v) => {
  const claims = ctx.token.claims;
  if (!claims) return v.skip(NOT_A_JWT);
  const { exp, iat, nbf } = claims;
  const details = [`iat ${typeof iat === 'number' ? iso(iat) : '(none)'}, nbf ${typeof nbf === 'number' ? iso(nbf) : '(none)'}, exp ${typeof exp === 'number' ? iso(exp) : '(none)'}, now ${iso(ctx.now)}`];
  if (typeof exp !== 'number') return v.fail('The token has no exp, and the server refuses tokens that never expire', details, 'Pass an access token (standard providers always set exp)');
  if (exp <= ctx.now) return v.fail(`The token expired at ${iso(exp)} (${duration(ctx.now - exp)} ago)`, details, 'Get a fresh token (sign in again); MCP clients renew tokens with the refresh_token grant');
  const clockFix = 'Synchronise the clocks (NTP) of this machine, the server and the identity provider';
  if (typeof nbf === 'number' && nbf > ctx.now + CLOCK_SKEW_SECONDS) return v.fail(`The token is not valid before ${iso(nbf)} (${duration(nbf - ctx.now)} from now)`, details, clockFix);
  if (typeof iat === 'number' && iat > ctx.now + CLOCK_SKEW_SECONDS) return v.fail(`The token was issued ${duration(iat - ctx.now)} in the future (iat ${iso(iat)})`, details, clockFix);
  const skew = ctx.serverClockSkew;
  if (skew !== undefined) details.push(`the MCP server's clock is ${duration(skew)} ${skew >= 0 ? 'ahead of' : 'behind'} this machine's`);
  if (skew !== undefined && Math.abs(skew) > CLOCK_SKEW_SECONDS) return v.warn(`The MCP server's clock is ${duration(skew)} ${skew >= 0 ? 'ahead of' : 'behind'} this machine's; tokens will fail intermittently near exp/nbf`, details, clockFix);
  const start = typeof iat === 'number' ? iat : typeof nbf === 'number' ? nbf : undefined;
  const lifetime = start === undefined ? undefined : exp - start;
  if (lifetime !== undefined && lifetime > MAX_LIFETIME_SECONDS) {
    return v.warn(`The token lives ${duration(lifetime)} (iat to exp); the FastApps guide advises at most an hour, so a leaked token stays usable for long`, details, fixFor(ctx.flavor, 'token-lifetime.long', LIFETIME_FIX));
  }
  return v.pass(`Valid until ${iso(exp)} (${duration(exp - ctx.now)} left${lifetime !== undefined ? `; lifetime ${duration(lifetime)}` : ''})`, details);
});

const SCOPE_FIX = 'Allow the client to request the scope and make sure the authorization server puts it in scope (or scp)';

/** AUTH-FACTS 40. WARN: a required scope is not in the claim(s) the provider uses. */
export const tokenScopesCheck = define(TOKEN_SCOPES, 'Token carries the required scopes', (ctx, v) => {
  const claims = ctx.token.claims;
  if (!claims) return v.skip(NOT_A_JWT);
  const { scopes, sources } = grantedScopes(claims, ctx.flavor);
  const details = sources.length ? sources : ['no scope claim'];
  const required = ctx.expect.scopes;
  if (!required?.length) return v.info(`The token grants ${scopes.join(' ') || 'no scopes'}`, details, 'Pass --scopes to check the ones your server requires');
  // A broader scope implies narrower ones (OAUTH_SCOPE_IMPLIES), as the server counts them.
  // Entra's scp holds short names; pairs may be written either way (the server qualifies both).
  const implies = ctx.expect.implies && familyDoctor(ctx.flavor)?.shortScopeGrants === true ? shortForms(ctx.expect.implies) : ctx.expect.implies;
  const implied = implies ? withImplied(scopes, implies) : scopes;
  if (implied.length > scopes.length) details.push(`implied by OAUTH_SCOPE_IMPLIES: ${implied.filter((s) => !scopes.includes(s)).join(' ')}`);
  const missing = required.filter((s) => !hasScope(implied, s, ctx.flavor));
  if (missing.length === 0) return v.pass(`The token grants the required scopes ${required.join(' ')}`, details);
  return v.warn(`The token lacks ${missing.join(' ')} (it grants ${scopes.join(' ') || 'nothing'}); the server answers 403 insufficient_scope`, details, fixFor(ctx.flavor, 'token-scopes.missing', SCOPE_FIX));
});

/** AUTH-FACTS 41. INFO: the `typ` header; `at+jwt` (RFC 9068) is not required. */
export const tokenTypeCheck = define(TOKEN_TYPE, 'Token type (typ)', (ctx, v) => {
  if (ctx.token.kind !== 'jws') return v.skip(NOT_A_JWT);
  const typ = ctx.token.header?.['typ'];
  if (typeof typ === 'string' && /^(application\/)?at\+jwt$/i.test(typ)) return v.info(`typ ${typ}: an RFC 9068 JWT access token`, []);
  return v.info(typeof typ === 'string' ? `typ ${typ}: not RFC 9068's at+jwt, which most providers don't send; the generated server does not require it` : "No typ header: most providers omit it; the generated server does not require RFC 9068's at+jwt", []);
});
