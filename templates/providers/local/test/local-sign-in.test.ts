/**
 * The whole OAuth flow against the embedded development authorization server, as MCP Inspector or
 * any MCP client performs it: 401 → protected resource metadata → authorization server metadata →
 * dynamic registration → authorize with PKCE and the resource → sign in → token → tool call.
 */
import { Client, StreamableHTTPClientTransport, UnauthorizedError } from '@modelcontextprotocol/client';
import { decodeJwt } from 'jose';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Browser, ScriptedOAuthClient } from './support/sign-in.js';
import { startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
const dataDir = mkdtempSync(path.join(tmpdir(), 'local-as-'));

before(async () => {
  process.env.LOCAL_AUTH_DATA_DIR = dataDir;
  server = await startTestServer(() => ({ OAUTH_SCOPES: 'mcp:tools', AUTH_MODE: 'required' }));
});

after(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('an MCP client signs in through the local server and the protected tool sees who signed in', async () => {
  const origin = new URL(server.mcpUrl).origin;
  const oauth = new ScriptedOAuthClient(new Browser(`${origin}/oauth`), 'ada');
  const url = new URL(server.mcpUrl);

  // First attempt: 401, then discovery, registration and the sign-in pages run inside the SDK.
  await assert.rejects(new Client({ name: 'test', version: '1.0.0' }).connect(new StreamableHTTPClientTransport(url, { authProvider: oauth })), UnauthorizedError);
  const callback = oauth.callback;
  assert.ok(callback, 'the client was sent through the sign-in pages');
  assert.ok(callback.searchParams.get('code'), 'the sign-in ended with an authorization code');

  const transport = new StreamableHTTPClientTransport(url, { authProvider: oauth });
  // The whole query: the server sends `iss` with the code (RFC 9207) and the SDK checks it.
  await transport.finishAuth(callback.searchParams);
  const token = oauth.tokens()?.access_token ?? '';
  assert.equal(decodeJwt(token).aud, server.mcpUrl, 'the token is bound to this server (RFC 8707)');

  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(transport);
  const result = await client.callTool({ name: 'whoami', arguments: {} });
  const user = result.structuredContent as { subject: string; scopes: string[]; provider: string };
  assert.equal(user.subject, 'ada');
  assert.deepEqual(user.scopes, ['mcp:tools']);
  await client.close();
});

test('the server mints development tokens that it accepts', async () => {
  const token = await server.mintToken!({ sub: 'grace', scopes: ['mcp:tools'] });
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(server.mcpUrl), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  const result = await client.callTool({ name: 'whoami', arguments: {} });
  assert.equal((result.structuredContent as { subject: string }).subject, 'grace');
  await client.close();
});
