/**
 * The broker sign-in end to end (SPEC §9): the real CLI creates an Entra project with
 * `--sign-in broker`; it is installed, type-checked, built and passes its own tests; then two
 * instances run on one real Redis behind a round-robin proxy, so every step of a sign-in lands on
 * the other instance than the step before. The strict host registers by DCR with no client id,
 * goes through the consent form and the fake Entra's login, and gets the server's own tokens.
 * Then refresh, restarts, Redis going away, and the attacks a broker must refuse.
 */
import { execa } from 'execa';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Browser } from '../helpers/browser.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { jsonFinding, type JsonReport } from '../helpers/doctor.js';
import { startFakeCognito, startFakeEntra, startFakeGitHub, startFakeGoogle, type FakeGitHub, type FakeGoogle, type FakeProvider } from '../helpers/fake-providers.js';
import { freePort, postInitialize, startProcess, whoamiAs, type RunningProject } from '../helpers/generated-server.js';
import { countCommands, startRedis, type RunningRedis } from '../helpers/redis.js';
import { programs, skipWithout } from '../helpers/requires.js';
import { startRoundRobin, type RoundRobin } from '../helpers/round-robin.js';
import { HostRefusal, signInAsHost } from '../helpers/strict-host.js';
import { startHttpsServer, TLS_CERT, type TlsServer } from '../helpers/tls-server.js';

const ENTRA_API_CLIENT = '6f1e9a40-3c2b-4d5e-8f70-112233445566';
const BROKER_CLIENT = '0b9c8d7e-6f5a-4b3c-9d2e-1f0a9b8c7d6e';
const BROKER_SECRET = 'broker-secret-Zr8!q2';
const CHATGPT = 'https://chatgpt.com/connector/oauth/broker-e2e';
const CLAUDE_CODE = 'http://localhost:54545/callback';
const CLAUDE_AI = 'https://claude.ai/api/mcp/auth_callback';
const SCOPE = `api://${ENTRA_API_CLIENT}/mcp.tools`;

const skip = skipWithout(programs.redis, 'the broker end-to-end tests');
const b64url = (bytes: Buffer) => bytes.toString('base64url');

/** The generated project type-checks, builds and passes its own tests, the broker's among them (offline, with `provider`'s token shapes). */
async function buildAndTestProject(dir: string, provider: string): Promise<void> {
  for (const step of [['run', 'typecheck'], ['run', 'build'], ['test']]) {
    const result = await execa('npm', step, { cwd: dir, reject: false, all: true });
    expect(result.exitCode, `npm ${step.join(' ')}\n${result.all}`).toBe(0);
    if (step[0] === 'test') expect(result.all).toMatch(new RegExp(`ok \\d+ - broker sign-in in front of ${provider}`));
  }
}

/** A server process's environment for a broker-only provider's tests: state in memory. */
const memoryEnv = (extra: Record<string, string> = {}) => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', OAUTH_BROKER_STORE: 'memory', ...extra });

/**
 * `create` with `args` (the broker's client secret in the environment, as a user passes it), then the
 * project type-checks, builds and passes its own tests (its broker test in front of `provider`), and
 * starts. Returns what create printed and the running server.
 */
async function createAndStart(dir: string, args: string[], secret: string, provider: string): Promise<{ stdout: string; server: RunningProject }> {
  const created = await runCli([dir, ...args, '--no-git', '--pm', 'npm'], {
    cwd: path.dirname(dir),
    env: { ...process.env, CI: undefined, NO_COLOR: '1', OAUTH_BROKER_CLIENT_SECRET: secret },
  });
  expect(created.exitCode, created.stdout + created.stderr).toBe(0);
  await buildAndTestProject(dir, provider);
  return { stdout: created.stdout, server: await startProcess(dir, ['node', 'dist/index.js'], memoryEnv()) };
}

/** The words a user sees on a page. */
const visible = (page: string) => page.replace(/<(style|head)[\s\S]*?<\/\1>/g, ' ').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 300);
const location = (response: Response, base: string) => new URL(response.headers.get('location')!, base).href;

describe.skipIf(skip)('--sign-in broker on Entra, two instances on one Redis', () => {
  let redis: RunningRedis;
  let entra: FakeProvider;
  let proxy: RoundRobin;
  let dir: string;
  let origin: string;
  let resource: string;
  let ports: number[];
  let instances: RunningProject[] = [];
  let cimd: TlsServer;
  let cimdInstance: RunningProject;
  let cimdOrigin: string;
  // An instance that is its own MCP URL (so hosts reach it alone), for CIMD sign-ins end to end.
  let cimdSelf: RunningProject;
  let cimdSelfUrl: string;
  const cimdHits: string[] = [];

  const env = (port: number, extra: Record<string, string> = {}) => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: String(port), OAUTH_BROKER_STORE: redis.url, LOG_LEVEL: 'debug', ...extra });
  const startInstances = async () => {
    instances = await Promise.all(ports.map((port) => startProcess(dir, ['node', 'dist/index.js'], env(port))));
  };
  const stopInstances = async () => {
    await Promise.all(instances.map((instance) => instance.stop()));
  };
  const logs = () => [...instances.map((instance) => instance.output()), cimdInstance?.output() ?? ''].join('\n');

  beforeAll(async () => {
    redis = await startRedis();
    ports = [await freePort(), await freePort()];
    proxy = await startRoundRobin(ports.map((port) => `http://127.0.0.1:${port}`));
    origin = proxy.url.replace(/\/$/, '');
    resource = `${origin}/mcp`;
    entra = await startFakeEntra({ apiClientId: ENTRA_API_CLIENT, clients: [{ id: BROKER_CLIENT, secret: BROKER_SECRET, redirectUris: [`${origin}/oauth/callback`] }] });
    dir = path.join(tempDir(), 'app');
    const created = await runCli(
      [dir, '--provider', 'azure', '--client-id', ENTRA_API_CLIENT, '--issuer', entra.issuer, '--resource', resource, '--sign-in', 'broker', '--broker-client-id', BROKER_CLIENT, '--no-git', '--pm', 'npm'],
      { cwd: path.dirname(dir), env: { ...process.env, CI: undefined, NO_COLOR: '1', OAUTH_BROKER_CLIENT_SECRET: BROKER_SECRET } },
    );
    expect(created.stderr).toBe('');
    expect(created.exitCode, created.stdout).toBe(0);
    expect(created.stdout).toContain(`${origin}/oauth/callback`);
    expect(created.stdout).not.toContain(BROKER_SECRET);
    await buildAndTestProject(dir, 'Microsoft Entra ID');
    await startInstances();

    // A CIMD host on https (trusted by the third instance only), and that instance, which may fetch from loopback.
    cimd = await startHttpsServer((req, res) => {
      cimdHits.push(req.url ?? '');
      const self = `${cimd.origin}${req.url}`;
      if (req.url === '/client.json') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ client_id: self, client_name: 'CIMD Host', redirect_uris: [CHATGPT], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] }));
      } else if (req.url === '/chatgpt.json') {
        // ChatGPT's own document lists its methods the OpenID Connect way (RP Metadata Choices), without token_endpoint_auth_method (AUTH-FACTS A.3).
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ client_id: self, client_name: 'ChatGPT', redirect_uris: [CHATGPT], token_endpoint_auth_methods_supported: ['none', 'private_key_jwt'], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] }));
      } else if (req.url === '/claude.json') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ client_id: self, client_name: 'Claude', redirect_uris: [CLAUDE_AI], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] }));
      } else if (req.url === '/big.json') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ client_id: self, client_name: 'x'.repeat(20_000), redirect_uris: [CHATGPT] }));
      } else if (req.url === '/slow.json') {
        // Never answers.
      } else res.writeHead(404).end();
    });
    const caFile = path.join(tempDir(), 'ca.pem');
    writeFileSync(caFile, TLS_CERT);
    const port = await freePort();
    cimdOrigin = `http://127.0.0.1:${port}`;
    cimdInstance = await startProcess(dir, ['node', 'dist/index.js'], env(port, { OAUTH_BROKER_CIMD_PRIVATE_NETWORK: 'allow', NODE_EXTRA_CA_CERTS: caFile }));
    const selfPort = await freePort();
    cimdSelfUrl = `http://127.0.0.1:${selfPort}/mcp`;
    // Its own callback at Entra, as its broker client would list it.
    entra.clients[0]!.redirectUris.push(`http://127.0.0.1:${selfPort}/oauth/callback`);
    cimdSelf = await startProcess(dir, ['node', 'dist/index.js'], env(selfPort, { MCP_RESOURCE_URL: cimdSelfUrl, OAUTH_BROKER_CIMD_PRIVATE_NETWORK: 'allow', NODE_EXTRA_CA_CERTS: caFile }));
  }, 400_000);

  afterAll(async () => {
    if (process.env.BROKER_TEST_LOGS) console.log(logs());
    await stopInstances();
    await cimdInstance?.stop();
    await cimdSelf?.stop();
    await cimd?.close();
    await proxy?.close();
    await entra?.close();
    await redis?.stop();
  });

  const whoami = (token: string) => whoamiAs(resource, token);

  const user = () => ({ username: entra.user.username, password: entra.user.password });

  test('create wrote the broker settings to .env only, and the project records the mode', () => {
    const dotEnv = parseEnv(readFileSync(path.join(dir, '.env'), 'utf8'));
    expect(dotEnv.OAUTH_SIGN_IN).toBe('broker');
    expect(dotEnv.OAUTH_BROKER_CLIENT_ID).toBe(BROKER_CLIENT);
    expect(dotEnv.OAUTH_BROKER_CLIENT_SECRET).toBe(BROKER_SECRET);
    expect(readFileSync(path.join(dir, '.env.example'), 'utf8')).not.toContain(BROKER_SECRET);
    const manifest = readFileSync(path.join(dir, 'fastapps.json'), 'utf8');
    expect(JSON.parse(manifest).signIn).toBe('broker');
    expect(manifest).not.toContain(BROKER_SECRET);
    expect(readFileSync(path.join(dir, 'AUTH_SETUP.md'), 'utf8')).toContain(`${origin}/oauth/callback`);
  });

  test('the metadata hosts see: this server is the authorization server, with DCR, CIMD, S256 and iss', async () => {
    const prm = (await (await fetch(`${origin}/.well-known/oauth-protected-resource/mcp`)).json()) as { authorization_servers: string[]; scopes_supported: string[] };
    expect(prm.authorization_servers).toEqual([origin]);
    const metadata = (await (await fetch(`${origin}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    expect(metadata.issuer).toBe(origin);
    expect(metadata.registration_endpoint).toBe(`${origin}/oauth/register`);
    expect(metadata.authorization_endpoint).toBe(`${origin}/oauth/authorize`);
    expect(metadata.token_endpoint).toBe(`${origin}/oauth/token`);
    expect(metadata.client_id_metadata_document_supported).toBe(true);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
    expect(metadata.grant_types_supported).toEqual(['authorization_code', 'refresh_token']);
    expect(metadata.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['none']));
    expect(metadata.scopes_supported).toEqual([SCOPE]);
    expect(prm.scopes_supported).toEqual([SCOPE]);
    // The same document from either instance: one issuer, one key set.
    const jwks = await Promise.all(ports.map(async (port) => (await fetch(`http://127.0.0.1:${port}/oauth/jwks`)).json()));
    expect(jwks[0]).toEqual(jwks[1]);
  });

  let session: Awaited<ReturnType<typeof signInAsHost>>;

  test('a strict host registers by DCR, the user consents and signs in at Entra, and the tool sees the Entra subject', async () => {
    const before = { authorize: entra.authorizeRequests.length, token: entra.tokenRequests.length, counts: proxy.counts() };
    session = await signInAsHost({ mcpUrl: resource, redirectUri: CHATGPT, user: user(), consent: 'allow' });
    expect(session.metadata.issuer).toBe(origin);
    // The server's own token, not Entra's.
    const claims = decodeJwt(session.accessToken);
    expect(claims.iss).toBe(origin);
    expect(claims.aud).toBe(resource);
    expect(claims.sub).toBe(entra.user.sub);
    expect(claims.name).toBe(entra.user.name);
    expect(claims.scope).toBe(SCOPE);
    expect(claims.client_id).toBe(session.clientId);
    expect((claims.exp as number) - (claims.iat as number)).toBeLessThanOrEqual(3600);
    expect(session.tokenResponse.id_token).toBeUndefined();
    const entraTokens = entra.tokenRequests.slice(before.token);
    expect(entraTokens).toHaveLength(1);
    expect(entraTokens[0]!.get('code_verifier')).toBeTruthy();
    // Entra saw the server's own client, PKCE, and never the resource it would refuse.
    const authorize = entra.authorizeRequests.slice(before.authorize);
    expect(authorize.length).toBeGreaterThan(0);
    for (const request of authorize) {
      expect(request.get('client_id')).toBe(BROKER_CLIENT);
      expect(request.get('redirect_uri')).toBe(`${origin}/oauth/callback`);
      expect(request.get('code_challenge_method')).toBe('S256');
      expect(request.get('resource')).toBeNull();
      expect(request.get('scope')?.split(' ')).toEqual(expect.arrayContaining([SCOPE, 'openid']));
      // Nothing refreshes Entra's tokens, so no refresh token is asked for.
      expect(request.get('scope')?.split(' ')).not.toContain('offline_access');
    }
    const seen = await whoami(session.accessToken);
    expect(seen.subject).toBe(entra.user.sub);
    expect(seen.scopes).toEqual([SCOPE]);
    // Both instances served this sign-in.
    const counts = proxy.counts().map((count, index) => count - (before.counts[index] ?? 0));
    expect(counts.every((count) => count > 2), JSON.stringify(counts)).toBe(true);
  });

  test('doctor inside the project understands the broker: every server check passes, the sign-in check names it', async () => {
    const doctor = await runCli(['doctor', '--server', resource, '--json'], { cwd: dir });
    const report = JSON.parse(doctor.stdout) as JsonReport;
    const signIn = jsonFinding(report, 'server.sign-in');
    expect(signIn.status, JSON.stringify(signIn)).toBe('pass');
    expect(signIn.summary).toContain(`A broker: ${origin} is its own authorization server`);
    expect(doctor.exitCode, doctor.stdout).toBe(0);
  });

  test("Entra's tokens stay on the server, sealed: nothing in Redis reads as a token or the secret", async () => {
    const keys = (await redis.command('KEYS', '*upstream:*')).split('\r\n').filter((line) => line.includes('upstream:'));
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      const value = (await redis.command('GET', key)).split('\r\n')[1]!;
      // iv.tag.ciphertext, and no JWT in the clear (a JWT header starts eyJhbGciOi).
      expect(value).toMatch(/^[\w-]{16}\.[\w-]{22}\.[\w-]+$/);
      expect(value).not.toContain('eyJhbGciOi');
    }
    const everything = await redis.command('KEYS', '*');
    for (const key of everything.split('\r\n').filter((line) => line.startsWith('fastapps:'))) {
      const type = await redis.command('TYPE', key);
      if (!type.includes('string')) continue;
      const value = await redis.command('GET', key);
      expect(value).not.toContain(BROKER_SECRET);
      // Entra's access tokens are JWTs signed by the fake (its kid); none may be stored readable.
      expect(value).not.toContain(entra.keys.rs256.kid);
    }
    // Only registrations (with their RFC 7592 management tokens) and the broker's own keys live
    // without an expiry; everything else expires.
    const forever: string[] = [];
    for (const key of everything.split('\r\n').filter((line) => line.startsWith('fastapps:'))) {
      if ((await redis.command('TTL', key)).startsWith(':-1')) forever.push(key.replace(/^fastapps:broker:[0-9a-f]+:/, ''));
    }
    expect(forever.filter((key) => !/^((Client|RegistrationAccessToken):[\w-]+|signing-key|cookie-keys)$/.test(key)), JSON.stringify(forever)).toEqual([]);
    expect(logs()).not.toContain(BROKER_SECRET);
    for (const part of session.accessToken.split('.')) expect(logs()).not.toContain(part);
  });

  test('refresh rotates; a reused refresh token is refused and revokes the newer one too', async () => {
    const host = await signInAsHost({ mcpUrl: resource, redirectUri: CLAUDE_CODE, user: user(), consent: 'allow' });
    const first = host.refreshToken!;
    expect(first).toBeTruthy();
    const refreshed = await host.refresh();
    expect(refreshed.refresh_token).toBeTruthy();
    expect(refreshed.refresh_token).not.toBe(first);
    expect((await whoami(refreshed.access_token as string)).subject).toBe(entra.user.sub);
    const token = (form: Record<string, string>) =>
      fetch(`${origin}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ client_id: host.clientId, ...form }) });
    const reuse = await token({ grant_type: 'refresh_token', refresh_token: first });
    expect(reuse.status).toBe(400);
    expect(((await reuse.json()) as { error: string }).error).toBe('invalid_grant');
    const newer = await token({ grant_type: 'refresh_token', refresh_token: refreshed.refresh_token as string });
    expect(newer.status).toBe(400);
    expect(((await newer.json()) as { error: string }).error).toBe('invalid_grant');
  });

  test('a host that asks for no scope (Claude Code may not) gets all of this server\'s scopes', async () => {
    const host = await signInAsHost({ mcpUrl: resource, redirectUri: CLAUDE_CODE, user: user(), consent: 'allow', authorizeParams: { scope: undefined } });
    expect(decodeJwt(host.accessToken).scope).toBe(SCOPE);
    expect((await whoami(host.accessToken)).scopes).toEqual([SCOPE]);
  });

  test('the user denies on the consent page: the host gets access_denied and nothing reaches Entra', async () => {
    const before = entra.authorizeRequests.length;
    const refused = await signInAsHost({ mcpUrl: resource, redirectUri: CHATGPT, user: user(), consent: 'deny' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(HostRefusal);
    expect((refused as Error).message).toMatch(/^authorization failed: access_denied/);
    expect(entra.authorizeRequests.length).toBe(before);
  });

  test('a user whose Entra token lacks the required scope gets access_denied, not a token', async () => {
    const before = entra.tokenRequests.length;
    const refused = await withEntraScopes([], () => signInAsHost({ mcpUrl: resource, redirectUri: CHATGPT, user: user(), consent: 'allow' }).catch((error: unknown) => error));
    expect(refused).toBeInstanceOf(HostRefusal);
    expect((refused as Error).message).toMatch(/^authorization failed: access_denied: Your Microsoft Entra ID account does not grant/);
    // The broker did redeem Entra's code (to learn what the user holds), and issued nothing.
    expect(entra.tokenRequests.length).toBe(before + 1);
  });

  /** Runs `run` while the fake Entra issues access tokens with exactly `scopes` in `scp`. */
  async function withEntraScopes<T>(scopes: string[], run: () => Promise<T>): Promise<T> {
    entra.overrideScopes = scopes;
    try {
      return await run();
    } finally {
      entra.overrideScopes = undefined;
    }
  }

  test('restart both instances: registrations and refresh tokens survive, and sign-in keeps working', async () => {
    const host = await signInAsHost({ mcpUrl: resource, redirectUri: CLAUDE_CODE, user: user(), consent: 'allow' });
    await stopInstances();
    await startInstances();
    // The refresh token issued before the restart still works (and rotates).
    const refreshed = await host.refresh();
    expect((await whoami(refreshed.access_token as string)).subject).toBe(entra.user.sub);
    // The old access token still verifies: the signing key came from the store.
    expect((await whoami(host.accessToken)).subject).toBe(entra.user.sub);
    // The client registered before the restart signs in again without registering.
    const again = await signInAsHost({ mcpUrl: resource, redirectUri: CLAUDE_CODE, client: { id: host.clientId }, user: user(), consent: 'allow' });
    expect(again.clientId).toBe(host.clientId);
  }, 120_000);

  test('Redis stops answering: tool calls with valid tokens keep working without touching it; sign-in answers 503 with the reason', async () => {
    const counter = await countCommands(redis);
    for (let i = 0; i < 10; i++) expect((await postInitialize(resource, { authorization: `Bearer ${session.accessToken}` })).status).toBe(200);
    expect(await counter.count(), 'store commands during tool calls').toBe(0);
    await redis.pause();
    try {
      expect((await whoami(session.accessToken)).subject).toBe(entra.user.sub);
      const started = Date.now();
      const registration = await fetch(`${origin}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ redirect_uris: [CHATGPT], token_endpoint_auth_method: 'none' }) });
      expect(registration.status).toBe(503);
      expect(registration.headers.get('retry-after')).toBeTruthy();
      const body = (await registration.json()) as { error: string; error_description: string };
      expect(body.error).toBe('temporarily_unavailable');
      expect(body.error_description).toBe('Sign-in is unavailable: its store does not answer. Tokens already issued keep working; try again shortly.');
      // The reason is in the log, not in what clients get.
      expect(logs()).toMatch(/broker store unavailable: Redis did not answer within \d+ ms/);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await redis.resume();
    }
    // Back to normal once it answers again.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = await signInAsHost({ mcpUrl: resource, redirectUri: CHATGPT, user: user(), consent: 'allow' });
    expect((await whoami(after.accessToken)).subject).toBe(entra.user.sub);
  }, 60_000);

  test("every host registers itself with its real redirect URIs and registration request, as in CLIENTS.md", async () => {
    const hosts: Array<[string, Record<string, unknown>]> = [
      // ChatGPT names the auth method as a list to choose from (RP Metadata Choices).
      ['ChatGPT', { client_name: 'ChatGPT', redirect_uris: ['https://chatgpt.com/connector/oauth/abc123', 'https://chatgpt.com/connector_platform_oauth_redirect'], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_methods_supported: ['client_secret_post', 'none'] }],
      ['claude.ai', { client_name: 'Claude', redirect_uris: ['https://claude.ai/api/mcp/auth_callback', 'https://claude.com/api/mcp/auth_callback'], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' }],
      ['Claude Code', { client_name: 'Claude Code (app)', redirect_uris: ['http://localhost:8765/callback'], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' }],
      ['VS Code', { client_name: 'Visual Studio Code', redirect_uris: ['https://vscode.dev/redirect', 'http://127.0.0.1/', 'http://127.0.0.1:33418/'], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' }],
      ['Cursor', { client_name: 'Cursor', redirect_uris: ['cursor://anysphere.cursor-mcp/oauth/callback', 'https://www.cursor.com/agents/mcp/oauth/callback', 'http://localhost:8787/callback'], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' }],
    ];
    for (const [host, request] of hosts) {
      const response = await fetch(`${origin}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
      const body = (await response.json()) as Record<string, unknown>;
      expect(response.status, `${host}: ${JSON.stringify(body)}`).toBe(201);
      expect(body.redirect_uris, host).toEqual(request.redirect_uris);
    }
  });

  // --- Attacks: each refused with the right error, and nothing issued. ---


  async function register(redirectUri = CHATGPT): Promise<string> {
    const response = await fetch(`${origin}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_name: 'Attack test', redirect_uris: [redirectUri], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'] }) });
    expect(response.status).toBe(201);
    return ((await response.json()) as { client_id: string }).client_id;
  }

  function authorizeUrl(clientId: string, pkce: { challenge: string }, redirectUri = CHATGPT, base = origin): string {
    const url = new URL(`${base}/oauth/authorize`);
    url.search = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri, state: b64url(randomBytes(8)), code_challenge: pkce.challenge, code_challenge_method: 'S256', scope: SCOPE, resource }).toString();
    return url.href;
  }

  function newPkce() {
    const verifier = b64url(randomBytes(32));
    return { verifier, challenge: b64url(createHash('sha256').update(verifier).digest()) };
  }

  /** authorize → the consent page's URL (its uid), in `browser`. */
  async function toConsent(browser: Browser, clientId: string, pkce = newPkce(), base = origin, redirectUri = CHATGPT): Promise<string> {
    const authorize = await browser.go(authorizeUrl(clientId, pkce, redirectUri, base));
    expect(authorize.status, await authorize.clone().text()).toBe(303);
    const consentUrl = location(authorize, base);
    expect(new URL(consentUrl).pathname).toMatch(/^\/oauth\/consent\/[\w-]+$/);
    return consentUrl;
  }

  /** consent allow → Entra login → the provider's callback URL (not followed). */
  async function toProviderCallback(browser: Browser, consentUrl: string): Promise<string> {
    const allowed = await browser.go(consentUrl, { method: 'POST', body: 'consent=allow' });
    expect(allowed.status).toBe(303);
    const atEntra = location(allowed, consentUrl);
    expect(atEntra.startsWith(entra.issuer.replace(/\/v2\.0$/, ''))).toBe(true);
    const login = await browser.go(atEntra, { method: 'POST', body: new URLSearchParams(user()).toString() });
    expect(login.status).toBe(302);
    return location(login, atEntra);
  }

  /** Follows redirects from `url` until one leaves this server for the host's redirect URI. */
  async function toHost(browser: Browser, url: string): Promise<URL> {
    let next = url;
    for (let hop = 0; hop < 6; hop++) {
      if (next.startsWith(CHATGPT)) return new URL(next);
      const response = await browser.go(next);
      if (response.status !== 303 && response.status !== 302) throw new Error(`${next} answered ${response.status}: ${visible(await response.text())}`);
      next = location(response, next);
    }
    throw new Error('too many redirects');
  }

  async function redeem(clientId: string, code: string, verifier: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${origin}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId, code, code_verifier: verifier, redirect_uri: CHATGPT, resource }) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  test('a redirect URI that was not registered: an error page, never a redirect to it', async () => {
    const clientId = await register();
    const response = await new Browser().go(authorizeUrl(clientId, newPkce(), 'https://evil.example.com/callback'));
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('redirect_uri');
  });

  test('a code is single use: the replay is refused and the refresh token from the first redemption is revoked', async () => {
    const clientId = await register();
    const browser = new Browser();
    const pkce = newPkce();
    const back = await toHost(browser, await toProviderCallback(browser, await toConsent(browser, clientId, pkce)));
    expect(back.searchParams.get('iss')).toBe(origin);
    const code = back.searchParams.get('code')!;
    const first = await redeem(clientId, code, pkce.verifier);
    expect(first.status).toBe(200);
    const replay = await redeem(clientId, code, pkce.verifier);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    const refresh = await fetch(`${origin}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'refresh_token', client_id: clientId, refresh_token: first.body.refresh_token as string }) });
    expect(refresh.status).toBe(400);
  });

  test('a wrong PKCE verifier: invalid_grant, no token', async () => {
    const clientId = await register();
    const browser = new Browser();
    const back = await toHost(browser, await toProviderCallback(browser, await toConsent(browser, clientId)));
    const wrong = await redeem(clientId, back.searchParams.get('code')!, newPkce().verifier);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe('invalid_grant');
    expect(wrong.body.access_token).toBeUndefined();
  });

  test('the provider callback opened in another browser than the one that consented: refused, and the code is never redeemed', async () => {
    const clientId = await register();
    const victim = new Browser();
    const callback = await toProviderCallback(victim, await toConsent(victim, clientId));
    const before = entra.tokenRequests.length;
    const attacker = new Browser();
    const stolen = await toHost(attacker, callback).catch((error: Error) => error);
    expect(stolen).toBeInstanceOf(Error);
    expect((stolen as Error).message).toMatch(/answered 400: .*not started in this browser/);
    // The state was single use: the victim's own browser cannot finish it either, and Entra never saw the code redeemed.
    const late = await toHost(victim, callback).catch((error: Error) => error);
    expect((late as Error).message).toMatch(/answered 400/);
    expect(entra.tokenRequests.length).toBe(before);
  });

  test('a callback without a consent (a state this server never issued): refused, nothing redeemed', async () => {
    const before = entra.tokenRequests.length;
    const response = await new Browser().go(`${origin}/oauth/callback?code=stolen-code&state=${b64url(randomBytes(32))}`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('was already completed, has expired, or was not started here');
    expect(entra.tokenRequests.length).toBe(before);
  });

  test("one client's consent cannot be replayed for another client", async () => {
    const honest = await register();
    const evil = await register('https://evil.example.com/callback');
    const browser = new Browser();
    const honestConsent = await toConsent(browser, honest);
    // The evil client's pending authorization, started in the attacker's own browser.
    const attacker = new Browser();
    const evilConsent = await toConsent(attacker, evil, newPkce(), origin, 'https://evil.example.com/callback');
    // The user's browser approves the honest client; the same approval posted to the evil one is refused.
    const replayed = await browser.go(evilConsent, { method: 'POST', body: 'consent=allow' });
    expect(replayed.status).toBe(400);
    expect(replayed.headers.get('location')).toBeNull();
    const allowed = await browser.go(honestConsent, { method: 'POST', body: 'consent=allow' });
    expect(allowed.status).toBe(303);
    expect(location(allowed, honestConsent)).toContain(`client_id=${BROKER_CLIENT}`);
  });

  test('a CIMD client id on a loopback address is never fetched', async () => {
    const hits = cimdHits.length;
    const response = await new Browser().go(authorizeUrl(`${cimd.origin}/client.json`, newPkce()));
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('invalid_client');
    expect(cimdHits.length).toBe(hits);
  });

  test('CIMD from an https host the server may reach: the consent page names the client and the host it returns to', async () => {
    const browser = new Browser();
    const consentUrl = await toConsent(browser, `${cimd.origin}/client.json`, newPkce(), cimdOrigin);
    const page = await (await browser.go(consentUrl.replace(origin, cimdOrigin))).text();
    expect(page).toContain('CIMD Host');
    expect(page).toContain('chatgpt.com');
    expect(page).toContain('<button type="submit" name="consent" value="allow">');
  });

  test('ChatGPT and claude.ai by their client metadata documents, as they register first here: consent, Entra, the tool call, refresh', async () => {
    const origin = new URL(cimdSelfUrl).origin;
    for (const [document, redirectUri, needsNone] of [['chatgpt', CHATGPT, false], ['claude', CLAUDE_AI, true]] as const) {
      const url = `${cimd.origin}/${document}.json`;
      const session = await signInAsHost({ mcpUrl: cimdSelfUrl, redirectUri, cimd: { url, needsNone }, user: user(), consent: 'allow' });
      // The document's URL is the client id: no registration request was made.
      expect(session.clientId, document).toBe(url);
      expect(session.metadata.client_id_metadata_document_supported).toBe(true);
      const claims = decodeJwt(session.accessToken);
      expect(claims.iss).toBe(origin);
      expect(claims.aud).toBe(cimdSelfUrl);
      expect(claims.client_id).toBe(url);
      expect(claims.sub).toBe(entra.user.sub);
      expect((await whoamiAs(cimdSelfUrl, session.accessToken)).subject).toBe(entra.user.sub);
      const first = session.refreshToken;
      expect(first, document).toBeTruthy();
      const refreshed = await session.refresh();
      expect(refreshed.refresh_token).not.toBe(first);
      expect((await whoamiAs(cimdSelfUrl, refreshed.access_token as string)).subject).toBe(entra.user.sub);
    }
  });

  test('an oversized or a slow CIMD document is refused, within the fetch timeout', async () => {
    for (const document of ['big.json', 'slow.json']) {
      const started = Date.now();
      const response = await new Browser().go(authorizeUrl(`${cimd.origin}/${document}`, newPkce(), CHATGPT, cimdOrigin));
      expect(response.status, document).toBe(400);
      expect(await response.text()).toContain('invalid_client');
      expect(Date.now() - started, document).toBeLessThan(6_000);
    }
    expect(cimdInstance.output()).toMatch(/client_id metadata document fetch failed/);
  });
});

describe('--sign-in broker on Cognito, one instance, state in a file', () => {
  const COGNITO_BROKER = '3broker456789abcdefghijkl';
  const COGNITO_SECRET = 'cognito-broker-secret';
  let cognito: FakeProvider;
  let dir: string;
  let resource: string;
  let port: number;
  let server: RunningProject | undefined;
  const start = async () => {
    server = await startProcess(dir, ['node', 'dist/index.js'], { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' });
  };

  beforeAll(async () => {
    port = await freePort();
    resource = `http://127.0.0.1:${port}/mcp`;
    cognito = await startFakeCognito({
      clients: [{ id: COGNITO_BROKER, secret: COGNITO_SECRET, redirectUris: [`http://127.0.0.1:${port}/oauth/callback`], allowedScopes: ['openid', 'email', 'profile', 'mcp/tools'] }],
    });
    dir = path.join(tempDir(), 'app');
    const created = await runCli(
      [dir, '--provider', 'cognito', '--user-pool', 'eu-west-1_ZLiEFD4b6', '--client-id', COGNITO_BROKER, '--issuer', cognito.issuer, '--resource', resource, '--sign-in', 'broker', '--broker-client-id', COGNITO_BROKER, '--no-git', '--pm', 'npm'],
      { cwd: path.dirname(dir), env: { ...process.env, CI: undefined, NO_COLOR: '1', OAUTH_BROKER_CLIENT_SECRET: COGNITO_SECRET } },
    );
    expect(created.exitCode, created.stdout + created.stderr).toBe(0);
    await buildAndTestProject(dir, 'Amazon Cognito');
    await start();
  }, 300_000);

  afterAll(async () => {
    await server?.stop();
    await cognito?.close();
  });

  test('a strict host signs in through the broker at Cognito; after a restart its refresh token and registration still work', async () => {
    const before = cognito.authorizeRequests.length;
    const host = await signInAsHost({ mcpUrl: resource, redirectUri: CLAUDE_CODE, user: { username: cognito.user.username, password: cognito.user.password }, consent: 'allow' });
    const claims = decodeJwt(host.accessToken);
    expect(claims.iss).toBe(`http://127.0.0.1:${port}`);
    expect(claims.sub).toBe(cognito.user.sub);
    expect(claims.scope).toBe('mcp/tools');
    // Cognito got the server's own client and only scopes it knows (no offline_access: not in its metadata).
    const sent = cognito.authorizeRequests.slice(before).at(-1)!;
    expect(sent.get('client_id')).toBe(COGNITO_BROKER);
    expect(sent.get('scope')?.split(' ').sort()).toEqual(['email', 'mcp/tools', 'openid', 'profile']);
    await server!.stop();
    await start();
    const refreshed = await host.refresh();
    expect(decodeJwt(refreshed.access_token as string).sub).toBe(cognito.user.sub);
    const again = await signInAsHost({ mcpUrl: resource, redirectUri: CLAUDE_CODE, client: { id: host.clientId }, user: { username: cognito.user.username, password: cognito.user.password }, consent: 'allow' });
    expect(again.clientId).toBe(host.clientId);
    // The state file is the owner's only.
    expect(statSync(path.join(dir, '.fastapps', 'broker', 'broker-store.json')).mode & 0o077).toBe(0);
  }, 120_000);
});

describe('--provider google: sign-in only through the broker, the allow-list decides', () => {
  const GOOGLE_CLIENT = '123456789012-abcdefghijklmnop.apps.googleusercontent.com';
  const GOOGLE_SECRET = 'GOCSPX-google-broker-secret';
  const jane = { email: 'jane@example.com', password: 'jane-pw', sub: '110248495921238986420', name: 'Jane Doe', hd: 'example.com' };
  const bob = { email: 'bob@gmail.com', password: 'bob-pw', sub: '104903729147394039127', name: 'Bob' };
  let google: FakeGoogle;
  let dir: string;
  let resource: string;
  let port: number;
  let server: RunningProject | undefined;

  beforeAll(async () => {
    port = await freePort();
    resource = `http://127.0.0.1:${port}/mcp`;
    google = await startFakeGoogle({ clients: [{ id: GOOGLE_CLIENT, secret: GOOGLE_SECRET, redirectUris: [`http://127.0.0.1:${port}/oauth/callback`] }], users: [jane, bob] });
    dir = path.join(tempDir(), 'app');
    const created = await createAndStart(dir, ['--provider', 'google', '--issuer', google.issuer, '--allow', 'example.com', '--resource', resource, '--broker-client-id', GOOGLE_CLIENT], GOOGLE_SECRET, 'Google');
    server = created.server;
    expect(created.stdout).toContain(`Issuer ${google.issuer} checked`);
  }, 300_000);

  afterAll(async () => {
    await server?.stop();
    await google?.close();
  });

  test('the project records the broker sign-in and the allow-list', () => {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'fastapps.json'), 'utf8'));
    expect(manifest.provider).toBe('google');
    expect(manifest.signIn).toBe('broker');
    expect(manifest.providerInput.allow).toEqual(['example.com']);
    expect(parseEnv(readFileSync(path.join(dir, '.env'), 'utf8')).OAUTH_BROKER_ALLOW).toBe('example.com');
  });

  test('a Workspace user of an allowed domain signs in; the token is the server\'s own, and Google was asked only for openid email profile', async () => {
    const before = google.authorizeRequests.length;
    const host = await signInAsHost({ mcpUrl: resource, redirectUri: CHATGPT, user: { username: jane.email, password: jane.password }, consent: 'allow' });
    const claims = decodeJwt(host.accessToken);
    expect(claims.iss).toBe(`http://127.0.0.1:${port}`);
    expect(claims.sub).toBe(jane.sub);
    expect(claims.email).toBe(jane.email);
    expect(claims.scope).toBe('mcp:tools');
    const asked = google.authorizeRequests.slice(before).at(-1)!;
    expect(asked.get('scope')?.split(' ').sort()).toEqual(['email', 'openid', 'profile']);
    expect(asked.get('nonce')).toBeTruthy();
    expect(asked.get('resource')).toBeNull();
  });

  test('an account outside the allow-list gets access_denied, naming it, and no token', async () => {
    const refused = await signInAsHost({ mcpUrl: resource, redirectUri: CHATGPT, user: { username: bob.email, password: bob.password }, consent: 'allow' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(HostRefusal);
    expect((refused as Error).message).toBe('authorization failed: access_denied: This account may not use this server: its owner has not allowed it (OAUTH_BROKER_ALLOW).');
  });

  test('two accounts, one after the other, in the same browser: each gets its own token', async () => {
    const browser = new Browser();
    const origin = `http://127.0.0.1:${port}`;
    const register = await fetch(`${origin}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_name: 'Shared computer', redirect_uris: [CHATGPT], token_endpoint_auth_method: 'none' }) });
    const clientId = ((await register.json()) as { client_id: string }).client_id;
    for (const account of [jane, { ...jane, email: 'ann@example.com', password: 'ann-pw', sub: '117283946153728465014', name: 'Ann' }]) {
      if (!google.users.some((u) => u.email === account.email)) google.users.push(account);
      const verifier = b64url(randomBytes(32));
      const authorize = new URL(`${origin}/oauth/authorize`);
      authorize.search = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: CHATGPT, state: 's', code_challenge: b64url(createHash('sha256').update(verifier).digest()), code_challenge_method: 'S256', resource }).toString();
      let next = authorize.href;
      let body: string | undefined;
      for (let hop = 0; hop < 15 && !next.startsWith(CHATGPT); hop++) {
        const response = await browser.go(next, body === undefined ? {} : { method: 'POST', body });
        body = undefined;
        if (response.status >= 300 && response.status < 400) {
          next = new URL(response.headers.get('location')!, next).href;
          continue;
        }
        const page = await response.text();
        expect(response.status, visible(page)).toBe(200);
        // A form: the consent page, Google's login page, or oidc-provider's switch-account form.
        const unescape = (text: string) => text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))).replaceAll('&amp;', '&');
        const action = unescape(/<form[^>]*action="([^"]*)"/.exec(page)?.[1] ?? next);
        const fields = new URLSearchParams([...page.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)].map((m): [string, string] => [m[1]!, unescape(m[2]!)]));
        if (page.includes('name="consent"')) fields.set('consent', 'allow');
        if (page.includes('name="password"')) (fields.set('username', account.email), fields.set('password', account.password));
        body = fields.toString();
        next = new URL(action, next).href;
      }
      const code = new URL(next).searchParams.get('code');
      expect(code, next).toBeTruthy();
      const token = await fetch(`${origin}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId, code: code!, code_verifier: verifier, redirect_uri: CHATGPT, resource }) });
      expect(decodeJwt(((await token.json()) as { access_token: string }).access_token).sub).toBe(account.sub);
    }
  });

  test('without OAUTH_BROKER_ALLOW the server refuses to start, saying why', async () => {
    const started = await startProcess(dir, ['node', 'dist/index.js'], memoryEnv({ PORT: String(await freePort()), OAUTH_BROKER_ALLOW: '' })).catch((error: Error) => error);
    expect(started).toBeInstanceOf(Error);
    expect((started as Error).message).toContain('OAUTH_BROKER_ALLOW is not set: with Google, anyone with an account could sign in.');
  });
});

describe('--provider github: sign-in only through the broker, its user API says who, logins and organisations decide', () => {
  const GITHUB_CLIENT = 'Iv1.8a61f9b3a7aba766';
  const GITHUB_SECRET = '3f1e0c9d8b7a6f5e4d3c2b1a09f8e7d6c5b4a392';
  const mona = { login: 'mona', password: 'mona-pw', id: 9919, name: 'Mona Lisa', orgs: ['acme', 'octo-labs'] };
  const octocat = { login: 'octocat', password: 'octo-pw', id: 583231, name: 'The Octocat', orgs: [] };
  const eve = { login: 'eve', password: 'eve-pw', id: 77777, name: 'Eve', orgs: ['elsewhere'] };
  let github: FakeGitHub;
  let dir: string;
  let resource: string;
  let port: number;
  let created: { stdout: string; server: RunningProject };
  let server: RunningProject | undefined;

  beforeAll(async () => {
    port = await freePort();
    resource = `http://127.0.0.1:${port}/mcp`;
    github = await startFakeGitHub({ clients: [{ id: GITHUB_CLIENT, secret: GITHUB_SECRET, redirectUris: [`http://127.0.0.1:${port}/oauth/callback`] }], users: [mona, octocat, eve] });
    dir = path.join(tempDir(), 'app');
    created = await createAndStart(dir, ['--provider', 'github', '--issuer', github.issuer, '--allow', 'org:ACME,octocat', '--resource', resource, '--broker-client-id', GITHUB_CLIENT], GITHUB_SECRET, 'GitHub');
    server = created.server;
  }, 300_000);

  afterAll(async () => {
    await server?.stop();
    await github?.close();
  });

  test('create says GitHub has no discovery document to check, and records the broker sign-in and the allow-list in one form', () => {
    expect(created.stdout).toContain(`Provider: GitHub at ${github.issuer}, whose endpoints are fixed`);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'fastapps.json'), 'utf8'));
    expect(manifest).toMatchObject({ provider: 'github', signIn: 'broker', issuerCheck: 'not-applicable', brokerClientId: GITHUB_CLIENT });
    expect(manifest.providerInput.allow).toEqual(['org:acme', 'octocat']);
    const dotEnv = parseEnv(readFileSync(path.join(dir, '.env'), 'utf8'));
    expect(dotEnv.OAUTH_BROKER_ALLOW).toBe('org:acme,octocat');
    expect(dotEnv.OAUTH_ISSUER).toBe(github.issuer);
    const setup = readFileSync(path.join(dir, 'AUTH_SETUP.md'), 'utf8');
    expect(setup).toContain(`Authorization callback URL: \`http://127.0.0.1:${port}/oauth/callback\``);
    expect(setup).toContain('- **Scopes** it may request: `read:user`, `read:org` (nothing else is asked).');
  });

  test('a member of an allowed organisation signs in; the token is the server\'s own, its subject the GitHub account id', async () => {
    const before = { authorize: github.authorizeRequests.length, api: github.apiRequests.length };
    const host = await signInAsHost({ mcpUrl: resource, redirectUri: CHATGPT, user: { username: mona.login, password: mona.password }, consent: 'allow' });
    const claims = decodeJwt(host.accessToken);
    expect(claims.iss).toBe(`http://127.0.0.1:${port}`);
    expect(claims.aud).toBe(resource);
    expect(claims.sub).toBe(String(mona.id));
    expect(claims.preferred_username).toBe('mona');
    expect(claims.scope).toBe('mcp:tools');
    const asked = github.authorizeRequests.slice(before.authorize).at(-1)!;
    expect(asked.get('scope')?.split(' ')).toEqual(['read:user', 'read:org']);
    expect(asked.get('code_challenge_method')).toBe('S256');
    expect(asked.get('nonce')).toBeNull();
    // The user API was asked with the User-Agent GitHub requires, and the token as a bearer.
    const api = github.apiRequests.slice(before.api);
    expect(api.map((request) => request.path)).toEqual(['/api/v3/user', '/api/v3/user/orgs']);
    for (const request of api) {
      expect(request.userAgent).toBeTruthy();
      expect(request.authorization).toMatch(/^Bearer gho_/);
    }
    // The GitHub token never reaches the host.
    expect(JSON.stringify(host)).not.toContain('gho_');

    // The tool sees the GitHub account as the subject.
    expect((await whoamiAs(resource, host.accessToken)).subject).toBe(String(mona.id));
  });

  test('a login on the allow-list signs in without any organisation', async () => {
    const host = await signInAsHost({ mcpUrl: resource, redirectUri: CHATGPT, user: { username: octocat.login, password: octocat.password }, consent: 'allow' });
    expect(decodeJwt(host.accessToken).sub).toBe(String(octocat.id));
  });

  test('an account in no allowed organisation and not listed gets access_denied, and no token', async () => {
    const refused = await signInAsHost({ mcpUrl: resource, redirectUri: CHATGPT, user: { username: eve.login, password: eve.password }, consent: 'allow' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(HostRefusal);
    expect((refused as Error).message).toBe('authorization failed: access_denied: This account may not use this server: its owner has not allowed it (OAUTH_BROKER_ALLOW).');
  });

  test('without OAUTH_BROKER_ALLOW the server refuses to start, saying why', async () => {
    const started = await startProcess(dir, ['node', 'dist/index.js'], memoryEnv({ PORT: String(await freePort()), OAUTH_BROKER_ALLOW: '' })).catch((error: Error) => error);
    expect(started).toBeInstanceOf(Error);
    expect((started as Error).message).toContain('OAUTH_BROKER_ALLOW is not set: with GitHub, anyone with an account could sign in.');
  });
});
