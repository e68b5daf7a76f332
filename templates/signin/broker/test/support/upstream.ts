/**
 * The identity provider as the broker meets it, offline: discovery with an authorization and a
 * token endpoint, the JWKS, an authorize endpoint that signs the test user in at once (checking
 * the broker's client, its exact callback and PKCE S256), and a token endpoint that checks the
 * broker's secret, the single-use code and its verifier, then returns an access token shaped like
 * your provider's (`test/support/provider.ts`) and an ID token with the nonce.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';

export interface TestUpstream {
  issuer: string;
  /** Where the broker sends the user's browser to sign in. */
  authorizeEndpoint: string;
  /** The subject the upstream signs in. */
  subject(): string;
  /** How many codes were redeemed at the token endpoint. */
  redeemed(): number;
  close(): Promise<void>;
}

export interface UpstreamOptions {
  issuerPath: string;
  clientId: string;
  clientSecret: string;
  /** The broker's callback, `{origin}/oauth/callback` (known once the server listens). */
  callbackUrl: () => string;
  /** The access token the provider would issue for this server. */
  accessToken(issuer: string): JWTPayload;
  /** What else its ID token says (email, Google's hd, ...). */
  idToken?: () => JWTPayload;
  /**
   * A provider that is not OpenID Connect (GitHub): its endpoints at `/login/oauth/authorize` and
   * `/login/oauth/access_token` (the client secret in the form), opaque tokens, no discovery, and a
   * user API at `/api/v3` (`/user`, `/user/orgs`) answering this for its token.
   */
  userApi?: () => { user: Record<string, unknown>; orgs: string[] };
}

export async function startTestUpstream(options: UpstreamOptions): Promise<TestUpstream> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'upstream-rs256', alg: 'RS256', use: 'sig' };
  const codes = new Map<string, { challenge: string; nonce: string | undefined }>();
  let redeemed = 0;
  let issuer = '';
  const sign = (claims: JWTPayload) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iat: now, exp: now + 600, ...claims }).setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'JWT' }).sign(privateKey);
  };
  const json = (res: import('node:http').ServerResponse, status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

  const opaque = new Set<string>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const origin = new URL(issuer).origin;
    const gitHub = options.userApi;
    if (gitHub) {
      // GitHub-shaped: no discovery, no JWKS; the user API wants its token and a User-Agent.
      if (url.pathname === '/login/oauth/authorize') url.pathname = '/authorize';
      else if (url.pathname === '/login/oauth/access_token') url.pathname = '/token';
      else if (url.pathname === '/api/v3/user' || url.pathname === '/api/v3/user/orgs') {
        const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
        if (!opaque.has(token)) return json(res, 401, { message: 'Bad credentials' });
        if (!req.headers['user-agent']) return json(res, 403, { message: 'Request forbidden by administrative rules. Please make sure your request has a User-Agent header' });
        const answer = gitHub();
        return json(res, 200, url.pathname.endsWith('/orgs') ? answer.orgs.map((login) => ({ login })) : answer.user);
      } else return json(res, 404, { message: 'Not Found' });
    }
    if (url.pathname.includes('/.well-known/')) {
      return json(res, 200, {
        issuer,
        authorization_endpoint: `${origin}/authorize`,
        token_endpoint: `${origin}/token`,
        jwks_uri: `${origin}/jwks`,
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code', 'refresh_token'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      });
    }
    if (url.pathname === '/jwks') return json(res, 200, { keys: [jwk] });
    if (url.pathname === '/authorize') {
      const q = url.searchParams;
      if (q.get('client_id') !== options.clientId || q.get('redirect_uri') !== options.callbackUrl()) return json(res, 400, { error: 'invalid_request', error_description: 'unknown client or redirect_uri' });
      if (q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) return json(res, 400, { error: 'invalid_request', error_description: 'PKCE S256 is required' });
      const code = randomBytes(16).toString('base64url');
      codes.set(code, { challenge: q.get('code_challenge')!, nonce: q.get('nonce') ?? undefined });
      const back = new URL(options.callbackUrl());
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state') ?? '');
      return void res.writeHead(302, { location: back.href }).end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk));
      req.on('end', () => {
        void (async () => {
          const form = new URLSearchParams(body);
          const expected = `Basic ${Buffer.from(`${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`).toString('base64')}`;
          const inForm = form.get('client_id') === options.clientId && form.get('client_secret') === options.clientSecret;
          // GitHub answers its errors with 200 and an error field.
          if (gitHub ? !inForm : req.headers.authorization !== expected) return json(res, gitHub ? 200 : 401, { error: gitHub ? 'incorrect_client_credentials' : 'invalid_client' });
          const pending = codes.get(form.get('code') ?? '');
          codes.delete(form.get('code') ?? '');
          const verifier = form.get('code_verifier') ?? '';
          if (!pending || createHash('sha256').update(verifier).digest('base64url') !== pending.challenge || form.get('redirect_uri') !== options.callbackUrl()) {
            return json(res, 400, { error: 'invalid_grant' });
          }
          redeemed += 1;
          if (gitHub) {
            const token = `gho_${randomBytes(18).toString('base64url')}`;
            opaque.add(token);
            return json(res, 200, { access_token: token, token_type: 'bearer', scope: 'read:user,read:org' });
          }
          const access = options.accessToken(issuer);
          const idToken = await sign({ name: 'Test User', ...options.idToken?.(), iss: issuer, aud: options.clientId, sub: access.sub, ...(pending.nonce ? { nonce: pending.nonce } : {}) });
          json(res, 200, { token_type: 'Bearer', expires_in: 600, access_token: await sign(access), id_token: idToken });
        })();
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}${options.issuerPath}`;
  return {
    issuer,
    authorizeEndpoint: `${new URL(issuer).origin}${options.userApi ? '/login/oauth/authorize' : '/authorize'}`,
    subject: () => String(options.accessToken(issuer).sub),
    redeemed: () => redeemed,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
