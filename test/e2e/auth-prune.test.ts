/**
 * Finishing a switch: a project on the local provider (installed with npm) moves to Auth0 with
 * `create-fastapps auth --prune`, against a local issuer serving Auth0's discovery document. What
 * only the local provider needed is gone (the embedded server, its sign-in test, the token script,
 * oidc-provider), and the project type-checks and passes its own tests offline as it is.
 * With the token script edited, it stays with what it imports (the embedded server, oidc-provider),
 * and the project still type-checks after npm install has made node_modules match package.json.
 */
import { execa } from 'execa';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli, tempDir, type CliResult } from '../helpers/cli.js';
import { startIssuerServer, type IssuerServer } from '../helpers/issuer-server.js';
import { cases } from './provider-cases.js';

/**
 * A local project created and installed with npm, then switched to Auth0 with `auth --prune`
 * against a local issuer serving Auth0's discovery document; `edit` runs on it before the switch.
 */
function switchedToAuth0(edit: (dir: string) => void = () => {}) {
  let auth0: IssuerServer | undefined;
  const project = { dir: '', switched: undefined as unknown as CliResult, run: (command: string, ...args: string[]) => execa(command, args, { cwd: project.dir, reject: false, all: true }) };
  beforeAll(async () => {
    auth0 = await startIssuerServer({ fixture: cases.auth0.fixture });
    project.dir = path.join(tempDir(), 'app');
    const created = await runCli([project.dir, '--provider', 'local', '--no-git', '--pm', 'npm'], { cwd: path.dirname(project.dir) });
    expect(created.exitCode, created.stdout + created.stderr).toBe(0);
    edit(project.dir);
    project.switched = await runCli(['auth', '--provider', 'auth0', ...cases.auth0.flags(auth0.issuer), '--prune'], { cwd: project.dir });
  }, 300_000);
  afterAll(async () => {
    await auth0?.close();
  });
  return project;
}

describe('auth --provider auth0 --prune in an installed local project', () => {
  const project = switchedToAuth0();

  test('the switch removes what only the local provider needed', () => {
    expect(project.switched.exitCode, project.switched.stdout + project.switched.stderr).toBe(0);
    for (const file of ['src/local-as', 'scripts/token.ts', 'test/local-sign-in.test.ts', 'test/support/sign-in.ts']) expect(existsSync(path.join(project.dir, file)), file).toBe(false);
    const pkg = JSON.parse(readFileSync(path.join(project.dir, 'package.json'), 'utf8'));
    expect(pkg.dependencies['oidc-provider']).toBeUndefined();
    expect(pkg.scripts.token).toBeUndefined();
    expect(project.switched.stdout).not.toMatch(/• no longer needed/);
  });

  test('the project type-checks and passes its own tests offline, without the local sign-in test', async () => {
    const typecheck = await project.run('npm', 'run', 'typecheck');
    expect(typecheck.exitCode, typecheck.all).toBe(0);
    const tests = await project.run('npm', 'test');
    expect(tests.exitCode, tests.all).toBe(0);
    expect(tests.all).toMatch(/(#|ℹ) pass [1-9]/);
    expect(tests.all).toContain('Auth0: required mode');
    expect(tests.all).not.toMatch(/local sign-in|Local development server/i);
  });
});

describe('auth --provider auth0 --prune with the token script edited', () => {
  const project = switchedToAuth0((dir) => appendFileSync(path.join(dir, 'scripts/token.ts'), '\n// my token helper\n'));

  test('the edited script, the embedded server it imports and oidc-provider stay; the rest goes', () => {
    expect(project.switched.exitCode, project.switched.stdout + project.switched.stderr).toBe(0);
    for (const file of ['scripts/token.ts', 'src/local-as/index.ts', 'src/local-as/keys.ts', 'src/local-as/pages.ts', 'src/local-as/store.ts']) expect(existsSync(path.join(project.dir, file)), file).toBe(true);
    for (const file of ['test/local-sign-in.test.ts', 'test/support/sign-in.ts']) expect(existsSync(path.join(project.dir, file)), file).toBe(false);
    expect(project.switched.stdout).toMatch(/kept\s+src\/local-as\/index\.ts: scripts\/token\.ts \(which you edited\) imports it/);
    expect(project.switched.stdout).toContain('they belong to the Local development server setup, which this project no longer uses. Delete them or update them for Auth0, then: npm run typecheck && npm run test');
    const pkg = JSON.parse(readFileSync(path.join(project.dir, 'package.json'), 'utf8'));
    expect(pkg.dependencies['oidc-provider']).toBeDefined();
    expect(pkg.devDependencies['@types/oidc-provider']).toBeDefined();
  });

  test('after npm install (node_modules as package.json says), it type-checks and passes its own tests offline', async () => {
    const install = await project.run('npm', 'install', '--no-audit', '--no-fund', '--prefer-offline');
    expect(install.exitCode, install.all).toBe(0);
    expect(existsSync(path.join(project.dir, 'node_modules', 'oidc-provider')), 'oidc-provider is still installed').toBe(true);
    const typecheck = await project.run('npm', 'run', 'typecheck');
    expect(typecheck.exitCode, typecheck.all).toBe(0);
    const tests = await project.run('npm', 'test');
    expect(tests.exitCode, tests.all).toBe(0);
    expect(tests.all).toContain('Auth0: required mode');
    expect(tests.all).not.toMatch(/local sign-in/i);
  }, 300_000);
});
