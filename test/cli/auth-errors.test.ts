/**
 * `auth` refusing to run, through the built CLI: each case is one clear message on stderr with the
 * fix, the right exit code (1 failure, 2 usage), no stack trace, and the project byte-identical.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { treeHash } from '../unit/regen/tree.js';

const STACK = /\n\s+at .+:\d+:\d+/;
let generated: string;

beforeAll(async () => {
  const cwd = tempDir('fastapps-auth-');
  const result = await runCli(['app', '--provider', 'auth0', '--domain', 'acme.us.auth0.com', '--skip-issuer-check', '--no-install', '--no-git'], { cwd });
  expect(result.exitCode, result.stderr).toBe(0);
  generated = path.join(cwd, 'app');
});

/** A fresh copy of the generated project. */
function project(): string {
  const dir = path.join(tempDir('fastapps-auth-'), 'app');
  cpSync(generated, dir, { recursive: true });
  return dir;
}

async function expectRefused(dir: string, args: string[], code: 1 | 2, pattern: RegExp, cwd = dir) {
  const before = treeHash(dir);
  const result = await runCli(['auth', ...args], { cwd });
  expect(result.exitCode, result.stderr + result.stdout).toBe(code);
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr).not.toMatch(STACK);
  expect(treeHash(dir), 'the project is byte-identical').toBe(before);
  return result;
}

const editManifest = (dir: string, edit: (doc: Record<string, unknown>) => void) => {
  const file = path.join(dir, 'fastapps.json');
  const doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(doc);
  writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
};

describe('not a project auth can work on', () => {
  test('no fastapps.json here or above', async () => {
    const dir = tempDir('fastapps-auth-');
    await expectRefused(dir, ['--provider', 'okta'], 1, /No fastapps\.json in .* or any folder above it: this is not a project create-fastapps generated\.\n {2}Run create-fastapps auth inside the project/);
  });

  test('fastapps.json is not JSON', async () => {
    const dir = project();
    writeFileSync(path.join(dir, 'fastapps.json'), '{ "provider": ');
    await expectRefused(dir, [], 1, /fastapps\.json is not valid JSON .*\n {2}Restore it from version control/);
  });

  test('fastapps.json of another tool', async () => {
    const dir = project();
    writeFileSync(path.join(dir, 'fastapps.json'), '{"name":"something else"}\n');
    await expectRefused(dir, [], 1, /fastapps\.json was not written by create-fastapps/);
  });

  test('a manifest from a newer create-fastapps', async () => {
    const dir = project();
    editManifest(dir, (doc) => ((doc['generator'] as Record<string, unknown>)['template'] = 99));
    await expectRefused(dir, [], 1, /written by a newer create-fastapps \(0\.1\.0, template 99; this one knows template 1\)\.\n {2}Run the newer version: npx create-fastapps@latest auth/);
  });

  test('a manifest from an unknown version', async () => {
    const dir = project();
    editManifest(dir, (doc) => delete (doc['generator'] as Record<string, unknown>)['template']);
    await expectRefused(dir, [], 1, /fastapps\.json is from an unknown version of create-fastapps/);
  });

  test('the file manifest is missing', async () => {
    const dir = project();
    editManifest(dir, (doc) => delete doc['files']);
    await expectRefused(dir, [], 1, /fastapps\.json has no usable file manifest .* cannot tell your edits from generated files/);
  });

  test('a damaged answer', async () => {
    const dir = project();
    editManifest(dir, (doc) => (doc['provider'] = 'fusionauth'));
    await expectRefused(dir, [], 1, /fastapps\.json is damaged: "provider" is "fusionauth", not one of local, auth0/);
  });
});

describe('usage errors: exit 2', () => {
  test('an unknown provider', async () => {
    await expectRefused(project(), ['--provider', 'fusionauth'], 2, /--provider: "fusionauth" is not a provider/);
  });

  test('a new provider without its values: every missing flag in one error, with an auth example', async () => {
    const result = await expectRefused(project(), ['--provider', 'azure'], 2, /Missing values for a non-interactive run: --tenant <.*>, --client-id <.*>\./);
    expect(result.stderr).toMatch(/Example: npx create-fastapps auth --provider azure --tenant /);
  });

  test('a flag of another provider', async () => {
    await expectRefused(project(), ['--tenant', 'contoso.onmicrosoft.com'], 2, /--tenant is not used by the auth0 provider/);
  });

  test('an unknown flag', async () => {
    await expectRefused(project(), ['--pm', 'npm'], 2, /unknown option '--pm'/);
  });
});

test('run from a subfolder, auth finds the project and says which', async () => {
  const dir = project();
  const before = treeHash(dir);
  const result = await runCli(['auth', '--skip-issuer-check'], { cwd: path.join(dir, 'src', 'tools') });
  expect(result.exitCode, result.stderr).toBe(0);
  expect(result.stdout).toContain(`Project ${dir} (Auth0, https://acme.us.auth0.com/)`);
  expect(result.stdout).toContain('Nothing to change');
  expect(treeHash(dir)).toBe(before);
});

describe('uncommitted changes in files auth would rewrite', () => {
  const git = (dir: string, ...args: string[]) => execFileSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=Test', '-c', 'init.defaultBranch=main', ...args], { cwd: dir, stdio: 'pipe' });

  test('refused without a terminal (exit 1, nothing written); --force goes ahead and keeps your change', async () => {
    const dir = project();
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'generated');
    // Your uncommitted change to package.json, which the switch merges into.
    const pkgFile = path.join(dir, 'package.json');
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
    pkg.scripts.lint = 'eslint .';
    writeFileSync(pkgFile, JSON.stringify(pkg, null, 2) + '\n');
    const okta = ['--provider', 'okta', '--domain', 'acme.okta.com', '--skip-issuer-check'];

    const refused = await expectRefused(dir, okta, 1, /Uncommitted changes in files auth would rewrite: package\.json\. Nothing was written\.\n {2}Commit or stash them first/);
    expect(refused.stderr).not.toContain('AUTH_SETUP.md');

    const forced = await runCli(['auth', ...okta, '--force'], { cwd: dir });
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(forced.stdout).toContain('Uncommitted changes in files auth rewrites: package.json (continuing: --force)');
    const merged = JSON.parse(readFileSync(pkgFile, 'utf8'));
    expect(merged.scripts.lint).toBe('eslint .');
    expect(merged.description).toContain('(Okta)');
  });

  test('a --dry-run is not stopped by them', async () => {
    const dir = project();
    git(dir, 'init', '-q');
    const before = treeHash(dir);
    const result = await runCli(['auth', '--provider', 'okta', '--domain', 'acme.okta.com', '--skip-issuer-check', '--dry-run'], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(treeHash(dir)).toBe(before);
  });
});

test('a folder where auth would write a file: refused before anything is written', async () => {
  const dir = project();
  mkdirSync(path.join(dir, 'src', 'auth', 'verifier.ts.new'));
  writeFileSync(path.join(dir, 'src', 'auth', 'verifier.ts'), '// mine\n');
  await expectRefused(dir, ['--provider', 'okta', '--domain', 'acme.okta.com', '--skip-issuer-check'], 1, /src\/auth\/verifier\.ts\.new is a folder, where auth would write a file/);
});
