/**
 * The switch of issue 5, end to end: an Auth0 project (installed with npm), a widget and the
 * verifier edited, then `create-fastapps auth --provider okta` against a local issuer serving Okta's
 * discovery document. The widget is byte-identical, the edited verifier is kept with
 * `verifier.ts.new` beside it, the untouched auth files are Okta's, and the project type-checks.
 * Once the new verifier is taken, a second run changes nothing, the project's own tests pass, and
 * the built server accepts an Okta-shaped token and rejects Auth0-shaped ones.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { execa } from 'execa';
import { appendFileSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REPO, runCli, tempDir } from '../helpers/cli.js';
import { freePort, parseChallenge, postInitialize, startProcess, type RunningProject } from '../helpers/generated-server.js';
import { startIssuerServer, type IssuerServer } from '../helpers/issuer-server.js';
import { treeHash } from '../unit/regen/tree.js';
import { cases } from './provider-cases.js';

const WIDGET = 'web/whoami/main.ts';
const VERIFIER = 'src/auth/verifier.ts';

describe('auth --provider okta in an installed Auth0 project', () => {
  let auth0: IssuerServer;
  let okta: IssuerServer;
  let dir: string;
  let resource: string;
  let widgetBefore: string;
  let verifierBefore: string;
  let switched: Awaited<ReturnType<typeof runCli>>;
  let project: RunningProject | undefined;
  const read = (file: string) => readFileSync(path.join(dir, file), 'utf8');
  const template = (file: string) => readFileSync(path.join(REPO, 'templates', file), 'utf8');
  const run = (command: string, ...args: string[]) => execa(command, args, { cwd: dir, reject: false, all: true });

  beforeAll(async () => {
    [auth0, okta] = await Promise.all([startIssuerServer({ fixture: cases.auth0.fixture }), startIssuerServer({ fixture: cases.okta.fixture })]);
    resource = `http://127.0.0.1:${await freePort()}/mcp`;
    dir = path.join(tempDir(), 'app');
    const created = await runCli([dir, '--provider', 'auth0', ...cases.auth0.flags(auth0.issuer), '--resource', resource, '--no-git', '--pm', 'npm'], { cwd: path.dirname(dir) });
    expect(created.exitCode, created.stdout + created.stderr).toBe(0);
    expect(created.stdout).toContain('Installed dependencies with npm');

    appendFileSync(path.join(dir, WIDGET), '\n// Our own touch on the widget.\n');
    appendFileSync(path.join(dir, VERIFIER), '\n// Our own note in the verifier.\n');
    widgetBefore = read(WIDGET);
    verifierBefore = read(VERIFIER);
    switched = await runCli(['auth', '--provider', 'okta', ...cases.okta.flags(okta.issuer)], { cwd: dir });
  }, 300_000);

  afterAll(async () => {
    await project?.stop();
    await Promise.all([auth0?.close(), okta?.close()]);
    if (dir) rmSync(path.dirname(dir), { recursive: true, force: true });
  });

  test('the switch succeeds after checking the Okta issuer', () => {
    expect(switched.stderr).toBe('');
    expect(switched.exitCode, switched.stdout).toBe(0);
    expect(switched.stdout).toContain(`Issuer ${okta.issuer} checked`);
    expect(switched.stdout).toMatch(/kept your edit\s+src\/auth\/verifier\.ts → new version in src\/auth\/verifier\.ts\.new/);
  });

  test('the widget is byte-identical; the edited verifier is kept with verifier.ts.new beside it', () => {
    expect(read(WIDGET)).toBe(widgetBefore);
    expect(read(VERIFIER)).toBe(verifierBefore);
    expect(read(`${VERIFIER}.new`)).toBe(template('providers/okta/src/auth/verifier.ts'));
  });

  test("the untouched auth files are Okta's", () => {
    expect(read('test/support/provider.ts')).toBe(template('providers/okta/test/support/provider.ts'));
    expect(read('AUTH_SETUP.md')).toMatch(/^# Okta setup for app\n/);
    expect(read('.env')).toContain(`OAUTH_ISSUER=${okta.issuer}\nOAUTH_AUDIENCE=api://default\n`);
    expect(JSON.parse(read('fastapps.json'))).toMatchObject({ provider: 'okta', issuer: okta.issuer, resource, audiences: ['api://default'], issuerCheck: 'passed' });
  });

  test('the project type-checks as it is, with your verifier kept', async () => {
    const typecheck = await run('npm', 'run', 'typecheck');
    expect(typecheck.exitCode, typecheck.all).toBe(0);
  });

  test('taking the new verifier, then a second run with the same answers changes nothing', async () => {
    renameSync(path.join(dir, `${VERIFIER}.new`), path.join(dir, VERIFIER));
    const before = treeHash(dir);
    const again = await runCli(['auth', '--provider', 'okta', ...cases.okta.flags(okta.issuer)], { cwd: dir });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toContain('Nothing to change');
    expect(treeHash(dir)).toBe(before);
  });

  describe('the built server', () => {
    const claims = () => cases.okta.claims({ issuer: okta.issuer, resource, scopes: ['mcp:tools'] });

    beforeAll(async () => {
      for (const script of ['typecheck', 'build']) {
        const result = await run('npm', 'run', script);
        expect(result.exitCode, result.all).toBe(0);
      }
      project = await startProcess(dir, ['node', 'dist/index.js'], { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' });
    }, 180_000);

    test("the project's own offline tests pass with Okta's token shapes", async () => {
      const ownTests = await run('npm', 'test');
      expect(ownTests.exitCode, ownTests.all).toBe(0);
      expect(ownTests.all).toMatch(/(#|ℹ) fail 0/);
    });

    test('accepts an Okta-shaped token', async () => {
      const token = await okta.mint(claims());
      const client = new Client({ name: 'e2e', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(resource), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
      const result = await client.callTool({ name: 'whoami', arguments: {} });
      expect(result.isError).toBeFalsy();
      expect((result.structuredContent as { subject: string }).subject).toBe(claims().sub);
      await client.close();
      expect(project!.output()).toContain(`issuer ${okta.issuer}`);
    });

    const auth0Shaped = (issuer: string) => cases.auth0.claims({ issuer, resource, scopes: ['mcp:tools'] });
    test('rejects an Auth0-shaped token from the old Auth0 issuer: 401', async () => {
      const response = await postInitialize(resource, { authorization: `Bearer ${await auth0.mint(auth0Shaped(auth0.issuer))}` });
      expect(response.status).toBe(401);
      expect(parseChallenge(response.headers.get('www-authenticate')).error).toBe('invalid_token');
    });

    test('rejects an Auth0-shaped token even when signed by the Okta issuer (aud is the resource): 401', async () => {
      const response = await postInitialize(resource, { authorization: `Bearer ${await okta.mint(auth0Shaped(okta.issuer))}` });
      expect(response.status).toBe(401);
      expect(parseChallenge(response.headers.get('www-authenticate')).error).toBe('invalid_token');
    });
  });
});
