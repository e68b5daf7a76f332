/**
 * The spine, end to end, for one provider: a local issuer serving that provider's discovery
 * document → the real CLI, non-interactive, with install → type-check and build the project →
 * start it → talk to it over HTTP with the MCP SDK client, with tokens shaped like the provider's.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { execa } from 'execa';
import { generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { jsonFinding, type JsonReport } from '../helpers/doctor.js';
import { freePort, parseChallenge, postInitialize, startProcess, whoamiAs, type RunningProject } from '../helpers/generated-server.js';
import type { FakeProvider } from '../helpers/fake-providers.js';
import { startIssuerServer, type IssuerServer } from '../helpers/issuer-server.js';
import { CHATGPT_PKCE_REFUSAL, HostRefusal, signInAsHost } from '../helpers/strict-host.js';
import type { ProviderCase } from './provider-cases.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function providerE2E(spec: ProviderCase): void {
  describe(`create --provider ${spec.provider}, end to end`, () => {
    let issuer: IssuerServer;
    let project: RunningProject;
    let dir: string;
    let resource: string;
    let prmUrl: string;
    let scopes: string[];
    const claims = (granted = scopes) => spec.claims({ issuer: issuer.issuer, resource, scopes: granted });
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

    beforeAll(async () => {
      const port = await freePort();
      resource = `http://127.0.0.1:${port}/mcp`;
      // A façade provider, or a direct one with a fake, runs against a fake that refuses what the real provider refuses.
      issuer = spec.facade ? await spec.facade.start() : spec.direct ? await spec.direct.start(resource) : await startIssuerServer({ fixture: spec.fixture });
      prmUrl = `http://127.0.0.1:${port}/.well-known/oauth-protected-resource/mcp`;
      scopes = spec.scopes(resource);
      dir = path.join(tempDir(), 'app');
      const created = await runCli([dir, '--provider', spec.provider, ...spec.flags(issuer.issuer), '--resource', resource, '--no-git', '--pm', 'npm'], { cwd: path.dirname(dir) });
      expect(created.stderr).toBe('');
      expect(created.exitCode, created.stdout).toBe(0);
      expect(created.stdout).toContain(`Issuer ${issuer.issuer} checked`);
      expect(created.stdout).toContain('Installed dependencies with npm');
      const typecheck = await execa('npm', ['run', 'typecheck'], { cwd: dir, reject: false, all: true });
      expect(typecheck.exitCode, typecheck.all).toBe(0);
      const build = await execa('npm', ['run', 'build'], { cwd: dir, reject: false, all: true });
      expect(build.exitCode, build.all).toBe(0);
      // The project's own offline tests pass right after create (a local issuer signs its tokens).
      const ownTests = await execa('npm', ['test'], { cwd: dir, reject: false, all: true });
      expect(ownTests.exitCode, ownTests.all).toBe(0);
      expect(ownTests.all).toMatch(/(#|ℹ) fail 0/);
      expect(ownTests.all).toMatch(/(#|ℹ) pass [1-9]/);
      project = await startProcess(dir, ['node', 'dist/index.js'], { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' });
    }, 300_000);

    afterAll(async () => {
      await project?.stop();
      await issuer?.close();
    });

    test('fastapps.json records the answers and the passed issuer check', () => {
      const manifest = JSON.parse(readFileSync(path.join(dir, 'fastapps.json'), 'utf8'));
      expect(manifest.provider).toBe(spec.provider);
      expect(manifest.issuer).toBe(issuer.issuer);
      expect(manifest.resource).toBe(resource);
      expect(manifest.scopes).toEqual(scopes);
      expect(manifest.issuerCheck).toBe('passed');
      expect(manifest.signIn).toBe(spec.signIn);
    });

    test('protected resource metadata names the issuer byte for byte, at both URLs', async () => {
      const pathForm = await fetch(prmUrl);
      const rootForm = await fetch(prmUrl.replace('/mcp', ''));
      expect(pathForm.status).toBe(200);
      expect(rootForm.status).toBe(200);
      const document = (await pathForm.json()) as { resource: string; authorization_servers: string[] };
      expect(await rootForm.json()).toEqual(document);
      expect(document.resource).toBe(resource);
      // direct: the provider; facade: this server's own issuer, the origin of the MCP URL.
      expect(document.authorization_servers[0]).toBe(spec.signIn === 'facade' ? new URL(resource).origin : issuer.document.issuer);
    });

    test('no token: 401 with resource_metadata', async () => {
      const response = await postInitialize(resource);
      expect(response.status).toBe(401);
      const challenge = parseChallenge(response.headers.get('www-authenticate'));
      expect(challenge.resource_metadata).toBe(prmUrl);
      expect(challenge.error).toBeUndefined();
    });

    test(`a token shaped like ${spec.provider}'s reaches the protected tool`, async () => {
      const token = await issuer.mint(claims());
      const client = new Client({ name: 'e2e', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(resource), { requestInit: { headers: bearer(token) } }));
      const result = await client.callTool({ name: 'whoami', arguments: {} });
      expect(result.isError).toBeFalsy();
      const user = result.structuredContent as { subject: string; scopes: string[] };
      expect(user.subject).toBe(claims().sub);
      expect(user.scopes).toEqual(expect.arrayContaining(scopes));
      await client.close();
    });

    const rejected: Array<[string, () => Promise<string>]> = [
      ['from another issuer', () => issuer.mint({ ...claims(), iss: `${issuer.issuer}x` })],
      ['bound to another audience or client', () => issuer.mint(spec.wrongBinding(claims()))],
      ['expired', () => issuer.mint({ ...claims(), exp: Math.floor(Date.now() / 1000) - 300 })],
      ['signed by a foreign key', async () => issuer.mint(claims(), { key: (await generateKeyPair('RS256')).privateKey, kid: issuer.keys.rs256.kid })],
      ['unsigned (alg none)', async () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: issuer.issuer, iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 600, ...claims() })}.`],
      ['HS256 with a guessable secret', async () => new SignJWT(claims() as JWTPayload).setProtectedHeader({ alg: 'HS256', kid: issuer.keys.rs256.kid }).setIssuedAt().setExpirationTime('5m').sign(new TextEncoder().encode('secret'))],
    ];
    for (const [name, makeToken] of rejected) {
      test(`a token ${name}: 401 invalid_token`, async () => {
        const response = await postInitialize(resource, bearer(await makeToken()));
        expect(response.status).toBe(401);
        const challenge = parseChallenge(response.headers.get('www-authenticate'));
        expect(challenge.error).toBe('invalid_token');
        expect(challenge.resource_metadata).toBe(prmUrl);
      });
    }

    test('a valid token without the required scope: 403 insufficient_scope', async () => {
      const response = await postInitialize(resource, bearer(await issuer.mint(claims([]))));
      expect(response.status).toBe(403);
      const challenge = parseChallenge(response.headers.get('www-authenticate'));
      expect(challenge.error).toBe('insufficient_scope');
      expect(challenge.scope).toBe(scopes.join(' '));
    });

    if (spec.portalScope) {
      const { bare, qualified } = spec.portalScope;
      test(`OAUTH_SCOPES=${bare} as the portal shows it: a token whose scp says ${bare} reaches the tool; one without it gets 403 naming ${qualified}`, async () => {
        // The installed project, started again with the scope in the portal's form.
        const port = await freePort();
        const url = `http://127.0.0.1:${port}/mcp`;
        const running = await startProcess(dir, ['node', 'dist/index.js'], { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: String(port), MCP_RESOURCE_URL: url, OAUTH_SCOPES: bare });
        try {
          const granted = spec.claims({ issuer: issuer.issuer, resource: url, scopes: [qualified] });
          expect(granted.scp, 'the provider puts the bare name in the token').toBe(bare);
          const client = new Client({ name: 'e2e', version: '1.0.0' });
          await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: bearer(await issuer.mint(granted)) } }));
          const result = await client.callTool({ name: 'whoami', arguments: {} });
          await client.close();
          expect(result.isError, JSON.stringify(result)).toBeFalsy();
          expect((result.structuredContent as { scopes: string[] }).scopes).toContain(qualified);

          // A token with another scope of the API (the default one) but not this one.
          const other = spec.claims({ issuer: issuer.issuer, resource: url, scopes: scopes });
          const refused = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18', ...bearer(await issuer.mint(other)) },
            body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } }),
          });
          expect(refused.status).toBe(403);
          expect(parseChallenge(refused.headers.get('www-authenticate'))).toMatchObject({ error: 'insufficient_scope', scope: qualified });
          // Hosts request what the metadata says: the qualified form, never the bare one.
          const prm = (await (await fetch(url.replace('/mcp', '/.well-known/oauth-protected-resource/mcp'))).json()) as { scopes_supported: string[] };
          expect(prm.scopes_supported).toEqual([qualified]);
        } finally {
          await running.stop();
        }
      });
    }

    if (spec.facade) facadeTests(() => ({ issuer: issuer as FakeProvider, resource, scopes, dir, project }), spec);
    if (spec.direct) directTests(() => ({ issuer: issuer as FakeProvider, resource, scopes, dir }), spec);

    test('the server log names what it enforces and never prints a token', async () => {
      const token = await issuer.mint({ ...claims(), exp: Math.floor(Date.now() / 1000) - 300 });
      await postInitialize(resource, bearer(token));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const log = project.output();
      expect(log).toContain(`issuer ${issuer.issuer}`);
      expect(log).toMatch(/rejected token sha256:[0-9a-f]{12}: Token has expired/);
      for (const part of token.split('.')) expect(log).not.toContain(part);
    });
  });
}

/**
 * Direct sign-in at the provider's fake, set up as AUTH_SETUP.md says: the strict host registers
 * itself as ChatGPT does and reaches the protected tool; then each setup step left out, and what
 * the user meets (the host's refusal, or the server's 401 and doctor's fix), which AUTH_SETUP.md
 * must name.
 */
function directTests(get: () => { issuer: FakeProvider; resource: string; scopes: string[]; dir: string }, spec: ProviderCase): void {
  const direct = spec.direct!;
  const signIn = (issuer: FakeProvider, resource: string) => signInAsHost({ mcpUrl: resource, redirectUri: direct.redirectUri, user: { username: issuer.user.username, password: issuer.user.password } });

  test(`a strict host registers itself like ChatGPT, signs in at ${spec.provider} directly, reaches the protected tool as the ${spec.provider} subject and refreshes`, async () => {
    const { issuer, resource, scopes } = get();
    const clientsBefore = issuer.clients.length;
    const session = await signIn(issuer, resource);
    expect(session.metadata.issuer).toBe(issuer.issuer);
    expect(issuer.clients.length, 'the host registered a client of its own').toBe(clientsBefore + 1);
    expect(session.clientId).toBe(issuer.clients.at(-1)!.id);
    const user = await whoamiAs(resource, session.accessToken);
    expect(user.subject).toBe(issuer.user.sub);
    expect(user.scopes).toEqual(expect.arrayContaining(scopes));
    const refreshed = await session.refresh();
    expect((await whoamiAs(resource, refreshed.access_token as string)).subject).toBe(issuer.user.sub);
  });

  const setup = () => readFileSync(path.join(get().dir, 'AUTH_SETUP.md'), 'utf8');
  for (const trap of direct.traps) {
    test(`${trap.name}: ${trap.hostRefusal ? 'the host\'s refusal says so' : 'the server answers 401 invalid_token and doctor --token names the fix'}, as AUTH_SETUP.md does`, async () => {
      const { issuer, resource, dir } = get();
      expect(setup()).toMatch(trap.authSetup);
      const redo = trap.skip(issuer);
      try {
        if (trap.hostRefusal) {
          const refused = await signIn(issuer, resource).catch((error: unknown) => error);
          expect(refused).toBeInstanceOf(HostRefusal);
          expect((refused as Error).message).toMatch(trap.hostRefusal);
        } else {
          const session = await signIn(issuer, resource);
          const response = await postInitialize(resource, { authorization: `Bearer ${session.accessToken}` });
          expect(response.status).toBe(401);
          const challenge = parseChallenge(response.headers.get('www-authenticate'));
          expect(challenge.error).toBe('invalid_token');
          expect(challenge.error_description).toMatch(trap.rejected!.serverSays);
          // doctor, run inside the project with the host's token, names the same fix.
          const doctor = await runCli(['doctor', '--token', session.accessToken, '--json'], { cwd: dir });
          const audience = jsonFinding(JSON.parse(doctor.stdout) as JsonReport, 'token.audience');
          expect(audience.status).toBe('fail');
          expect(audience.fix).toMatch(trap.rejected!.doctorFix);
          expect(doctor.exitCode).toBe(1);
        }
      } finally {
        redo();
      }
      // With the step taken again, the same host signs in.
      expect((await whoamiAs(resource, (await signIn(issuer, resource)).accessToken)).subject).toBe(issuer.user.sub);
    });
  }
}

/** What the hosts see of a façade, and the sign-in they complete through it (SPEC §9). */
function facadeTests(get: () => { issuer: FakeProvider; resource: string; scopes: string[]; dir: string; project: RunningProject }, spec: ProviderCase): void {
  const facade = spec.facade!;

  test('the façade metadata echoes its issuer and lists S256, the provider\'s keys and only this server\'s scopes', async () => {
    const { issuer, resource, scopes } = get();
    const origin = new URL(resource).origin;
    const response = await fetch(`${origin}/.well-known/oauth-authorization-server`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as Record<string, unknown>;
    expect(document.issuer).toBe(origin);
    expect(document.code_challenge_methods_supported).toEqual(['S256']);
    expect(document.response_types_supported).toEqual(['code']);
    expect(document.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token']));
    expect(document.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['none', ...(issuer.document.token_endpoint_auth_methods_supported as string[])]));
    expect(document.jwks_uri).toBe(issuer.document.jwks_uri);
    expect(document.scopes_supported).toEqual(scopes);
    expect(document.registration_endpoint).toBeUndefined();
    expect(document.authorization_response_iss_parameter_supported).toBeUndefined();
    if (facade.passThrough) {
      expect(document.authorization_endpoint).toBe(`${origin}/oauth/authorize`);
      expect(document.token_endpoint).toBe(`${origin}/oauth/token`);
    } else {
      expect(document.authorization_endpoint).toBe(issuer.document.authorization_endpoint);
      expect(document.token_endpoint).toBe(issuer.document.token_endpoint);
    }
    // No OpenID Connect document: ID tokens are the provider's and name its issuer.
    expect((await fetch(`${origin}/.well-known/openid-configuration`)).status).toBe(404);
  });

  test(`a strict host signs in like ChatGPT (a confidential client) and the protected widget shows the ${spec.provider} subject`, async () => {
    const { issuer, resource } = get();
    const before = { authorize: issuer.authorizeRequests.length, token: issuer.tokenRequests.length };
    const session = await signInAsHost({ mcpUrl: resource, redirectUri: facade.chatgpt.redirectUri, client: facade.chatgpt.client, user: { username: issuer.user.username, password: issuer.user.password } });
    expect(session.metadata.issuer).toBe(new URL(resource).origin);
    const user = await whoamiAs(resource, session.accessToken);
    expect(user.subject).toBe(issuer.user.sub);
    // What reached the provider: Entra never sees the resource it would refuse; Cognito gets the host's request unchanged.
    const authorize = issuer.authorizeRequests.slice(before.authorize);
    const token = issuer.tokenRequests.slice(before.token);
    expect(authorize.length).toBeGreaterThan(0);
    expect(token).toHaveLength(1);
    for (const request of [...authorize, ...token]) expect(request.get('resource')).toBe(facade.passThrough ? null : resource);
  });

  test('a strict host signs in like Claude Code (a public client, PKCE only) and refreshes', async () => {
    const { issuer, resource } = get();
    // The host asks for exactly what the server advertises (no offline_access: it must not be there).
    const session = await signInAsHost({
      mcpUrl: resource,
      redirectUri: facade.claudeCode.redirectUri,
      client: facade.claudeCode.client,
      user: { username: issuer.user.username, password: issuer.user.password },
    });
    expect((await whoamiAs(resource, session.accessToken)).subject).toBe(issuer.user.sub);
    const refreshed = await session.refresh();
    expect((await whoamiAs(resource, refreshed.access_token as string)).subject).toBe(issuer.user.sub);
  });

  test('the same project in direct sign-in: the strict host refuses the provider\'s metadata as ChatGPT does', async () => {
    const { issuer, dir } = get();
    const port = await freePort();
    const direct = `http://127.0.0.1:${port}/mcp`;
    const running = await startProcess(dir, ['node', 'dist/index.js'], { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: String(port), MCP_RESOURCE_URL: direct, OAUTH_SIGN_IN: 'direct' });
    try {
      const prm = (await (await fetch(`http://127.0.0.1:${port}/.well-known/oauth-protected-resource/mcp`)).json()) as { authorization_servers: string[] };
      expect(prm.authorization_servers[0]).toBe(issuer.document.issuer);
      const refused = await signInAsHost({ mcpUrl: direct, redirectUri: facade.chatgpt.redirectUri, client: facade.chatgpt.client, user: {} }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(HostRefusal);
      expect((refused as Error).message).toBe(CHATGPT_PKCE_REFUSAL);
      // doctor says the same, naming the hosts that refuse.
      const doctor = await runCli(['doctor', '--server', direct, '--json'], { cwd: tempDir() });
      const signIn = jsonFinding(JSON.parse(doctor.stdout) as JsonReport, 'server.sign-in');
      expect(signIn.status).toBe('fail');
      expect(signIn.summary).toContain('lists no S256 in code_challenge_methods_supported, so ChatGPT, claude.ai and Claude Desktop, Claude Code refuse to sign in');
      expect(doctor.exitCode).toBe(1);
    } finally {
      await running.stop();
    }
  });

  test('doctor inside the project understands the façade: its metadata and pass-through endpoints pass, naming the hosts', async () => {
    const { dir, resource } = get();
    const result = await runCli(['doctor', '--server', resource, '--json'], { cwd: dir });
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(result.exitCode, result.stdout).toBe(0);
    expect(jsonFinding(report, 'server.prm-authorization-servers').status).toBe('pass');
    expect(jsonFinding(report, 'metadata.pkce')).toMatchObject({ status: 'pass', summary: expect.stringContaining('the façade sign-in publishes ["S256"]') });
    const signIn = jsonFinding(report, 'server.sign-in');
    expect(signIn.status).toBe('pass');
    expect(signIn.summary).toMatch(new RegExp(`^A façade: ${new URL(resource).origin} echoes its own issuer and lists S256 over the provider's endpoints${facade.passThrough ? ', and its pass-through endpoints answer' : ''}; how hosts register: ChatGPT, claude.ai and Claude Desktop, Claude Code, VS Code, Cursor with a client registered by hand at the provider$`));
    // The provider refuses the made-up request (its own OAuth error, relayed): the relay works.
    if (facade.passThrough) expect(signIn.details.join('\n')).toMatch(/POST .*\/oauth\/token with a made-up code: HTTP 40[01] .*"error":"invalid_(grant|client)"/);
  });

  test('a redirect URI the provider does not know: the provider\'s own error reaches the user', async () => {
    const { issuer, resource } = get();
    const refused = await signInAsHost({ mcpUrl: resource, redirectUri: 'https://chatgpt.com/connector/oauth/unknown', client: facade.chatgpt.client, user: { username: issuer.user.username, password: issuer.user.password } }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(HostRefusal);
    expect((refused as Error).message).toMatch(facade.unknownRedirect);
  });

  test('a tampered code: the provider\'s invalid_grant comes back as a 400, not a server error', async () => {
    const { issuer, resource } = get();
    const refused = await signInAsHost({ mcpUrl: resource, redirectUri: facade.chatgpt.redirectUri, client: facade.chatgpt.client, user: { username: issuer.user.username, password: issuer.user.password }, tamperCode: (code) => `${code}x` }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(HostRefusal);
    expect((refused as Error).message).toMatch(/^the token request failed: HTTP 400 .*"error":"invalid_grant"/);
  });

  if (facade.passThrough) {
    test('a host that names no scope (Claude Code may not) still signs in: the pass-through asks for this server\'s scopes', async () => {
      const { issuer, resource, scopes } = get();
      const before = issuer.authorizeRequests.length;
      const session = await signInAsHost({ mcpUrl: resource, redirectUri: facade.claudeCode.redirectUri, client: facade.claudeCode.client, user: { username: issuer.user.username, password: issuer.user.password }, authorizeParams: { scope: undefined } });
      expect((await whoamiAs(resource, session.accessToken)).subject).toBe(issuer.user.sub);
      expect(issuer.authorizeRequests[before]!.get('scope')).toBe([...scopes, 'offline_access'].join(' '));
    });

    test('the token relay passes only the grants hosts use', async () => {
      const { issuer, resource } = get();
      const before = issuer.tokenRequests.length;
      const response = await fetch(`${new URL(resource).origin}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'password', username: 'jane', password: 'x', client_id: facade.chatgpt.client.id }) });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toBe('unsupported_grant_type');
      // A repeated parameter could mean one grant here and another at the provider: refused.
      const repeated = await fetch(`${new URL(resource).origin}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=authorization_code&grant_type=password&client_id=x' });
      expect(repeated.status).toBe(400);
      expect(((await repeated.json()) as { error: string }).error).toBe('invalid_request');
      expect(issuer.tokenRequests.length).toBe(before);
    });

    test('a host asking only for openid still gets a token for this server: the pass-through adds its scopes', async () => {
      const { issuer, resource, scopes } = get();
      const before = issuer.authorizeRequests.length;
      const session = await signInAsHost({ mcpUrl: resource, redirectUri: facade.claudeCode.redirectUri, client: facade.claudeCode.client, user: { username: issuer.user.username, password: issuer.user.password }, authorizeParams: { scope: 'openid' } });
      expect((await whoamiAs(resource, session.accessToken)).subject).toBe(issuer.user.sub);
      expect(issuer.authorizeRequests[before]!.get('scope')).toBe(['openid', ...scopes, 'offline_access'].join(' '));
    });

    test('the provider does not answer during the token relay: 502 with the reason, nothing secret in the log', async () => {
      const { issuer, resource, project } = get();
      const tokenPath = new URL(String(issuer.document.token_endpoint)).pathname;
      issuer.fault(tokenPath, { stallAfterBytes: 0, method: 'POST' });
      const code = 'c0de-that-must-not-be-logged-7f3a';
      try {
        const response = await fetch(`${new URL(resource).origin}/oauth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'authorization_code', code, client_id: facade.chatgpt.client.id, client_secret: 'entra-web-secret', redirect_uri: facade.chatgpt.redirectUri, code_verifier: 'v'.repeat(43), resource }),
        });
        expect(response.status).toBe(502);
        const body = (await response.json()) as { error: string; error_description: string };
        expect(body.error).toBe('temporarily_unavailable');
        expect(body.error_description).toMatch(/token endpoint could not be reached \(no answer within \d+ ms\)/);
      } finally {
        issuer.clearFaults();
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      const log = project.output();
      expect(log).toMatch(/facade: authorization_code token request to .* failed: no answer within \d+ ms/);
      expect(log).not.toContain(code);
      expect(log).not.toContain('entra-web-secret');
      expect(log).not.toMatch(/\n\s+at .+:\d+:\d+/);
    });
  }
}
