/**
 * AUTH_MODE=mixed: public tools answer anonymously; protected tools declare `securitySchemes` and
 * answer an anonymous call with the in-band challenge ChatGPT turns into "Sign in"; a bad token is
 * still 401, never downgraded to anonymous; a token without the scope gets the 403 step-up.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestIssuer, type TestIssuer } from './support/issuer.js';
import { testProvider as provider } from './support/provider.js';
import { initialize, parseChallenge, startTestServer, type TestServer } from './support/server.js';

let issuer: TestIssuer;
let server: TestServer;
let prmUrl: string;
const claims = (scopes = provider.scopes) => provider.claims({ issuer: issuer.issuer, resource: server.mcpUrl, scopes });

before(async () => {
  // A provider that signs in only through the broker has no direct sign-in to test here.
  if (provider.brokerOnly) return;
  issuer = await startTestIssuer(provider.issuerPath);
  server = await startTestServer((resource) => ({
    OAUTH_ISSUER: issuer.issuer,
    OAUTH_SCOPES: provider.scopes.join(' '),
    AUTH_MODE: 'mixed',
    ...provider.env({ issuer: issuer.issuer, resource }),
  }));
  prmUrl = server.mcpUrl.replace('/mcp', '/.well-known/oauth-protected-resource/mcp');
});

after(async () => {
  await server?.close();
  await issuer?.close();
});

/** A JSON-RPC call over raw HTTP (to see exactly what goes on the wire). */
async function rpc(method: string, params: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await fetch(server.mcpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18', ...headers },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const text = await response.text();
  const json = text.startsWith('event:') || text.startsWith('data:') ? text.split('\n').find((line) => line.startsWith('data: '))!.slice(6) : text;
  return { status: response.status, headers: response.headers, body: JSON.parse(json) as { result?: any; error?: any } };
}

describe(`${provider.name}: mixed mode`, { skip: provider.brokerOnly ?? false }, () => {
  test('anonymous tools/list lists public and protected tools with their securitySchemes, top level and in _meta', async () => {
    const { status, body } = await rpc('tools/list', {});
    assert.equal(status, 200);
    const tools = Object.fromEntries((body.result.tools as Array<{ name: string; securitySchemes: unknown; _meta: { securitySchemes: unknown } }>).map((tool) => [tool.name, tool]));
    assert.deepEqual(tools.hello!.securitySchemes, [{ type: 'noauth' }]);
    assert.deepEqual(tools.hello!._meta.securitySchemes, [{ type: 'noauth' }]);
    assert.deepEqual(tools.whoami!.securitySchemes, [{ type: 'oauth2', scopes: provider.scopes }]);
    assert.deepEqual(tools.whoami!._meta.securitySchemes, [{ type: 'oauth2', scopes: provider.scopes }]);
  });

  test('a public tool works anonymously', async () => {
    const { status, body } = await rpc('tools/call', { name: 'hello', arguments: { name: 'Ada' }, _meta: { 'openai/locale': 'fr-FR' } });
    assert.equal(status, 200);
    assert.deepEqual(body.result.structuredContent, { greeting: 'Hello, Ada!', name: 'Ada', locale: 'fr-FR' });
  });

  test('a protected tool called anonymously answers with the in-band challenge', async () => {
    const { status, body } = await rpc('tools/call', { name: 'whoami', arguments: {} });
    assert.equal(status, 200);
    assert.equal(body.result.isError, true);
    const challenges = body.result._meta['mcp/www_authenticate'] as string[];
    assert.equal(challenges.length, 1);
    const challenge = parseChallenge(challenges[0]!);
    assert.equal(challenge.resource_metadata, prmUrl);
    assert.equal(challenge.error, 'invalid_token');
    assert.ok(challenge.error_description);
    assert.equal(challenge.scope, provider.scopes.join(' '));
  });

  test('a bad token is 401, never treated as anonymous', async () => {
    for (const token of ['garbage', await issuer.mint(claims(), { expiresIn: -300 }), await issuer.mint(claims(), { foreign: true })]) {
      const response = await initialize(server.mcpUrl, { authorization: `Bearer ${token}` });
      assert.equal(response.status, 401);
      assert.equal(parseChallenge(response.headers.get('www-authenticate')).error, 'invalid_token');
    }
  });

  test('a valid token without the scope: the public tool works, the protected one answers 403 with the scope', async () => {
    const headers = { authorization: `Bearer ${await issuer.mint(claims([]))}` };
    assert.equal((await rpc('tools/call', { name: 'hello', arguments: { name: 'Ada' } }, headers)).status, 200);
    const protectedCall = await rpc('tools/call', { name: 'whoami', arguments: {} }, headers);
    assert.equal(protectedCall.status, 403);
    const challenge = parseChallenge(protectedCall.headers.get('www-authenticate'));
    assert.equal(challenge.error, 'insufficient_scope');
    assert.equal(challenge.scope, provider.scopes.join(' '));
    assert.equal(challenge.resource_metadata, prmUrl);
  });

  test('a valid token with the scope reaches the protected tool', async () => {
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(server.mcpUrl), { requestInit: { headers: { authorization: `Bearer ${await issuer.mint(claims())}` } } }));
    const result = await client.callTool({ name: 'whoami', arguments: {} });
    assert.equal((result.structuredContent as { subject: string }).subject, claims().sub);
    await client.close();
  });
});
