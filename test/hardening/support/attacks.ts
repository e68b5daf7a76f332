/**
 * The token attack matrix (issue 7 §1), one list for every provider shape. Each case builds a
 * request and says what the server must answer:
 *
 * - `reject`: 401, `WWW-Authenticate: Bearer error="invalid_token", scope=…, resource_metadata=…`
 * - `no-credentials`: 401 with the challenge but no `error` (RFC 6750 §3.1: the token was not
 *   sent where a bearer token may be, so the request carries no credentials)
 * - `forbidden`: 403 `error="insufficient_scope"` naming the scopes
 * - `invalid-request`: 400 `error="invalid_request"` (RFC 6750 §3.1: more than one credential)
 * - `too-large`: 431 from Node's HTTP parser (headers past its 16 KiB limit never reach the app)
 * - `bad-body`: a 4xx JSON answer (400 parse error, 413 too large) without a stack trace
 * - `accept`: 200 (controls: the attack surface is not "refuse everything")
 *
 * Anchors: RFC 8725 §2–3 (alg none, key confusion, jku/x5u/jwk), RFC 9068 §4, RFC 6750 §2–3,
 * RFC 7519 §4.1 (exp, nbf, iat), AUTH-FACTS doctor items 35–41.
 */
import { exportJWK, FlattenedSign, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import type { ProviderId } from '../../../src/issuer/types.js';
import type { RawRequest } from './http.js';
import { SHAPES, type Shape } from './shapes.js';

export type Expectation = 'accept' | 'reject' | 'no-credentials' | 'forbidden' | 'invalid-request' | 'too-large' | 'bad-body';

export interface AttackContext {
  shape: Shape;
  /** An origin that must never be contacted (jku/x5u targets). */
  attackerOrigin: string;
  foreign: { privateKey: CryptoKey; publicJwk: Record<string, unknown> };
}

export interface AttackCase {
  name: string;
  expect: Expectation | ((provider: ProviderId) => Expectation);
  /** What `error_description` must say, for some providers. */
  says?: Partial<Record<ProviderId | 'all', RegExp>>;
  /** Only for these providers (the case needs something only they have). */
  only?: ProviderId[];
  build(ctx: AttackContext): Promise<RawRequest>;
}

const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const bearer = (token: string, scheme = 'Bearer'): RawRequest => ({ headers: { authorization: `${scheme} ${token}` } });
const ENTRA_TENANT = '9a95fd9e-005d-487a-9a01-d08c1eab2757';
const GRAPH_APP = '00000003-0000-0000-c000-000000000000';

/** Full valid claims with iss/iat/exp, as a signer would put them. */
const fullClaims = (shape: Shape, extra: JWTPayload = {}): JWTPayload => ({ iss: shape.tokens.issuer, iat: now(), exp: now() + 600, ...shape.claims(), ...extra });

const valid = (shape: Shape, claims: JWTPayload = {}, options = {}) => shape.tokens.mint({ ...shape.claims(), ...claims }, options);

function toggledSlash(issuer: string): string {
  return issuer.endsWith('/') ? issuer.slice(0, -1) : `${issuer}/`;
}

export async function foreignKey(): Promise<AttackContext['foreign']> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid: 'attacker-key', alg: 'RS256', use: 'sig' } };
}

export const ATTACKS: AttackCase[] = [
  // Controls.
  { name: 'control: a valid token', expect: 'accept', build: async ({ shape }) => bearer(await valid(shape)) },
  { name: 'control: lowercase "bearer" scheme (auth-scheme is case-insensitive, RFC 7235 §2.1)', expect: 'accept', build: async ({ shape }) => bearer(await valid(shape), 'bearer') },
  { name: 'control: uppercase "BEARER" scheme', expect: 'accept', build: async ({ shape }) => bearer(await valid(shape), 'BEARER') },
  {
    name: 'control: an issuer-signed token carrying jku, x5u and jwk headers (ignored; verified against the JWKS)',
    expect: 'accept',
    build: async ({ shape, attackerOrigin, foreign }) =>
      bearer(await valid(shape, {}, { header: { jku: `${attackerOrigin}/jwks.json`, x5u: `${attackerOrigin}/cert.pem`, jwk: foreign.publicJwk } })),
  },
  { name: 'control: nbf 5 s in the future (inside the 30 s clock tolerance)', expect: 'accept', build: async ({ shape }) => bearer(await valid(shape, { nbf: now() + 5 })) },
  {
    name: 'ES256 with the issuer\'s own EC key: only where the provider signs with it',
    // Every shape with a remote issuer (local's embedded server signs with RS256 only here); a new
    // provider is expected to refuse ES256 until its verifier says otherwise and this list does too.
    only: SHAPES.filter((provider) => provider !== 'local'),
    expect: (provider) => (['oidc', 'keycloak', 'workos'].includes(provider) ? 'accept' : 'reject'),
    says: { auth0: /algorithm is not allowed/, okta: /algorithm is not allowed/ },
    build: async ({ shape }) => bearer(await valid(shape, {}, { alg: 'ES256' })),
  },

  // Algorithms (RFC 8725 §2.1, §3.1).
  { name: 'alg none, empty signature', expect: 'reject', build: async ({ shape }) => bearer(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(fullClaims(shape))}.`) },
  {
    name: 'alg none with the real kid and a copied valid signature',
    expect: 'reject',
    build: async ({ shape }) => {
      const [, payload, signature] = (await valid(shape)).split('.');
      return bearer(`${b64({ alg: 'none', kid: shape.tokens.kid })}.${payload}.${signature}`);
    },
  },
  { name: 'alg "None" (case variant), empty signature', expect: 'reject', build: async ({ shape }) => bearer(`${b64({ alg: 'None' })}.${b64(fullClaims(shape))}.`) },
  {
    name: 'HS256 signed with the issuer\'s RSA public key (PEM) as the HMAC secret',
    expect: 'reject',
    says: { all: /algorithm is not allowed/ },
    build: async ({ shape }) =>
      bearer(await new SignJWT(fullClaims(shape)).setProtectedHeader({ alg: 'HS256', kid: shape.tokens.kid, typ: 'JWT' }).sign(new TextEncoder().encode(shape.tokens.publicPem))),
  },
  {
    name: 'HS512 signed with the issuer\'s RSA public key (PEM)',
    expect: 'reject',
    build: async ({ shape }) => bearer(await new SignJWT(fullClaims(shape)).setProtectedHeader({ alg: 'HS512', kid: shape.tokens.kid }).sign(new TextEncoder().encode(shape.tokens.publicPem))),
  },
  { name: 'PS256 with the RS256 key (the key is published for RS256 only)', expect: 'reject', build: async ({ shape }) => bearer(await valid(shape, {}, { alg: 'PS256' })) },

  // Keys (RFC 8725 §3.10): foreign keys, unknown kid, keys named by the token itself.
  { name: 'signed by a key not in the JWKS, with the real kid', expect: 'reject', says: { all: /signature is invalid/ }, build: async ({ shape, foreign }) => bearer(await valid(shape, {}, { key: foreign.privateKey })) },
  { name: 'signed by a key not in the JWKS, without a kid', expect: 'reject', build: async ({ shape, foreign }) => bearer(await valid(shape, {}, { key: foreign.privateKey, kid: null })) },
  { name: 'signed by a key not in the JWKS, with an unknown kid', expect: 'reject', build: async ({ shape, foreign }) => bearer(await valid(shape, {}, { key: foreign.privateKey, kid: 'unknown-kid-1' })) },
  {
    name: 'jwk header embedding the attacker\'s public key',
    expect: 'reject',
    build: async ({ shape, foreign }) => bearer(await valid(shape, {}, { key: foreign.privateKey, kid: 'attacker-key', header: { jwk: foreign.publicJwk } })),
  },
  {
    name: 'jku header pointing to the attacker\'s JWKS',
    expect: 'reject',
    build: async ({ shape, foreign, attackerOrigin }) => bearer(await valid(shape, {}, { key: foreign.privateKey, kid: 'attacker-key', header: { jku: `${attackerOrigin}/jwks.json` } })),
  },
  {
    name: 'x5u header pointing to the attacker\'s certificate',
    expect: 'reject',
    build: async ({ shape, foreign, attackerOrigin }) => bearer(await valid(shape, {}, { key: foreign.privateKey, kid: 'attacker-key', header: { x5u: `${attackerOrigin}/cert.pem` } })),
  },
  {
    name: 'x5c header carrying the attacker\'s certificate chain',
    expect: 'reject',
    build: async ({ shape, foreign }) =>
      bearer(await valid(shape, {}, { key: foreign.privateKey, kid: 'attacker-key', header: { x5c: [Buffer.from(`attacker certificate for ${String(foreign.publicJwk.n).slice(0, 32)}`).toString('base64')] } })),
  },
  {
    name: 'crit names an extension the server does not understand',
    expect: 'reject',
    build: async ({ shape }) => bearer(await valid(shape, {}, { header: { crit: ['urn:example:unknown'], 'urn:example:unknown': true } })),
  },
  {
    name: 'b64: false (unencoded payload, RFC 7797) signed by the issuer',
    expect: 'reject',
    build: async ({ shape }) => {
      // A valid RS256 signature over "header.payload" where the header says the payload is not
      // base64url-encoded: JWTs must not use RFC 7797 (RFC 7797 §7).
      const payload = b64(fullClaims(shape));
      const jws = await new FlattenedSign(new TextEncoder().encode(payload)).setProtectedHeader({ alg: 'RS256', kid: shape.tokens.kid, b64: false, crit: ['b64'] }).sign(shape.tokens.privateKey);
      return bearer(`${jws.protected}.${payload}.${jws.signature}`);
    },
  },

  // Time (RFC 7519 §4.1.4–4.1.6).
  { name: 'expired an hour ago', expect: 'reject', says: { all: /expired/ }, build: async ({ shape }) => bearer(await valid(shape, { iat: now() - 7200, exp: now() - 3600 })) },
  { name: 'expired 5 s ago (inside the clock tolerance: exp is enforced exactly)', expect: 'reject', says: { all: /expired/ }, build: async ({ shape }) => bearer(await valid(shape, { iat: now() - 600, exp: now() - 5 })) },
  { name: 'nbf an hour in the future', expect: 'reject', says: { all: /not valid yet/ }, build: async ({ shape }) => bearer(await valid(shape, { nbf: now() + 3600 })) },
  { name: 'iat an hour in the future', expect: 'reject', says: { all: /issued in the future/ }, build: async ({ shape }) => bearer(await valid(shape, { iat: now() + 3600, exp: now() + 7200 })) },
  { name: 'no exp', expect: 'reject', says: { all: /no expiration/ }, build: async ({ shape }) => bearer(await valid(shape, { exp: undefined })) },
  { name: 'exp as a string', expect: 'reject', build: async ({ shape }) => bearer(await valid(shape, { exp: String(now() + 600) as unknown as number })) },

  // Issuer (RFC 9068 §4: exact match; AUTH-FACTS 37).
  { name: 'iss with the trailing slash toggled', expect: 'reject', says: { all: /issued by|trailing slash/ }, build: async ({ shape }) => bearer(await valid(shape, { iss: toggledSlash(shape.tokens.issuer) })) },
  { name: 'iss with a second trailing slash', expect: 'reject', build: async ({ shape }) => bearer(await valid(shape, { iss: `${shape.tokens.issuer.replace(/\/$/, '')}//` })) },
  { name: 'iss in upper case', expect: 'reject', build: async ({ shape }) => bearer(await valid(shape, { iss: shape.tokens.issuer.toUpperCase() })) },
  { name: 'iss over https instead of http', expect: 'reject', build: async ({ shape }) => bearer(await valid(shape, { iss: shape.tokens.issuer.replace(/^http:/, 'https:') })) },
  {
    name: 'iss of Entra v1 (https://sts.windows.net/{tenant}/)',
    expect: 'reject',
    says: { azure: /v1 token.*requestedAccessTokenVersion/ },
    build: async ({ shape }) => bearer(await valid(shape, { iss: `https://sts.windows.net/${ENTRA_TENANT}/` })),
  },
  { name: 'iss of another issuer', expect: 'reject', build: async ({ shape }) => bearer(await valid(shape, { iss: 'https://evil.example.com/' })) },
  { name: 'no iss', expect: 'reject', build: async ({ shape }) => bearer(await valid(shape, { iss: undefined })) },

  // Audience and binding (RFC 8707, RFC 9068 §4, AUTH-FACTS 38).
  { name: 'bound to another API or app client', expect: 'reject', build: async ({ shape }) => bearer(await shape.tokens.mint(shape.wrongBinding(shape.claims()))) },
  { name: 'no aud and no client binding', expect: 'reject', build: async ({ shape }) => bearer(await valid(shape, { aud: undefined, client_id: undefined })) },
  {
    name: 'Cognito ID token (token_use id, aud = the app client)',
    expect: 'reject',
    says: { cognito: /ID token/ },
    build: async ({ shape }) => {
      const claims = shape.claims();
      const clientId = String(claims.client_id ?? claims.azp ?? claims.cid ?? 'app-client');
      return bearer(await shape.tokens.mint({ sub: claims.sub, aud: clientId, token_use: 'id', email: 'jane@example.com', auth_time: now(), client_id: undefined, scope: undefined }));
    },
  },
  {
    name: 'Entra Microsoft Graph token (aud 00000003-…, nonce in the header)',
    expect: 'reject',
    says: { azure: /Microsoft Graph/ },
    build: async ({ shape }) =>
      bearer(await valid(shape, { aud: GRAPH_APP, scp: 'User.Read openid profile', scope: undefined, permissions: undefined }, { header: { nonce: 'Ym9ndXMtbm9uY2U', typ: 'JWT' } })),
  },
  { name: 'Entra Microsoft Graph token (aud https://graph.microsoft.com)', expect: 'reject', says: { azure: /Microsoft Graph/ }, build: async ({ shape }) => bearer(await valid(shape, { aud: 'https://graph.microsoft.com' })) },
  {
    name: 'Entra v1 token (ver 1.0, iss sts.windows.net)',
    expect: 'reject',
    says: { azure: /v1 token/ },
    build: async ({ shape }) => bearer(await valid(shape, { ver: '1.0', iss: `https://sts.windows.net/${ENTRA_TENANT}/` })),
  },

  // Scopes.
  {
    name: 'valid token without the required scope',
    expect: 'forbidden',
    build: async ({ shape }) => bearer(await shape.tokens.mint(shape.claims([]))),
  },
  {
    name: 'the required scope only as a prefix of another scope',
    expect: 'forbidden',
    build: async ({ shape }) => bearer(await shape.tokens.mint(shape.claims(shape.scopes.map((scope) => `${scope}x`)))),
  },

  // Shape and size.
  { name: 'garbage', expect: 'reject', build: async () => bearer('not-a-jwt') },
  { name: 'three segments of garbage', expect: 'reject', build: async () => bearer('aaaa.bbbb.cccc') },
  { name: 'JWE-shaped token (five segments)', expect: 'reject', build: async () => bearer(`${b64({ alg: 'RSA-OAEP', enc: 'A256GCM' })}.a.b.c.d`) },
  {
    name: 'oversized token (12 KiB of claims, foreign key)',
    expect: 'reject',
    build: async ({ shape, foreign }) => bearer(await valid(shape, { padding: 'x'.repeat(9 * 1024) }, { key: foreign.privateKey })),
  },
  {
    name: 'oversized protected header (8 KiB kid)',
    expect: 'reject',
    build: async ({ shape, foreign }) => bearer(await valid(shape, {}, { key: foreign.privateKey, kid: 'k'.repeat(8 * 1024) })),
  },
  {
    name: 'Authorization header past the 16 KiB HTTP header limit',
    expect: 'too-large',
    build: async ({ shape }) => bearer(await valid(shape, { padding: 'x'.repeat(20 * 1024) })),
  },
  {
    name: 'issuer-signed token whose aud holds quotes and a challenge parameter',
    expect: 'reject',
    build: async ({ shape }) => bearer(await valid(shape, { aud: 'x", error="insufficient_scope', client_id: 'x", error="insufficient_scope' })),
  },
  {
    name: 'issuer-signed token whose iss holds non-Latin-1 characters and a line break',
    expect: 'reject',
    build: async ({ shape }) => bearer(await valid(shape, { iss: `${shape.tokens.issuer}\r\nX-Injected: 1 ünï 💥` })),
  },

  // Where the token is (RFC 6750 §2; OAuth 2.1 §5.1: query tokens are not accepted).
  { name: 'valid token in the query string (access_token=)', expect: 'no-credentials', build: async ({ shape }) => ({ query: `?access_token=${await valid(shape)}` }) },
  {
    name: 'valid token in a form body (access_token=)',
    expect: 'no-credentials',
    build: async ({ shape }) => ({ contentType: 'application/x-www-form-urlencoded', body: `access_token=${await valid(shape)}` }),
  },
  {
    name: 'valid token in the JSON body',
    expect: 'no-credentials',
    build: async ({ shape }) => ({ body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', access_token: await valid(shape), params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }) }),
  },
  {
    name: 'two Authorization headers, the valid token first',
    expect: 'invalid-request',
    build: async ({ shape }) => ({ headers: { authorization: [`Bearer ${await valid(shape)}`, 'Bearer not-a-jwt'] } }),
  },
  {
    name: 'two Authorization headers, the valid token second',
    expect: 'invalid-request',
    build: async ({ shape }) => ({ headers: { authorization: ['Bearer not-a-jwt', `Bearer ${await valid(shape)}`] } }),
  },
  { name: 'two credentials in one Authorization header', expect: 'reject', build: async ({ shape }) => bearer(`${await valid(shape)}, Bearer ${await valid(shape)}`) },
  { name: 'malformed JSON body, no token', expect: 'bad-body', build: async () => ({ body: '{"jsonrpc":' }) },
  { name: 'malformed JSON body with a valid token', expect: 'bad-body', build: async ({ shape }) => ({ ...bearer(await valid(shape)), body: '{"jsonrpc":' }) },
  { name: 'a 200 KiB JSON body, no token', expect: 'bad-body', build: async () => ({ body: JSON.stringify({ padding: 'x'.repeat(200 * 1024) }) }) },
  { name: 'Basic scheme', expect: 'reject', build: async () => ({ headers: { authorization: `Basic ${Buffer.from('user:pass').toString('base64')}` } }) },
  { name: '"Bearer" without a token', expect: 'reject', build: async () => ({ headers: { authorization: 'Bearer' } }) },
];

