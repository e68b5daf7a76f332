/**
 * Token checks on what the token is and who signed it: a signed JWT (AUTH-FACTS 35), its header
 * (36: algorithm, kid, Microsoft Graph's nonce), and its signature against the issuer's keys.
 */
import { defineCheckOf, type Verdicts } from '../../issuer/context.js';
import { fixFor } from '../../issuer/flavor.js';
import type { Finding } from '../../issuer/types.js';
import { TOKEN_HEADER, TOKEN_SHAPE, TOKEN_SIGNATURE, type TokenCheckId } from '../ids.js';
import { isAsymmetricAlg } from './decode.js';
import type { TokenContext } from './context.js';

const define = (id: TokenCheckId, title: string, run: (ctx: TokenContext, v: Verdicts) => Finding) => defineCheckOf<TokenContext, TokenCheckId>(id, title, run);

/** The skip of every check that needs a readable JWT. */
export const NOT_A_JWT = 'Skipped: the token is not a readable signed JWT (see token.shape)';

const GRAPH_FIX =
  "Request a token for your own API's scope ({Application ID URI}/mcp.tools, e.g. api://<api-client-id>/mcp.tools), not for Microsoft Graph (User.Read, openid): Graph tokens never verify outside Graph";

/** AUTH-FACTS 35. FAIL: a JWE (5 segments), an opaque token (Google `ya29.`, others), or an unreadable JWT. */
export const tokenShapeCheck = define(TOKEN_SHAPE, 'Token is a signed JWT', (ctx, v) => {
  const t = ctx.token;
  switch (t.kind) {
    case 'jws':
      return v.pass(`A signed JWT (JWS, alg ${String(t.header?.['alg'])})`);
    case 'jwe':
      return v.fail(
        `The token has 5 segments: it is encrypted (JWE${t.header?.['enc'] ? `, enc ${String(t.header['enc'])}` : ''}), so your server can't read or verify it`,
        [`header: ${JSON.stringify(t.header ?? {})}`],
        fixFor(ctx.flavor, 'token-shape.encrypted', 'Configure the authorization server to issue signed (JWS) access tokens for your API, not encrypted ones', { expect: ctx.expect }),
      );
    case 'google-opaque':
      return v.fail(
        'The token starts with "ya29.": a Google access token, which is opaque and can only be checked by Google',
        [],
        'Google access tokens are not meant for your API: use an authorization server that issues JWT access tokens for it (or a broker in front of Google)',
      );
    case 'opaque':
      return v.fail(
        'The token is opaque (no dots): not a JWT, so it can only be checked by asking the authorization server (introspection)',
        [],
        fixFor(ctx.flavor, 'token-shape.opaque', 'Configure the provider to issue JWT access tokens for your API (the resource parameter / audience), or verify opaque tokens by introspection with a custom TokenVerifier', { expect: ctx.expect }),
      );
    default:
      return v.fail(`The token is not a JWT: ${t.problem ?? 'it cannot be decoded'}`, [], 'Pass the access token itself (the string after "Bearer "), not an ID token, a cookie or a whole token response');
  }
});

const HS_FIX = 'Sign access tokens with an asymmetric key (RS256 or ES256) published in the JWKS; a resource server can’t verify shared-secret (HS*) signatures';

/** AUTH-FACTS 36. FAIL: alg none/HS*, a Graph `nonce`, a kid the issuer doesn't publish, no kid among several keys. */
export const tokenHeaderCheck = define(TOKEN_HEADER, 'Token header: asymmetric alg, a published kid', (ctx, v) => {
  const header = ctx.token.header;
  if (ctx.token.kind !== 'jws' || !header) return v.skip(NOT_A_JWT);
  const alg = header['alg'];
  const kid = typeof header['kid'] === 'string' ? header['kid'] : undefined;
  const details = [`header: ${JSON.stringify(header)}`];
  if (header['nonce'] !== undefined) {
    return v.fail('The token header has a nonce: it is a Microsoft Graph access token, which only Graph can verify (its signature never checks out elsewhere)', details, GRAPH_FIX);
  }
  if (alg === 'none') return v.fail('The token is unsigned (alg "none")', details, fixFor(ctx.flavor, 'token-header.symmetric', HS_FIX));
  if (!isAsymmetricAlg(alg)) {
    return v.fail(`The token is signed with ${String(alg)}${/^HS/.test(String(alg)) ? ', a shared secret' : ''}, which can't be verified with the issuer's public keys`, details, fixFor(ctx.flavor, 'token-header.symmetric', HS_FIX));
  }
  const keys = ctx.keys;
  if (!keys) return v.pass(`alg ${alg}${kid ? `, kid ${kid}` : ''} (the issuer's key set was not loaded, so the kid is not checked)`, details);
  if (kid === undefined) {
    if (ctx.signature?.status === 'ambiguous') {
      return v.fail(`The token has no kid and ${ctx.signature.count} published keys fit ${alg}, so verifiers can't pick one ("multiple matching keys")`, details, 'Have the authorization server put kid in access token headers, or publish a single signing key');
    }
    return v.pass(`alg ${alg}, no kid (one published key fits)`, details);
  }
  if (!keys.kids.includes(kid)) {
    return v.fail(
      `The token's kid ${kid} is not among the keys at ${keys.uri} (${keys.kids.join(', ') || 'none'}): it was signed by another tenant, realm or issuer, or with a key that was rotated away`,
      details,
      fixFor(ctx.flavor, 'token-header.unknown-kid', `Get a token from ${ctx.expect.issuer ?? 'the configured issuer'}; if the provider rotated its keys, sign in again for a new token`, { issuer: ctx.expect.issuer ?? 'the configured issuer' }),
    );
  }
  return v.pass(`alg ${alg}, kid ${kid} is published at ${keys.uri}`, details);
});

/** AUTH-FACTS 36. FAIL: the signature doesn't verify with the published key (or no key fits the algorithm). */
export const tokenSignatureCheck = define(TOKEN_SIGNATURE, "Token signature verifies with the issuer's keys", (ctx, v) => {
  if (ctx.token.kind !== 'jws') return v.skip(NOT_A_JWT);
  if (ctx.token.header?.['nonce'] !== undefined) return v.skip('Skipped: a Microsoft Graph token cannot be verified outside Graph (see token.header)');
  const s = ctx.signature;
  const uri = ctx.keys?.uri ?? 'the key set';
  switch (s?.status) {
    case 'verified':
      return v.pass(`The signature verifies with ${s.kid ? `kid ${s.kid}` : 'the published key'} from ${uri}`);
    case 'invalid':
      return v.fail(
        `The signature does not verify with ${s.kid ? `kid ${s.kid}` : 'the published key'} from ${uri}: the token was altered (or truncated when copied), or another server signed it with the same kid`,
        [],
        `Use a token issued by ${ctx.expect.issuer ?? 'the issuer'} itself, copied whole`,
      );
    case 'no-candidate':
      return v.fail(`No key at ${uri} can verify ${s.alg} signatures`, [], `Publish the ${s.alg} signing key in the JWKS, or sign access tokens with the algorithm of a published key`);
    case 'unknown-kid':
      return v.skip(`Skipped: no published key has kid ${s.kid} (see token.header)`);
    case 'ambiguous':
      return v.skip('Skipped: several published keys fit and the token names none (see token.header)');
    case 'unsupported-alg':
      return v.skip('Skipped: the algorithm cannot be verified with public keys (see token.header)');
    default:
      return v.skip("Skipped: the issuer's key set was not loaded (see the jwks findings)");
  }
});
