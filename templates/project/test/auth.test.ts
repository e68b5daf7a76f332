/**
 * The authorization contract of this server, offline: a local issuer with real keys signs tokens
 * shaped like your provider's, and the server must accept exactly the right ones.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hs256Token, startTestIssuer, unsignedToken, type TestIssuer } from './support/issuer.js';
import { testProvider as provider } from './support/provider.js';
import { initialize, parseChallenge, startTestServer, type TestServer } from './support/server.js';

let issuer: TestIssuer;
let server: TestServer;
let prmUrl: string;

const claims = (scopes = provider.scopes) => provider.claims({ issuer: issuer.issuer, resource: server.mcpUrl, scopes });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const rpcHeaders = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' };
/** A raw tools/call, to look at the status and the challenge. */
const toolCall = (url: string, name: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { ...rpcHeaders, ...headers }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: name === 'hello' ? { name: 'Ada' } : {} } }) });
const pick = ({ error, scope, resource_metadata }: Record<string, string>) => ({ error, scope, resource_metadata });

before(async () => {
  // A provider that signs in only through the broker has no direct sign-in to test here.
  if (provider.brokerOnly) return;
  issuer = await startTestIssuer(provider.issuerPath);
  server = await startTestServer((resource) => ({
    OAUTH_ISSUER: issuer.issuer,
    OAUTH_SCOPES: provider.scopes.join(' '),
    AUTH_MODE: 'required',
    ...provider.env({ issuer: issuer.issuer, resource }),
  }));
  prmUrl = server.mcpUrl.replace('/mcp', '/.well-known/oauth-protected-resource/mcp');
});

after(async () => {
  await server?.close();
  await issuer?.close();
});

describe(`${provider.name}: required mode`, { skip: provider.brokerOnly ?? false }, () => {
  test('protected resource metadata is served at both well-known URLs and names the issuer exactly', async () => {
    const pathForm = await fetch(prmUrl);
    const rootForm = await fetch(server.mcpUrl.replace('/mcp', '/.well-known/oauth-protected-resource'));
    assert.equal(pathForm.status, 200);
    assert.equal(rootForm.status, 200);
    const document = await pathForm.json();
    assert.deepEqual(await rootForm.json(), document);
    assert.equal(document.resource, server.mcpUrl);
    assert.equal(document.authorization_servers[0], issuer.issuer);
    // OAUTH_SCOPES first, then every scope a tool needs of its own; never offline_access.
    assert.deepEqual(document.scopes_supported.slice(0, provider.scopes.length), provider.scopes);
    assert.ok(!document.scopes_supported.includes('offline_access'));
  });

  test('no token: 401 with resource_metadata and scope, and no error code', async () => {
    const response = await initialize(server.mcpUrl);
    assert.equal(response.status, 401);
    const challenge = parseChallenge(response.headers.get('www-authenticate'));
    assert.equal(challenge.resource_metadata, prmUrl);
    assert.equal(challenge.scope, provider.scopes.join(' '));
    assert.equal(challenge.error, undefined);
  });

  test('no token on a tool call, public or protected: 401 naming the scopes the call needs, and no error code', async () => {
    for (const name of ['hello', 'whoami']) {
      const response = await toolCall(server.mcpUrl, name);
      assert.equal(response.status, 401, name);
      const challenge = parseChallenge(response.headers.get('www-authenticate'));
      assert.equal(challenge.scope, provider.scopes.join(' '), name);
      assert.equal(challenge.error, undefined, name);
    }
  });

  test('tools/list: every tool, the public one too, declares oauth2 with OAUTH_SCOPES (and its own), top level and in _meta', async () => {
    const response = await fetch(server.mcpUrl, { method: 'POST', headers: { ...rpcHeaders, ...bearer(await issuer.mint(claims())) }, body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }) });
    assert.equal(response.status, 200);
    const text = await response.text();
    const { result } = JSON.parse(text.includes('data: ') ? text.split('\n').find((line) => line.startsWith('data: '))!.slice(6) : text);
    // Each needs at least OAUTH_SCOPES (a tool may need scopes of its own on top).
    for (const tool of result.tools as Array<{ name: string; securitySchemes: Array<{ type: string; scopes: string[] }>; _meta: { securitySchemes: unknown } }>) {
      assert.deepEqual(tool._meta.securitySchemes, tool.securitySchemes, tool.name);
      assert.equal(tool.securitySchemes.length, 1, tool.name);
      assert.equal(tool.securitySchemes[0]!.type, 'oauth2', tool.name);
      assert.deepEqual(tool.securitySchemes[0]!.scopes.slice(0, provider.scopes.length), provider.scopes, tool.name);
      if (tool.name === 'hello') assert.deepEqual(tool.securitySchemes[0]!.scopes, provider.scopes);
    }
  });

  test('a valid token reaches the protected tool, which sees who signed in', async () => {
    const token = await issuer.mint(claims());
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(server.mcpUrl), { requestInit: { headers: bearer(token) } }));
    const listed = (await client.listTools()).tools.map((tool) => tool.name);
    assert.ok(listed.includes('whoami'), 'whoami is listed');
    const result = await client.callTool({ name: 'whoami', arguments: {} });
    assert.equal(result.isError, undefined);
    const user = result.structuredContent as { subject: string; scopes: string[] };
    assert.equal(user.subject, claims().sub);
    for (const scope of provider.scopes) assert.ok(user.scopes.includes(scope), `scopes ${user.scopes} lack ${scope}`);
    await client.close();
  });

  const rejected: Array<[string, () => Promise<string>]> = [
    ['expired', () => issuer.mint(claims(), { expiresIn: -300 })],
    ['wrong issuer', () => issuer.mint({ ...claims(), iss: 'https://evil.example.com/' })],
    ['bound to another API or client', () => issuer.mint(provider.wrongBinding(claims()))],
    ['signed by a key the issuer does not publish', () => issuer.mint(claims(), { foreign: true })],
    ['alg none', async () => unsignedToken(claims())],
    ['HS256', () => hs256Token(claims(), 'a-shared-secret-the-attacker-knows')],
    ['garbage', async () => 'not-a-jwt'],
  ];
  for (const [name, makeToken] of rejected) {
    test(`rejects a token that is ${name}: 401 invalid_token`, async () => {
      const response = await initialize(server.mcpUrl, bearer(await makeToken()));
      assert.equal(response.status, 401);
      const challenge = parseChallenge(response.headers.get('www-authenticate'));
      assert.equal(challenge.error, 'invalid_token');
      assert.equal(challenge.resource_metadata, prmUrl);
    });
  }

  test('a valid token without the required scope: 403 insufficient_scope naming the scope', async () => {
    const token = await issuer.mint(claims([]));
    const response = await initialize(server.mcpUrl, bearer(token));
    assert.equal(response.status, 403);
    const challenge = parseChallenge(response.headers.get('www-authenticate'));
    assert.equal(challenge.error, 'insufficient_scope');
    assert.equal(challenge.scope, provider.scopes.join(' '));
  });

  test('a tool call with a token without the scopes, or a bad token: the challenge names the scopes the call needs', async () => {
    const lacking = await toolCall(server.mcpUrl, 'whoami', bearer(await issuer.mint(claims([]))));
    assert.equal(lacking.status, 403);
    assert.deepEqual(pick(parseChallenge(lacking.headers.get('www-authenticate'))), { error: 'insufficient_scope', scope: provider.scopes.join(' '), resource_metadata: prmUrl });
    assert.match(server.logs.join('\n'), /warn  auth: tools\/call of whoami with token sha256:[0-9a-f]{12}, which lacks the scope /);
    const expired = await toolCall(server.mcpUrl, 'whoami', bearer(await issuer.mint(claims(), { expiresIn: -300 })));
    assert.equal(expired.status, 401);
    assert.deepEqual(pick(parseChallenge(expired.headers.get('www-authenticate'))), { error: 'invalid_token', scope: provider.scopes.join(' '), resource_metadata: prmUrl });
  });

  test('a token in the query string is ignored', async () => {
    const token = await issuer.mint(claims());
    const response = await initialize(`${server.mcpUrl}?access_token=${token}`);
    assert.equal(response.status, 401);
  });

  test('two Authorization headers: 400 invalid_request, whichever comes first', async () => {
    const token = await issuer.mint(claims());
    // fetch would merge the two lines into one; node:http sends them as given.
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(server.mcpUrl, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' } });
      req.setHeader('authorization', [`Bearer ${token}`, 'Bearer not-a-jwt']);
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end('{}');
    });
    assert.equal(status, 400);
  });

  test('a body that is not JSON: a JSON-RPC parse error, never an HTML page with a stack trace', async () => {
    const response = await fetch(server.mcpUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${await issuer.mint(claims())}` }, body: '{"jsonrpc":' });
    assert.equal(response.status, 400);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    const body = await response.text();
    assert.match(body, /Parse error/);
    assert.doesNotMatch(body, /\bat .+:\d+:\d+/);
  });

  test('failed attempts are logged with a fingerprint, never the token', async () => {
    const token = await issuer.mint(claims(), { expiresIn: -300 });
    await initialize(server.mcpUrl, bearer(token));
    const joined = server.logs.join('\n');
    assert.match(joined, /rejected token sha256:[0-9a-f]{12}: Token has expired/);
    for (const part of token.split('.')) assert.ok(!joined.includes(part), 'a token segment leaked into the log');
  });
});

// The façade sign-in (OAUTH_SIGN_IN=facade, see src/auth/facade.ts): hosts see this server as their
// authorization server; the tokens stay the provider's. The local provider is its own server.
describe(`${provider.name}: façade sign-in`, { skip: provider.brokerOnly ?? (provider.issuerPath === '/oauth' ? 'the local provider has no façade' : false) }, () => {
  let facade: TestServer;
  let origin: string;

  before(async () => {
    facade = await startTestServer((resource) => ({
      OAUTH_ISSUER: issuer.issuer,
      OAUTH_SCOPES: provider.scopes.join(' '),
      OAUTH_SIGN_IN: 'facade',
      ...provider.env({ issuer: issuer.issuer, resource }),
    }));
    origin = new URL(facade.mcpUrl).origin;
  });

  // A src/app.ts written before the façade existed does not wire it: say so instead of failing.
  const wired = async (t: { skip(message: string): void }) => {
    if ('hostIssuer' in facade) return true;
    t.skip('src/app.ts predates the façade sign-in: switch it to createAuth from src/auth/index.ts (README, "How auth works")');
    return false;
  };
  after(async () => {
    await facade?.close();
  });

  test('the protected resource metadata names this server, whose metadata echoes it and lists S256 and only its scopes', async (t) => {
    if (!(await wired(t))) return;
    const prm = await (await fetch(facade.mcpUrl.replace('/mcp', '/.well-known/oauth-protected-resource/mcp'))).json();
    assert.equal(prm.authorization_servers[0], origin);
    const response = await fetch(`${origin}/.well-known/oauth-authorization-server`);
    assert.equal(response.status, 200);
    const metadata = await response.json();
    assert.equal(metadata.issuer, origin);
    assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
    assert.deepEqual(metadata.response_types_supported, ['code']);
    assert.deepEqual(metadata.scopes_supported.slice(0, provider.scopes.length), provider.scopes);
    // The provider's keys: the façade has none of its own.
    assert.equal(metadata.jwks_uri, `${new URL(issuer.issuer).origin}/jwks`);
    assert.ok(!('registration_endpoint' in metadata));
  });

  // Keycloak, for one, says so (authorization_response_iss_parameter_supported); hosts would compare
  // that iss with this server's and refuse every sign-in, so the server does not start at all.
  test('a provider that sends iss in authorization responses (RFC 9207): the server refuses to start, with the way out', async (t) => {
    if (!(await wired(t))) return;
    // With S256 in its metadata, direct sign-in is what to use; without, doctor knows what this provider offers.
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{}, /already publishes code_challenge_methods_supported with S256.*set OAUTH_SIGN_IN=direct/],
      [{ code_challenge_methods_supported: undefined }, /publishes no S256 .*npx create-fastapps doctor says which sign-in works with it/],
    ];
    for (const [metadata, way] of cases) {
      const sendsIss = await startTestIssuer(provider.issuerPath, { metadata: { authorization_response_iss_parameter_supported: true, ...metadata } });
      try {
        const started = startTestServer((resource) => ({
          OAUTH_ISSUER: sendsIss.issuer,
          OAUTH_SCOPES: provider.scopes.join(' '),
          OAUTH_SIGN_IN: 'facade',
          ...provider.env({ issuer: sendsIss.issuer, resource }),
        }));
        await assert.rejects(started, (error: Error) => {
          assert.equal(error.name, 'FacadeError');
          assert.match(error.message, /sends iss in its authorization responses \(RFC 9207\).*cannot sit behind a façade/);
          assert.match(error.message, way);
          return true;
        });
      } finally {
        await sendsIss.close();
      }
    }
  });

  test("the provider's token is verified exactly as in direct sign-in", async (t) => {
    if (!(await wired(t))) return;
    const facadeClaims = provider.claims({ issuer: issuer.issuer, resource: facade.mcpUrl, scopes: provider.scopes });
    const ok = await initialize(facade.mcpUrl, bearer(await issuer.mint(facadeClaims)));
    assert.equal(ok.status, 200);
    // A token naming the façade as its issuer is not one the provider issued.
    const wrong = await initialize(facade.mcpUrl, bearer(await issuer.mint({ ...facadeClaims, iss: origin })));
    assert.equal(wrong.status, 401);
  });
});
