/**
 * The project as a place to live: tools added with `create-fastapps add`, each public or protected
 * with its own scopes, in an installed project against a local issuer; then the per-tool matrix
 * over HTTP with the MCP SDK client, in `mixed` and `required` mode, scope hierarchies from
 * OAUTH_SCOPE_IMPLIES, and a tool registered by hand (without declaring its access) refused to
 * anonymous callers. Also: the user files of a project made by the previous version still work
 * with the auth files of this one.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { execa } from 'execa';
import { appendFileSync, copyFileSync, existsSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { sha256 } from '../../src/generate/plan.js';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REPO, runCli, tempDir } from '../helpers/cli.js';
import { freePort, parseChallenge, startProcess, type RunningProject } from '../helpers/generated-server.js';
import { startIssuerServer, type IssuerServer } from '../helpers/issuer-server.js';

const SERVER_TS_RAW_TOOL = `
    // Registered by hand, without publicTool/protectedTool: protected whatever it does.
    server.registerTool('raw', { description: 'Registered by hand.' }, async () => ({ content: [{ type: 'text', text: 'raw ran' }] }));
    return server;`;

describe('tools added with create-fastapps add', () => {
  let issuer: IssuerServer;
  let dir: string;
  let mixed: RunningProject;
  let required: RunningProject;
  let mixedUrl: string;
  let requiredUrl: string;
  const run = (command: string, ...args: string[]) => execa(command, args, { cwd: dir, reject: false, all: true });
  const token = (scopes: string[]) => issuer.mint({ sub: 'user-7', aud: 'orders-api', scope: scopes.join(' '), client_id: 'host' });

  async function call(url: string, name: string, bearer?: string) {
    const client = new Client({ name: 'e2e', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url), bearer ? { requestInit: { headers: { authorization: `Bearer ${bearer}` } } } : {}));
    try {
      return await client.callTool({ name, arguments: {} });
    } finally {
      await client.close();
    }
  }

  /** A raw JSON-RPC POST (one message or a batch), to see the HTTP status and challenge. */
  async function post(url: string, body: unknown, bearer?: string) {
    return fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
      body: JSON.stringify(body),
    });
  }
  const callMessage = (name: string, id = 3) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: {} } });
  /** A raw tools/call, to see the HTTP status and challenge. */
  const rawCall = (url: string, name: string, bearer?: string) => post(url, callMessage(name), bearer);
  /** The challenge a response carries, parsed. */
  const challengeOf = (response: Response) => parseChallenge(response.headers.get('www-authenticate'));

  /** tools/list as it goes on the wire: name → the tool as listed. */
  async function listed(url: string, bearer?: string) {
    const response = await post(url, { jsonrpc: '2.0', id: 2, method: 'tools/list' }, bearer);
    expect(response.status).toBe(200);
    const text = await response.text();
    const message = JSON.parse(text.includes('data: ') ? text.split('data: ')[1]!.split('\n')[0]! : text) as { result: { tools: Array<{ name: string; securitySchemes?: unknown; _meta?: { securitySchemes?: unknown } }> } };
    return Object.fromEntries(message.result.tools.map((tool) => [tool.name, tool]));
  }

  beforeAll(async () => {
    issuer = await startIssuerServer({ issuerPath: '/realms/shop' });
    const port = await freePort();
    mixedUrl = `http://127.0.0.1:${port}/mcp`;
    dir = path.join(tempDir(), 'shop');
    const created = await runCli([dir, '--provider', 'oidc', '--issuer', issuer.issuer, '--resource', mixedUrl, '--audience', 'orders-api', '--auth-mode', 'mixed', '--no-git', '--pm', 'npm'], { cwd: path.dirname(dir) });
    expect(created.exitCode, created.stdout + created.stderr).toBe(0);
    for (const args of [['tool', 'orders', '--scopes', 'read:orders', '--description', 'Lists your orders'], ['tool', 'refund', '--scopes', 'write:orders'], ['widget', 'forecast', '--public', '--title', 'Forecast']]) {
      const added = await runCli(['add', ...args], { cwd: dir });
      expect(added.exitCode, added.stdout + added.stderr).toBe(0);
    }
    const server = path.join(dir, 'src', 'server.ts');
    writeFileSync(server, readFileSync(server, 'utf8').replace('\n    return server;', SERVER_TS_RAW_TOOL));
    appendFileSync(path.join(dir, '.env'), 'OAUTH_SCOPE_IMPLIES=write:orders>read:orders\n');
    for (const script of ['typecheck', 'build']) {
      const result = await run('npm', 'run', script);
      expect(result.exitCode, result.all).toBe(0);
    }
    const ownTests = await run('npm', 'test');
    expect(ownTests.exitCode, ownTests.all).toBe(0);
    const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
    mixed = await startProcess(dir, ['node', 'dist/index.js'], base);
    const requiredPort = await freePort();
    requiredUrl = `http://127.0.0.1:${requiredPort}/mcp`;
    required = await startProcess(dir, ['node', 'dist/index.js'], { ...base, PORT: String(requiredPort), MCP_RESOURCE_URL: requiredUrl, AUTH_MODE: 'required' });
  }, 300_000);

  afterAll(async () => {
    await mixed?.stop();
    await required?.stop();
    await issuer?.close();
  });

  test('fastapps.json records the added tools; the protected resource metadata advertises every scope a tool needs', async () => {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'fastapps.json'), 'utf8'));
    expect(manifest.tools).toEqual([
      { name: 'orders', kind: 'tool', access: 'protected', scopes: ['read:orders'] },
      { name: 'refund', kind: 'tool', access: 'protected', scopes: ['write:orders'] },
      { name: 'forecast', kind: 'widget', access: 'public', scopes: [] },
    ]);
    const prm = (await (await fetch(mixedUrl.replace('/mcp', '/.well-known/oauth-protected-resource/mcp'))).json()) as { scopes_supported: string[] };
    expect(prm.scopes_supported).toEqual(['mcp:tools', 'read:orders', 'write:orders']);
  });

  test('tools/list: each tool declares its access and scopes, top level and in _meta; a tool registered by hand says it needs OAUTH_SCOPES', async () => {
    const tools = await listed(mixedUrl);
    const schemes = Object.fromEntries(Object.values(tools).map((tool) => [tool.name, tool.securitySchemes]));
    expect(schemes.orders).toEqual([{ type: 'oauth2', scopes: ['mcp:tools', 'read:orders'] }]);
    expect(schemes.refund).toEqual([{ type: 'oauth2', scopes: ['mcp:tools', 'write:orders'] }]);
    expect(schemes.forecast).toEqual([{ type: 'noauth' }]);
    // The gate treats it as protected, so it is advertised as protected.
    expect(schemes.raw).toEqual([{ type: 'oauth2', scopes: ['mcp:tools'] }]);
    for (const tool of Object.values(tools)) {
      expect(tool.securitySchemes, tool.name).toBeDefined();
      expect(tool._meta?.securitySchemes, tool.name).toEqual(tool.securitySchemes);
    }
    // required mode: every tool needs a token, the hand-registered one included.
    const required = await listed(requiredUrl, await token(['mcp:tools']));
    expect(required.raw!.securitySchemes).toEqual([{ type: 'oauth2', scopes: ['mcp:tools'] }]);
    expect(required.raw!._meta?.securitySchemes).toEqual([{ type: 'oauth2', scopes: ['mcp:tools'] }]);
    expect(required.forecast!.securitySchemes).toEqual([{ type: 'oauth2', scopes: ['mcp:tools'] }]);
  });

  test('anonymous (mixed): the public widget runs; a protected tool answers with one challenge naming every scope it needs', async () => {
    const forecast = await call(mixedUrl, 'forecast');
    expect(forecast.isError).toBeFalsy();
    expect(forecast.structuredContent).toEqual({ tool: 'forecast', subject: null });
    const orders = await call(mixedUrl, 'orders');
    expect(orders.isError).toBe(true);
    const [challenge] = (orders._meta as Record<string, string[]>)['mcp/www_authenticate']!;
    expect(parseChallenge(challenge!)).toMatchObject({ error: 'invalid_token', scope: 'mcp:tools read:orders' });
  });

  test('anonymous (mixed): a tool registered by hand is refused before its handler runs', async () => {
    const raw = await call(mixedUrl, 'raw');
    expect(raw.isError).toBe(true);
    expect(JSON.stringify(raw.content)).not.toContain('raw ran');
    expect((raw._meta as Record<string, string[]>)['mcp/www_authenticate']![0]).toContain('error="invalid_token"');
    // With a valid token and OAUTH_SCOPES it is just a tool; a token without them is refused.
    const signedIn = await call(mixedUrl, 'raw', await token(['mcp:tools']));
    expect(JSON.stringify(signedIn.content)).toContain('raw ran');
    const unrelated = await rawCall(mixedUrl, 'raw', await token(['profile']));
    expect(unrelated.status).toBe(403);
    expect(parseChallenge(unrelated.headers.get('www-authenticate'))).toMatchObject({ error: 'insufficient_scope', scope: 'mcp:tools' });
  });

  test('anonymous (mixed): a batch calling protected tools gets one 401 naming every scope the batch needs', async () => {
    const response = await post(mixedUrl, [callMessage('forecast', 1), callMessage('orders', 2), callMessage('refund', 3)]);
    expect(response.status).toBe(401);
    const challenge = challengeOf(response);
    expect(challenge.error).toBeUndefined();
    expect(challenge.scope!.split(' ').sort()).toEqual(['mcp:tools', 'read:orders', 'write:orders']);
  });

  for (const [mode, url] of [['mixed', () => mixedUrl], ['required', () => requiredUrl]] as const) {
    test(`${mode}: a token without the tool's scope, or without OAUTH_SCOPES, gets 403 insufficient_scope naming every scope the call needs`, async () => {
      for (const granted of [['mcp:tools'], ['read:orders'], ['profile']]) {
        const response = await rawCall(url(), 'orders', await token(granted));
        expect(response.status, granted.join(' ')).toBe(403);
        expect(challengeOf(response), granted.join(' ')).toMatchObject({ error: 'insufficient_scope', scope: 'mcp:tools read:orders' });
      }
      // A broader scope that is not the one asked for: still named as the scope the call needs.
      const refund = await rawCall(url(), 'refund', await token(['read:orders']));
      expect(challengeOf(refund)).toMatchObject({ error: 'insufficient_scope', scope: 'mcp:tools write:orders' });
    });

    test(`${mode}: a bad token gets 401 invalid_token naming every scope the call needs`, async () => {
      const expired = await issuer.mint({ sub: 'user-7', aud: 'orders-api', scope: 'mcp:tools read:orders', client_id: 'host', exp: Math.floor(Date.now() / 1000) - 300 });
      const response = await rawCall(url(), 'orders', expired);
      expect(response.status).toBe(401);
      expect(challengeOf(response)).toMatchObject({ error: 'invalid_token', scope: 'mcp:tools read:orders' });
    });

    test(`${mode}: the tool's own scope, or a broader one that implies it (OAUTH_SCOPE_IMPLIES), lets it run`, async () => {
      const exact = await call(url(), 'orders', await token(['mcp:tools', 'read:orders']));
      expect(exact.isError, JSON.stringify(exact)).toBeFalsy();
      expect(exact.structuredContent).toEqual({ tool: 'orders', subject: 'user-7' });
      const broader = await call(url(), 'orders', await token(['mcp:tools', 'write:orders']));
      expect(broader.isError, JSON.stringify(broader)).toBeFalsy();
      // The narrower scope does not imply the broader one.
      const refund = await rawCall(url(), 'refund', await token(['mcp:tools', 'read:orders']));
      expect(refund.status).toBe(403);
    });
  }

  test('required: anonymous is 401 for every tool, public ones included, naming every scope the call needs (one sign-in is enough)', async () => {
    for (const [name, scope] of [['forecast', 'mcp:tools'], ['raw', 'mcp:tools'], ['orders', 'mcp:tools read:orders'], ['refund', 'mcp:tools write:orders']] as const) {
      const response = await rawCall(requiredUrl, name);
      expect(response.status, name).toBe(401);
      const challenge = challengeOf(response);
      expect(challenge.error, name).toBeUndefined();
      expect(challenge.scope, name).toBe(scope);
    }
    const batch = await post(requiredUrl, [callMessage('orders', 1), callMessage('refund', 2)]);
    expect(batch.status).toBe(401);
    expect(challengeOf(batch).scope!.split(' ').sort()).toEqual(['mcp:tools', 'read:orders', 'write:orders']);
    // Anything but a tools/call needs OAUTH_SCOPES.
    const list = await post(requiredUrl, { jsonrpc: '2.0', id: 2, method: 'tools/list' });
    expect(challengeOf(list).scope).toBe('mcp:tools');
  });

  test('required: a tool registered by hand runs for a token with OAUTH_SCOPES', async () => {
    const raw = await call(requiredUrl, 'raw', await token(['mcp:tools']));
    expect(JSON.stringify(raw.content)).toContain('raw ran');
  });

  /** A project as the previous version made it (its files, recorded as it generated them), in a new folder. */
  async function previousProject(): Promise<string> {
    const fixtures = path.join(REPO, 'test', 'fixtures', 'previous-project');
    const old = path.join(tempDir(), 'old');
    const created = await runCli([old, '--provider', 'oidc', '--issuer', issuer.issuer, '--audience', 'orders-api', '--no-install', '--no-git'], { cwd: path.dirname(old) });
    expect(created.exitCode, created.stderr).toBe(0);
    const manifestFile = path.join(old, 'fastapps.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    const previous = (dir: string, prefix = ''): string[] =>
      readdirSync(path.join(fixtures, dir), { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? previous(path.join(dir, entry.name), `${prefix}${entry.name}/`) : entry.name.endsWith('.ts') ? [`${prefix}${entry.name}`] : []));
    for (const file of [...previous('src', 'src/'), ...previous('test', 'test/')]) {
      copyFileSync(path.join(fixtures, file), path.join(old, file));
      manifest.files[file] = sha256(readFileSync(path.join(old, file)));
    }
    for (const file of ['src/auth/index.ts', 'src/auth/tools.ts', 'src/auth/scopes.ts', 'src/auth/facade.ts', 'src/tools/index.ts']) {
      rmSync(path.join(old, file));
      delete manifest.files[file];
    }
    delete manifest.signIn;
    writeFileSync(manifestFile, JSON.stringify(manifest, null, 2) + '\n');
    return old;
  }
  const template = (file: string) => readFileSync(path.join(REPO, 'templates', 'project', file), 'utf8');
  const LAYOUT = ['src/app.ts', 'src/server.ts', 'src/tools/index.ts', 'src/tools/hello.ts', 'src/tools/whoami.ts'];

  test('auth in a project made by the previous version: its auth files and its unedited layout files become this version\'s; it type-checks, passes its tests and is protected by default', async () => {
    const old = await previousProject();
    const indexBefore = readFileSync(path.join(old, 'src/index.ts'), 'utf8');

    const upgraded = await runCli(['auth', '--skip-issuer-check'], { cwd: old });
    expect(upgraded.exitCode, upgraded.stdout + upgraded.stderr).toBe(0);
    for (const file of ['src/auth/index.ts', 'src/auth/tools.ts', 'src/auth/scopes.ts', 'src/auth/facade.ts', 'src/auth/gate.ts']) {
      expect(readFileSync(path.join(old, file), 'utf8'), file).toBe(template(file));
    }
    // Unchanged since the previous version generated them: replaced; src/tools/index.ts is new.
    for (const file of LAYOUT) expect(readFileSync(path.join(old, file), 'utf8'), file).toBe(template(file));
    expect(upgraded.stdout).toContain('src/app.ts predates createAuth: moving the project to the current layout');
    for (const file of ['src/app.ts', 'src/server.ts', 'src/tools/hello.ts', 'src/tools/whoami.ts']) expect(upgraded.stdout).toMatch(new RegExp(`replaced +${file}\\n`));
    expect(upgraded.stdout).toMatch(/added +src\/tools\/index\.ts\n/);
    expect(upgraded.stdout).toContain('Your tools are now declared in src/tools/index.ts');
    expect(upgraded.stdout).not.toContain('kept your edit');
    for (const file of LAYOUT) expect(existsSync(path.join(old, `${file}.new`)), `${file}.new`).toBe(false);
    // Not part of the layout: yours, as it was.
    expect(readFileSync(path.join(old, 'src/index.ts'), 'utf8')).toBe(indexBefore);
    const manifest = JSON.parse(readFileSync(path.join(old, 'fastapps.json'), 'utf8'));
    expect(manifest.signIn).toBe('direct');
    for (const file of LAYOUT) expect(manifest.files[file], file).toBe(sha256(template(file)));

    // The project type-checks and passes its own tests (with the installed dependencies of the project above).
    symlinkSync(path.join(dir, 'node_modules'), path.join(old, 'node_modules'));
    const typecheck = await execa('npm', ['run', 'typecheck'], { cwd: old, reject: false, all: true });
    expect(typecheck.exitCode, typecheck.all).toBe(0);
    const tests = await execa('npm', ['test'], { cwd: old, reject: false, all: true });
    expect(tests.exitCode, tests.all).toBe(0);
    expect(tests.all).toMatch(/(#|ℹ) pass [1-9]/);

    // Protected by default: a tool registered by hand is refused to anonymous callers, hello is not.
    const server = path.join(old, 'src', 'server.ts');
    writeFileSync(server, readFileSync(server, 'utf8').replace('\n    return server;', SERVER_TS_RAW_TOOL));
    const build = await execa('npm', ['run', 'build'], { cwd: old, reject: false, all: true });
    expect(build.exitCode, build.all).toBe(0);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/mcp`;
    const running = await startProcess(old, ['node', 'dist/index.js'], { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: String(port), MCP_RESOURCE_URL: url, AUTH_MODE: 'mixed' });
    try {
      const client = new Client({ name: 'e2e', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(url)));
      const hello = await client.callTool({ name: 'hello', arguments: { name: 'Ada' } });
      expect(hello.isError, JSON.stringify(hello)).toBeFalsy();
      const raw = await client.callTool({ name: 'raw', arguments: {} });
      await client.close();
      expect(raw.isError).toBe(true);
      expect(JSON.stringify(raw.content)).not.toContain('raw ran');
      expect(parseChallenge((raw._meta as Record<string, string[]>)['mcp/www_authenticate']![0]!)).toMatchObject({ error: 'invalid_token', scope: 'mcp:tools' });
      const tools = await listed(url);
      expect(tools.raw!.securitySchemes).toEqual([{ type: 'oauth2', scopes: ['mcp:tools'] }]);
      expect(tools.hello!.securitySchemes).toEqual([{ type: 'noauth' }]);
    } finally {
      await running.stop();
    }
  });

  test('auth in a project made by the previous version whose src/server.ts was edited: the edit stays, the new version is written beside it', async () => {
    const old = await previousProject();
    const server = path.join(old, 'src', 'server.ts');
    const edited = readFileSync(server, 'utf8').replace('    registerWhoami(server, auth);\n', '    registerWhoami(server, auth);\n    // My own tools go here.\n');
    writeFileSync(server, edited);

    const upgraded = await runCli(['auth', '--skip-issuer-check'], { cwd: old });
    expect(upgraded.exitCode, upgraded.stdout + upgraded.stderr).toBe(0);
    expect(readFileSync(server, 'utf8')).toBe(edited);
    expect(readFileSync(`${server}.new`, 'utf8')).toBe(template('src/server.ts'));
    expect(upgraded.stdout).toMatch(/kept your edit +src\/server\.ts → new version in src\/server\.ts\.new/);
    // The others were not edited: replaced or added, as in an unedited project.
    for (const file of LAYOUT.filter((file) => file !== 'src/server.ts')) expect(readFileSync(path.join(old, file), 'utf8'), file).toBe(template(file));
    expect(upgraded.stdout).toContain('Merge src/server.ts.new into the file beside it (your edits were kept) and delete the .new');

    // Again: nothing new to write; the .new still waits, and auth says so.
    const again = await runCli(['auth', '--skip-issuer-check'], { cwd: old });
    expect(again.exitCode, again.stdout + again.stderr).toBe(0);
    expect(readFileSync(server, 'utf8')).toBe(edited);
    expect(again.stdout).toMatch(/kept your edit +src\/server\.ts \(the new version still waits in src\/server\.ts\.new\)/);
  });
});
