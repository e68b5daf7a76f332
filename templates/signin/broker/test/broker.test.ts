/**
 * The broker sign-in, offline: this server as the hosts' authorization server in front of a test
 * identity provider (`test/support/upstream.ts`) that issues tokens shaped like your provider's. A
 * host registers itself, the user allows it on the consent page, signs in upstream and comes back;
 * the host gets this server's own tokens, and the tools see the provider's subject.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { decodeJwt, exportPKCS8, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { testProvider as provider } from './support/provider.js';
import { startTestServer, type TestServer } from './support/server.js';
import { startTestUpstream, type TestUpstream } from './support/upstream.js';

const HOST_REDIRECT = 'https://chatgpt.com/connector/oauth/test';
let upstream: TestUpstream;
let server: TestServer;
let origin = '';
/** The broker's signing key, set through OAUTH_BROKER_SIGNING_KEY so the tests can hold tokens like its own. */
let signingKey: CryptoKey;

before(async () => {
  ({ privateKey: signingKey } = await generateKeyPair('ES256', { extractable: true }));
  upstream = await startTestUpstream({
    issuerPath: provider.issuerPath,
    clientId: 'broker-test-client',
    clientSecret: 'broker-test-secret',
    callbackUrl: () => `${origin}/oauth/callback`,
    accessToken: (issuer) => provider.claims({ issuer, resource: server.mcpUrl, scopes: provider.scopes }),
    ...(provider.idToken ? { idToken: provider.idToken } : {}),
    ...(provider.userApi ? { userApi: provider.userApi } : {}),
  });
  const pem = await exportPKCS8(signingKey);
  server = await startTestServer((resource) => ({
    OAUTH_ISSUER: upstream.issuer,
    OAUTH_SCOPES: provider.scopes.join(' '),
    AUTH_MODE: 'required',
    ...provider.env({ issuer: upstream.issuer, resource }),
    OAUTH_SIGN_IN: 'broker',
    OAUTH_BROKER_CLIENT_ID: 'broker-test-client',
    OAUTH_BROKER_CLIENT_SECRET: 'broker-test-secret',
    OAUTH_BROKER_STORE: 'memory',
    OAUTH_BROKER_SIGNING_KEY: pem,
  }));
  origin = new URL(server.mcpUrl).origin;
});

after(async () => {
  await server?.close();
  await upstream?.close();
});

/** A browser that keeps cookies on their paths and does not follow redirects by itself. */
class Browser {
  private cookies: Array<{ name: string; value: string; path: string }> = [];
  async go(url: string, body?: string): Promise<Response> {
    const path = new URL(url).pathname;
    const cookie = this.cookies.filter((c) => path.startsWith(c.path)).map((c) => `${c.name}=${c.value}`).join('; ');
    const response = await fetch(url, {
      method: body === undefined ? 'GET' : 'POST',
      redirect: 'manual',
      headers: { ...(cookie ? { cookie } : {}), ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }) },
      body,
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const name = pair!.slice(0, pair!.indexOf('=')).trim();
      const cookiePath = attributes.map((a) => /^\s*path=(.*)$/i.exec(a)?.[1]).find(Boolean) ?? '/';
      this.cookies = this.cookies.filter((c) => !(c.name === name && c.path === cookiePath));
      this.cookies.push({ name, value: pair!.slice(pair!.indexOf('=') + 1).trim(), path: cookiePath });
    }
    return response;
  }
}

async function register(): Promise<string> {
  const response = await fetch(`${origin}/oauth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_name: 'Test host', redirect_uris: [HOST_REDIRECT], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'] }),
  });
  assert.equal(response.status, 201);
  return ((await response.json()) as { client_id: string }).client_id;
}

/** The whole sign-in as a host does it; `decision` is the button pressed on the consent page. */
async function signIn(clientId: string, decision: 'allow' | 'deny'): Promise<URLSearchParams> {
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL(`${origin}/oauth/authorize`);
  authorize.search = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: HOST_REDIRECT, state: 'host-state', code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256', resource: server.mcpUrl }).toString();
  const browser = new Browser();
  let response = await browser.go(authorize.href);
  assert.equal(response.status, 303, 'the authorization request leads to the consent page');
  const consentUrl = new URL(response.headers.get('location')!, origin).href;
  const page = await (await browser.go(consentUrl)).text();
  assert.match(page, /<button type="submit" name="consent" value="allow">/);
  assert.match(page, /chatgpt\.com/, 'the consent page names the host the sign-in returns to');
  response = await browser.go(consentUrl, `consent=${decision}`);
  let next = new URL(response.headers.get('location')!, consentUrl).href;
  for (let hop = 0; hop < 8 && !next.startsWith(HOST_REDIRECT); hop++) {
    response = await browser.go(next);
    assert.ok([302, 303].includes(response.status), `${next} answered ${response.status}`);
    next = new URL(response.headers.get('location')!, next).href;
  }
  const answer = new URL(next).searchParams;
  assert.equal(answer.get('state'), 'host-state');
  assert.equal(answer.get('iss'), origin, 'RFC 9207: the authorization response names this server');
  answer.set('code_verifier', verifier);
  return answer;
}

async function token(form: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${origin}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe(`broker sign-in in front of ${provider.name}`, () => {
  test('hosts see this server as their authorization server, with registration, S256 and iss', async () => {
    const prm = (await (await fetch(`${origin}/.well-known/oauth-protected-resource/mcp`)).json()) as { authorization_servers: string[] };
    assert.deepEqual(prm.authorization_servers, [origin]);
    const metadata = (await (await fetch(`${origin}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    assert.equal(metadata.issuer, origin);
    assert.equal(metadata.registration_endpoint, `${origin}/oauth/register`);
    assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
    assert.equal(metadata.authorization_response_iss_parameter_supported, true);
  });

  test('a host signs in and the tool sees the provider\'s subject; refresh tokens rotate and a reused one is refused', async () => {
    const clientId = await register();
    const answer = await signIn(clientId, 'allow');
    const issued = await token({ grant_type: 'authorization_code', client_id: clientId, code: answer.get('code')!, code_verifier: answer.get('code_verifier')!, redirect_uri: HOST_REDIRECT, resource: server.mcpUrl });
    assert.equal(issued.status, 200, JSON.stringify(issued.body));
    const claims = decodeJwt(issued.body.access_token as string);
    assert.equal(claims.iss, origin);
    assert.equal(claims.aud, server.mcpUrl);
    assert.equal(claims.sub, upstream.subject());

    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(server.mcpUrl), { requestInit: { headers: { authorization: `Bearer ${issued.body.access_token as string}` } } }));
    const result = await client.callTool({ name: 'whoami', arguments: {} });
    await client.close();
    assert.equal(result.isError, undefined);
    const user = result.structuredContent as { subject: string; scopes: string[] };
    assert.equal(user.subject, upstream.subject());
    for (const scope of provider.scopes) assert.ok(user.scopes.includes(scope), `scopes ${user.scopes} lack ${scope}`);

    const first = issued.body.refresh_token as string;
    const rotated = await token({ grant_type: 'refresh_token', client_id: clientId, refresh_token: first });
    assert.equal(rotated.status, 200);
    assert.notEqual(rotated.body.refresh_token, first);
    const reused = await token({ grant_type: 'refresh_token', client_id: clientId, refresh_token: first });
    assert.equal(reused.status, 400);
    assert.equal(reused.body.error, 'invalid_grant');
  });

  /** A token like the broker's own; `change` alters its claims, `key` signs it with another key. */
  async function brokerToken(change: JWTPayload = {}, key?: CryptoKey, expiresIn = 600, typ = 'at+jwt'): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const jwks = (await (await fetch(`${origin}/oauth/jwks`)).json()) as { keys: Array<{ kid: string }> };
    return new SignJWT({ iss: origin, aud: server.mcpUrl, sub: 'someone', client_id: 'host', scope: provider.scopes.join(' '), iat: now, exp: now + expiresIn, ...change })
      .setProtectedHeader({ alg: 'ES256', typ, kid: jwks.keys[0]!.kid })
      .sign(key ?? signingKey);
  }

  test("tool calls accept only this server's own tokens: its issuer, the MCP URL as audience, its key, unexpired, with the scopes", async () => {
    const call = async (token: string) =>
      (await fetch(server.mcpUrl, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }) })).status;
    assert.equal(await call(await brokerToken()), 200);
    const { privateKey: foreign } = await generateKeyPair('ES256');
    const cases: Array<[string, Promise<string>, number]> = [
      ['the provider\'s issuer', brokerToken({ iss: upstream.issuer }), 401],
      ['another audience', brokerToken({ aud: 'https://other.example.com/mcp' }), 401],
      ['expired', brokerToken({}, undefined, -60), 401],
      ['a key this server does not hold', brokerToken({}, foreign), 401],
      ['without the required scopes', brokerToken({ scope: '' }), provider.scopes.length > 0 ? 403 : 200],
      ['not an access token (typ JWT, like an ID token)', brokerToken({}, undefined, 600, 'JWT'), 401],
    ];
    for (const [name, token, status] of cases) assert.equal(await call(await token), status, name);
  });

  test('your own consent page (consentPage) replaces the built-in one and drives the same sign-in', async () => {
    const custom = await startTestServer(
      (resource) => ({ OAUTH_ISSUER: upstream.issuer, OAUTH_SCOPES: provider.scopes.join(' '), ...provider.env({ issuer: upstream.issuer, resource }), OAUTH_SIGN_IN: 'broker', OAUTH_BROKER_CLIENT_ID: 'broker-test-client', OAUTH_BROKER_CLIENT_SECRET: 'broker-test-secret', OAUTH_BROKER_STORE: 'memory' }),
      { consentPage: (details) => `<!doctype html><title>Ours</title><p>Custom consent for ${details.clientName} going back to ${details.redirectHost}</p><form method="post" action="${details.action}"><button name="consent" value="allow">Yes</button></form>` },
    );
    try {
      const base = new URL(custom.mcpUrl).origin;
      const registered = await fetch(`${base}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_name: 'Test host', redirect_uris: [HOST_REDIRECT], token_endpoint_auth_method: 'none' }) });
      const clientId = ((await registered.json()) as { client_id: string }).client_id;
      const authorize = new URL(`${base}/oauth/authorize`);
      authorize.search = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: HOST_REDIRECT, state: 's', code_challenge: createHash('sha256').update('v'.repeat(43)).digest('base64url'), code_challenge_method: 'S256' }).toString();
      const browser = new Browser();
      const consentUrl = new URL((await browser.go(authorize.href)).headers.get('location')!, base).href;
      const page = await (await browser.go(consentUrl)).text();
      assert.match(page, /Custom consent for Test host going back to chatgpt\.com/);
      const allowed = await browser.go(consentUrl, 'consent=allow');
      assert.equal(allowed.status, 303);
      const toProvider = new URL(allowed.headers.get('location')!);
      assert.equal(toProvider.origin + toProvider.pathname, upstream.authorizeEndpoint);
      assert.equal(toProvider.searchParams.get('client_id'), 'broker-test-client');
    } finally {
      await custom.close();
    }
  });

  test('the user presses Cancel: the host gets access_denied and the provider is never asked', async () => {
    const before = upstream.redeemed();
    const answer = await signIn(await register(), 'deny');
    assert.equal(answer.get('error'), 'access_denied');
    assert.equal(answer.get('code'), null);
    assert.equal(upstream.redeemed(), before);
  });
});
