/**
 * The first-look journey with no account anywhere: create on the `local` provider, `npm run dev`,
 * and a real MCP client (the SDK's own OAuth support) signs in on the embedded authorization
 * server: 401 → protected resource metadata → authorization server metadata → dynamic
 * registration → authorize with PKCE and the resource → login and consent → token → the protected
 * widget tool returns the signed-in subject.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { execa } from 'execa';
import { decodeJwt } from 'jose';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { freePort, parseChallenge, postInitialize, startProcess, type RunningProject } from '../helpers/generated-server.js';
import { startIssuerServer } from '../helpers/issuer-server.js';

/** The generated project's own sign-in helpers (test/support/sign-in.ts), loaded from the project. */
interface SignInModule {
  Browser: new (authServer: string) => unknown;
  ScriptedOAuthClient: new (browser: unknown, user: string) => OAuthClientProvider & { callback?: URL };
}

describe('create --provider local, npm run dev, and a real sign-in', () => {
  let dir: string;
  let dev: RunningProject;
  let resource: string;
  let origin: string;

  beforeAll(async () => {
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    resource = `${origin}/mcp`;
    dir = path.join(tempDir(), 'demo');
    const created = await runCli([dir, '--provider', 'local', '--resource', resource, '--no-git', '--pm', 'npm'], { cwd: path.dirname(dir) });
    expect(created.exitCode, created.stderr + created.stdout).toBe(0);
    const typecheck = await execa('npm', ['run', 'typecheck'], { cwd: dir, reject: false, all: true });
    expect(typecheck.exitCode, typecheck.all).toBe(0);
    const ownTests = await execa('npm', ['test'], { cwd: dir, reject: false, all: true });
    expect(ownTests.exitCode, ownTests.all).toBe(0);
    // The last line of the start banner.
    dev = await startProcess(dir, ['npm', 'run', 'dev'], { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' }, /connect MCP Inspector/);
  }, 300_000);

  afterAll(async () => {
    await dev?.stop();
  });

  test('npm run dev says it is for development and how to connect MCP Inspector', () => {
    expect(dev.output()).toContain('DEVELOPMENT ONLY');
    expect(dev.output()).toContain(`connect MCP Inspector: npx @modelcontextprotocol/inspector, transport Streamable HTTP, URL ${resource}`);
  });

  test('the MCP SDK client signs in through the embedded server and the protected widget sees who signed in', async () => {
    const { Browser, ScriptedOAuthClient } = (await import(path.join(dir, 'test', 'support', 'sign-in.ts'))) as SignInModule;
    const oauth = new ScriptedOAuthClient(new Browser(`${origin}/oauth`), 'ada');
    const requests: string[] = [];
    const recording: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      requests.push(`${init?.method ?? 'GET'} ${new URL(String(input instanceof Request ? input.url : input)).pathname} ${response.status}`);
      return response;
    };

    await expect(new Client({ name: 'e2e', version: '1.0.0' }).connect(new StreamableHTTPClientTransport(new URL(resource), { authProvider: oauth, fetch: recording }))).rejects.toBeInstanceOf(UnauthorizedError);
    const code = oauth.callback?.searchParams.get('code');
    expect(code, 'the login and consent pages ended with a code').toBeTruthy();
    expect(requests).toEqual(expect.arrayContaining(['POST /mcp 401', 'GET /.well-known/oauth-protected-resource/mcp 200', 'POST /oauth/register 201']));
    expect(requests.some((line) => /^GET \/\.well-known\/(oauth-authorization-server|openid-configuration)\/oauth 200$/.test(line))).toBe(true);

    const transport = new StreamableHTTPClientTransport(new URL(resource), { authProvider: oauth, fetch: recording });
    await transport.finishAuth(code!);
    expect(requests).toContain('POST /oauth/token 200');
    const accessToken = (await oauth.tokens())?.access_token ?? '';
    expect(decodeJwt(accessToken)).toMatchObject({ aud: resource, iss: `${origin}/oauth`, sub: 'ada' });

    const client = new Client({ name: 'e2e', version: '1.0.0' });
    await client.connect(transport);
    const result = await client.callTool({ name: 'whoami', arguments: {} });
    expect(result.structuredContent).toMatchObject({ subject: 'ada', scopes: ['mcp:tools'] });
    await client.close();
  });

  test('protected resource metadata names the embedded issuer byte for byte', async () => {
    const prm = (await (await fetch(`${origin}/.well-known/oauth-protected-resource/mcp`)).json()) as { resource: string; authorization_servers: string[] };
    const as = (await (await fetch(`${origin}/oauth/.well-known/openid-configuration`)).json()) as { issuer: string };
    expect(prm.resource).toBe(resource);
    expect(prm.authorization_servers[0]).toBe(as.issuer);
  });

  test('tokens the server must refuse', async () => {
    const token = async (...args: string[]) => (await execa('npx', ['tsx', 'scripts/token.ts', ...args], { cwd: dir })).stdout.trim();
    const prmUrl = `${origin}/.well-known/oauth-protected-resource/mcp`;

    const none = await postInitialize(resource);
    expect(none.status).toBe(401);
    expect(parseChallenge(none.headers.get('www-authenticate'))).toEqual({ resource_metadata: prmUrl, scope: 'mcp:tools' });

    const expired = await postInitialize(resource, { authorization: `Bearer ${await token('--ttl=-300')}` });
    expect(expired.status).toBe(401);
    expect(parseChallenge(expired.headers.get('www-authenticate')).error_description).toBe('Token has expired');

    const noScope = await postInitialize(resource, { authorization: `Bearer ${await token('--scopes', '')}` });
    expect(noScope.status).toBe(403);
    expect(parseChallenge(noScope.headers.get('www-authenticate'))).toMatchObject({ error: 'insufficient_scope', scope: 'mcp:tools' });

    const stranger = await startIssuerServer();
    try {
      const forged = await stranger.mint({ iss: `${origin}/oauth`, aud: resource, sub: 'mallory', scope: 'mcp:tools' });
      const response = await postInitialize(resource, { authorization: `Bearer ${forged}` });
      expect(response.status).toBe(401);
      expect(parseChallenge(response.headers.get('www-authenticate')).error).toBe('invalid_token');
    } finally {
      await stranger.close();
    }
  });
});
