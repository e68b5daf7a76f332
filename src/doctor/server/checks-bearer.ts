/**
 * Server checks on requests that carry a bearer token: a garbage and a query-string token
 * (AUTH-FACTS 31), the user's `--token` (doctor's own check), and a token lacking a required scope
 * (32).
 */
import { SERVER_BAD_TOKEN, SERVER_INSUFFICIENT_SCOPE, SERVER_TOKEN_ACCEPTED } from '../ids.js';
import { define, unreachable } from './checks-endpoint.js';
import { answersAnonymously, bodySnippet, challengeOf, header, insertionUrl } from './context.js';
import { param } from './www-authenticate.js';

/** AUTH-FACTS 31. FAIL: a garbage token is not answered 401, or a query-string token is read; WARN: 401 without invalid_token. */
export const badTokenCheck = define(SERVER_BAD_TOKEN, 'Bad and query-string tokens get 401 invalid_token', (ctx, v) => {
  const skip = unreachable(ctx);
  if (skip) return v.skip(skip);
  const bad = ctx.badToken;
  const query = ctx.queryToken;
  if (!bad && !query) return v.skip('Skipped: not probed');
  const details: string[] = [];
  let weak: string | undefined;
  const fixVerifier = 'Map every verifier rejection to 401 with WWW-Authenticate: Bearer error="invalid_token", error_description="…", resource_metadata="…" (SDK: throw InvalidTokenError / OAuthError(InvalidToken), never a plain Error)';
  if (bad) {
    if (bad.error) return v.fail(`The bad-token request failed: ${bad.error.message}`, [], bad.error.fix);
    const status = bad.res!.status;
    const error = challengeOf(bad) ? param(challengeOf(bad)!, 'error') : undefined;
    details.push(`Authorization: Bearer <garbage> → HTTP ${status}${error ? ` error="${error}"` : ''}`);
    if (status === 200) return v.fail(`${ctx.url} ACCEPTED a garbage bearer token (HTTP 200): the token is not verified`, details, 'Verify every bearer token (signature, issuer, audience, expiry) before serving the request; a token that is present must be valid, even in mixed mode');
    if (status >= 500) return v.fail(`${ctx.url} answers an invalid token with HTTP ${status}, so clients never sign in again`, details, fixVerifier);
    if (status !== 401) return v.fail(`${ctx.url} answers an invalid token with HTTP ${status}, not 401 invalid_token`, details, fixVerifier);
    if (error !== 'invalid_token') weak = `The 401 for an invalid token has ${error ? `error="${error}"` : 'no error parameter'}, not error="invalid_token"`;
  }
  if (query) {
    if (query.error) return v.fail(`The query-token request failed: ${query.error.message}`, details, query.error.fix);
    const anon = ctx.anonymous?.res;
    const qs = query.res!.status;
    const qe = challengeOf(query) ? param(challengeOf(query)!, 'error') : undefined;
    const ae = challengeOf(ctx.anonymous) ? param(challengeOf(ctx.anonymous)!, 'error') : undefined;
    details.push(`?access_token=<garbage> without a header → HTTP ${qs}${qe ? ` error="${qe}"` : ''} (no token at all → HTTP ${anon?.status}${ae ? ` error="${ae}"` : ''})`);
    if (anon && (qs !== anon.status || qe !== ae)) {
      return v.fail(
        `${ctx.url} treats ?access_token= differently from no token (HTTP ${qs}${qe ? ` ${qe}` : ''} instead of ${anon.status}${ae ? ` ${ae}` : ''}): it reads tokens from the query string, which OAuth 2.1 forbids`,
        details,
        'Read bearer tokens only from the Authorization header; ignore access_token in the query string and the body',
      );
    }
  }
  if (weak) return v.warn(weak, details, fixVerifier);
  return v.pass('A garbage token got 401 invalid_token; a token in the query string was ignored', details);
});

/** With `--token`: FAIL when the server rejects the token (its own reason shown); WARN on 403. */
export const tokenAcceptedCheck = define(SERVER_TOKEN_ACCEPTED, 'The server accepts the token', (ctx, v) => {
  const probe = ctx.withToken;
  if (!probe) return v.skip('Skipped: no --token given');
  const skip = unreachable(ctx);
  if (skip) return v.skip(skip);
  if (probe.error) return v.fail(`The request with the token failed: ${probe.error.message}`, [], probe.error.fix);
  const status = probe.res!.status;
  const challenge = challengeOf(probe);
  const reason = challenge ? (param(challenge, 'error_description') ?? param(challenge, 'error')) : undefined;
  const details = [`POST initialize with the token → HTTP ${status}${header(probe, 'www-authenticate') ? `; WWW-Authenticate: ${header(probe, 'www-authenticate')}` : ''}`];
  if (status === 200) return v.pass(`${ctx.url} accepted the token (initialize answered 200)`, details);
  const config = ctx.expect.generated
    ? 'If the token findings pass, the server is configured differently from what doctor checked: compare OAUTH_ISSUER, OAUTH_AUDIENCE, OAUTH_CLIENT_IDS and OAUTH_SCOPES in its .env with fastapps.json'
    : "If the token findings pass, the server's issuer, audience or scope settings differ from what doctor was told (--issuer, --audience, --scopes)";
  if (status === 401) return v.fail(`${ctx.url} rejected the token with 401${reason ? `: ${reason}` : ''}`, details, `Fix what the token findings report; ${config.charAt(0).toLowerCase()}${config.slice(1)}`);
  if (status === 403) {
    return v.warn(`${ctx.url} accepted the token but refused it for missing scopes (403${reason ? `: ${reason}` : ''})`, details, `Sign in again requesting the scopes${challenge && param(challenge, 'scope') ? ` ${param(challenge, 'scope')}` : ''}; the token findings name the claim your provider puts them in`);
  }
  if (status >= 500) {
    return v.fail(`${ctx.url} answered the token with HTTP ${status}`, [...details, `body: ${bodySnippet(probe)}`], "Look at the server log: a 5xx is right only when the identity provider's keys are unreachable from the server; a bad token must get 401");
  }
  return v.fail(`${ctx.url} answered the token with HTTP ${status}`, details, 'A request with a valid token must be served (200)');
});

/** AUTH-FACTS 32. WARN: a verified token lacking a required scope is not answered 403 insufficient_scope with scope and resource_metadata. */
export const insufficientScopeCheck = define(SERVER_INSUFFICIENT_SCOPE, 'A token without the scopes gets 403 insufficient_scope', (ctx, v) => {
  const probe = ctx.withToken;
  if (!probe) return v.skip('Skipped: needs --token with a token that lacks a required scope');
  const skip = unreachable(ctx);
  if (skip) return v.skip(skip);
  const scopes = ctx.tokenScopes;
  const missing = scopes ? scopes.required.filter((s) => !scopes.granted.includes(s)) : [];
  if (!scopes || missing.length === 0) return v.skip('Skipped: the token has every required scope; pass one without a required scope to check the 403 path');
  if (answersAnonymously(ctx)) return v.skip('Skipped: in mixed mode a missing scope is answered in the tool result (see server.tool-challenge)');
  const status = probe.res?.status;
  if (status === 401) return v.skip('Skipped: the server rejected the token before any scope check (see server.token-accepted)');
  const challenge = challengeOf(probe);
  const fix = `Answer 403 with WWW-Authenticate: Bearer error="insufficient_scope", scope="${scopes.required.join(' ')}", resource_metadata="${insertionUrl(ctx.url)}" (SDK: requireBearerAuth({ requiredScopes }))`;
  const details = [`token lacks ${missing.join(', ')}; POST initialize with it → HTTP ${status}`, ...(header(probe, 'www-authenticate') ? [`WWW-Authenticate: ${header(probe, 'www-authenticate')}`] : [])];
  if (status !== 403) return v.warn(`${ctx.url} served a token without ${missing.join(', ')} (HTTP ${status}): spec clients can't step up to the missing scopes`, details, fix);
  const lacking = ['error', 'scope', 'resource_metadata'].filter((p) => !challenge || param(challenge, p) === undefined);
  if (!challenge || param(challenge, 'error') !== 'insufficient_scope' || lacking.length > 0) {
    return v.warn(`The 403 for a token without ${missing.join(', ')} lacks ${lacking.length ? lacking.join(', ') : 'error="insufficient_scope"'} in its challenge`, details, fix);
  }
  return v.pass(`A token without ${missing.join(', ')} got 403 insufficient_scope with scope="${param(challenge, 'scope')}"`, details);
});
