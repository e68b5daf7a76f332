/**
 * `auth` switching providers in `--no-install` projects, through the built CLI: the widget and
 * your edits stay, the untouched auth files become the new provider's, `--dry-run` writes nothing,
 * a second identical run changes nothing, and what is no longer needed is listed, never deleted.
 */
import { existsSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sha256 } from '../../src/generate/plan.js';
import { REPO, runCli, tempDir } from '../helpers/cli.js';
import { startIssuerServer, type IssuerServer } from '../helpers/issuer-server.js';
import { treeEntries, treeHash } from '../unit/regen/tree.js';

const read = (dir: string, file: string) => readFileSync(path.join(dir, file), 'utf8');
const template = (file: string) => readFileSync(path.join(REPO, 'templates', file), 'utf8');

async function create(args: string[]): Promise<string> {
  const cwd = tempDir('fastapps-auth-');
  const result = await runCli(['app', ...args, '--no-install', '--no-git'], { cwd });
  expect(result.exitCode, result.stderr).toBe(0);
  return path.join(cwd, 'app');
}

async function auth(dir: string, args: string[]) {
  const result = await runCli(['auth', ...args], { cwd: dir });
  expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  return result;
}

describe('auth0 → okta, with a widget and the verifier edited', () => {
  let okta: IssuerServer;
  let dir: string;
  let oktaFlags: string[];
  const widget = 'web/whoami/main.ts';
  const verifier = 'src/auth/verifier.ts';

  beforeAll(async () => {
    okta = await startIssuerServer({ fixture: 'okta-custom-as-default' });
    oktaFlags = ['--provider', 'okta', '--domain', 'example.okta.com', '--issuer', okta.issuer];
    dir = await create(['--provider', 'auth0', '--domain', 'acme.us.auth0.com', '--skip-issuer-check']);
    appendFileSync(path.join(dir, widget), '\n// my widget tweak\n');
    appendFileSync(path.join(dir, verifier), '\n// my verifier tweak\n');
  });
  afterAll(async () => {
    await okta?.close();
  });

  test('--dry-run prints a unified diff of every change and leaves every file byte-identical', async () => {
    const before = treeHash(dir);
    const result = await auth(dir, [...oktaFlags, '--dry-run']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(treeHash(dir)).toBe(before);
    expect(result.stdout).toContain('Dry run (nothing is written). What auth would do:');
    expect(result.stdout).toContain('--- a/src/auth/verifier.ts\n+++ b/src/auth/verifier.ts.new\n');
    expect(result.stdout).toContain('--- a/AUTH_SETUP.md\n+++ b/AUTH_SETUP.md\n');
    expect(result.stdout).toMatch(/^-OAUTH_ISSUER=https:\/\/acme\.us\.auth0\.com\/$/m);
    expect(result.stdout).toContain(`\n+OAUTH_ISSUER=${okta.issuer}\n`);
    expect(result.stdout).toMatch(/^\+# Okta setup for app$/m);
    expect(result.stdout).toContain('+++ b/fastapps.json');
    expect(result.stdout).not.toContain(widget);
  });

  test('the switch: widget untouched, the edited verifier kept with .new beside it, the rest Okta\'s', async () => {
    const widgetBefore = read(dir, widget);
    const verifierBefore = read(dir, verifier);
    const result = await auth(dir, oktaFlags);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Issuer ${okta.issuer} checked`);
    expect(result.stdout).toMatch(/kept your edit\s+src\/auth\/verifier\.ts → new version in src\/auth\/verifier\.ts\.new \(\+\d+ −\d+ lines\)/);
    expect(result.stdout).toMatch(/replaced\s+AUTH_SETUP\.md/);

    expect(read(dir, widget)).toBe(widgetBefore);
    expect(read(dir, verifier)).toBe(verifierBefore);
    expect(read(dir, `${verifier}.new`)).toBe(template('providers/okta/src/auth/verifier.ts'));
    expect(read(dir, 'test/support/provider.ts')).toBe(template('providers/okta/test/support/provider.ts'));
    expect(read(dir, 'AUTH_SETUP.md')).toMatch(/^# Okta setup for app\n/);
    expect(read(dir, '.env')).toContain(`OAUTH_ISSUER=${okta.issuer}\nOAUTH_AUDIENCE=api://default\n`);
    expect(read(dir, '.env.example')).toContain(`OAUTH_ISSUER=${okta.issuer}`);

    const manifest = JSON.parse(read(dir, 'fastapps.json'));
    expect(manifest).toMatchObject({ provider: 'okta', issuer: okta.issuer, audiences: ['api://default'], issuerCheck: 'passed' });
    // The record holds what was offered, so the next run does not offer it again.
    expect(manifest.files[verifier]).toBe(sha256(template('providers/okta/src/auth/verifier.ts')));
    expect(manifest.files[widget]).toBe(sha256(widgetBefore.replace('\n// my widget tweak\n', '')));
    expect(existsSync(path.join(dir, '.fastapps')), 'the staging folder is gone').toBe(false);
  });

  test('a second run with the same answers changes nothing (flags again, or none)', async () => {
    const before = treeHash(dir);
    for (const args of [oktaFlags, []]) {
      const result = await auth(dir, args);
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stdout).toContain('Nothing to change');
      expect(result.stdout).toContain('the new version still waits in src/auth/verifier.ts.new');
      expect(treeHash(dir)).toBe(before);
    }
  });

  test('taking the new version resolves it', async () => {
    writeFileSync(path.join(dir, verifier), read(dir, `${verifier}.new`));
    rmSync(path.join(dir, `${verifier}.new`));
    const result = await auth(dir, []);
    expect(result.stdout).toContain('Nothing to change');
    expect(result.stdout).not.toContain('.new');
  });
});

describe('local → auth0 → local, without install', () => {
  let dir: string;
  let original: Map<string, string>;

  beforeAll(async () => {
    dir = await create(['--yes']);
    original = treeEntries(dir);
  });

  test('src/local-as and the local entries of package.json are listed as no longer needed, and kept', async () => {
    const result = await auth(dir, ['--provider', 'auth0', '--domain', 'acme.us.auth0.com', '--skip-issuer-check']);
    expect(result.exitCode, result.stderr).toBe(0);
    for (const file of ['src/local-as/index.ts', 'src/local-as/keys.ts', 'scripts/token.ts', 'test/local-sign-in.test.ts']) {
      expect(result.stdout).toMatch(new RegExp(`no longer needed\\s+${file.replaceAll('.', '\\.')} \\(not deleted; --prune removes it\\)`));
      expect(treeEntries(dir).get(file), `${file} is byte-identical`).toBe(original.get(file));
    }
    expect(result.stdout).toMatch(/no longer needed\s+package\.json dependencies\.oidc-provider \(not removed\)/);
    expect(result.stdout).toMatch(/no longer needed\s+package\.json scripts\.token \(not removed\)/);
    const pkg = JSON.parse(read(dir, 'package.json'));
    expect(pkg.dependencies['oidc-provider']).toBeDefined();
    expect(pkg.description).toContain('(Auth0)');
    expect(read(dir, 'src/auth/verifier.ts')).toBe(template('providers/auth0/src/auth/verifier.ts'));
    expect(read(dir, 'src/auth/issuer.ts')).toBe(template('project/src/auth/issuer.ts'));
    expect(read(dir, '.env')).toContain('OAUTH_ISSUER=https://acme.us.auth0.com/\n');
    // Still recorded with the hash it was generated with, so a later --prune can tell it is unchanged.
    expect(JSON.parse(read(dir, 'fastapps.json')).files['src/local-as/index.ts']).toBe(sha256(readFileSync(path.join(dir, 'src/local-as/index.ts'))));
  });

  test('and back: every file is as create wrote it, but .env, where the issuer line is commented out', async () => {
    const result = await auth(dir, ['--provider', 'local']);
    expect(result.exitCode, result.stderr).toBe(0);
    const now = treeEntries(dir);
    for (const [file, hash] of original) if (file !== '.env') expect(now.get(file), file).toBe(hash);
    expect([...now.keys()].filter((file) => !original.has(file))).toEqual([]);
    expect(read(dir, '.env')).toContain('# Not used with Local development server (commented out by create-fastapps auth):\n# OAUTH_ISSUER=https://acme.us.auth0.com/\n');
  });
});

describe('local → auth0 with --prune', () => {
  const auth0 = ['--provider', 'auth0', '--domain', 'acme.us.auth0.com', '--skip-issuer-check'];
  const leftovers = ['src/local-as/index.ts', 'src/local-as/keys.ts', 'src/local-as/pages.ts', 'src/local-as/store.ts', 'scripts/token.ts', 'test/local-sign-in.test.ts', 'test/support/sign-in.ts'];

  test('--dry-run --prune shows the removals and writes nothing', async () => {
    const dir = await create(['--provider', 'local']);
    const before = treeHash(dir);
    const result = await auth(dir, [...auth0, '--prune', '--dry-run']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(treeHash(dir)).toBe(before);
    for (const file of leftovers) {
      expect(result.stdout).toMatch(new RegExp(`removed\\s+${file.replaceAll('.', '\\.')} \\(no longer needed, unchanged since generated\\)`));
      expect(result.stdout).toContain(`--- a/${file}\n+++ /dev/null\n`);
    }
    expect(result.stdout).toMatch(/removed\s+package\.json dependencies\.oidc-provider \(no longer needed\)/);
    expect(result.stdout).toContain('Dry run: nothing was written.');
  });

  test('removes what is unchanged since generated, keeps and lists an edited leftover, and the unused dependencies go', async () => {
    // test/support/sign-in.ts imports nothing of the local server: it alone is kept.
    const mine = 'test/support/sign-in.ts';
    const dir = await create(['--provider', 'local']);
    appendFileSync(path.join(dir, mine), '\n// my sign-in helper\n');
    const result = await auth(dir, [...auth0, '--prune']);
    expect(result.exitCode, result.stderr + result.stdout).toBe(0);
    for (const file of leftovers.filter((file) => file !== mine)) expect(existsSync(path.join(dir, file)), file).toBe(false);
    expect(existsSync(path.join(dir, 'src/local-as')), 'the emptied folder goes too').toBe(false);
    expect(read(dir, mine)).toContain('// my sign-in helper');
    expect(result.stdout).toMatch(/no longer needed\s+test\/support\/sign-in\.ts \(you edited it: kept\)/);
    expect(result.stdout).not.toMatch(/⚠ kept /);
    const pkg = JSON.parse(read(dir, 'package.json'));
    expect(pkg.dependencies['oidc-provider']).toBeUndefined();
    expect(pkg.devDependencies['@types/oidc-provider']).toBeUndefined();
    expect(pkg.scripts.token).toBeUndefined();
    expect(pkg.scripts.test).toBeDefined();
    expect(result.stdout).toContain('Kept test/support/sign-in.ts (which you edited): it belongs to the Local development server setup, which this project no longer uses. Delete it or update it for Auth0, then: npm run typecheck && npm run test');
    // A second run: nothing left to prune but the file you kept.
    const again = await auth(dir, ['--prune', '--skip-issuer-check']);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('Nothing to change');
    expect(read(dir, mine)).toContain('// my sign-in helper');
  });

  test('an edited leftover keeps what it imports: the files, their packages and its script stay, and the output says why', async () => {
    const dir = await create(['--provider', 'local']);
    const original = treeEntries(dir);
    appendFileSync(path.join(dir, 'scripts/token.ts'), '\n// my token helper\n');
    const result = await auth(dir, [...auth0, '--prune']);
    expect(result.exitCode, result.stderr + result.stdout).toBe(0);
    const out = result.stdout;

    // scripts/token.ts imports ../src/local-as/index.js, which imports keys, pages and store.
    const closure = ['src/local-as/index.ts', 'src/local-as/keys.ts', 'src/local-as/pages.ts', 'src/local-as/store.ts'];
    for (const file of closure) expect(treeEntries(dir).get(file), `${file} is kept byte-identical`).toBe(original.get(file));
    for (const file of ['test/local-sign-in.test.ts', 'test/support/sign-in.ts']) expect(existsSync(path.join(dir, file)), file).toBe(false);
    expect(read(dir, 'scripts/token.ts')).toContain('// my token helper');
    expect(out).toMatch(/no longer needed\s+scripts\/token\.ts \(you edited it: kept\)/);
    expect(out).toMatch(/⚠ kept\s+src\/local-as\/index\.ts: scripts\/token\.ts \(which you edited\) imports it\n/);
    for (const file of closure.slice(1)) expect(out).toMatch(new RegExp(`⚠ kept\\s+${file.replaceAll('.', '\\.')}: src/local-as/index\\.ts imports it\n`));
    for (const file of closure) expect(out).not.toMatch(new RegExp(`(removed|no longer needed)\\s+${file.replaceAll('.', '\\.')}`));

    const pkg = JSON.parse(read(dir, 'package.json'));
    expect(pkg.dependencies['oidc-provider']).toBeDefined();
    expect(pkg.devDependencies['@types/oidc-provider']).toBeDefined();
    expect(pkg.scripts.token).toBe('tsx scripts/token.ts');
    expect(out).toMatch(/⚠ kept\s+package\.json dependencies\.oidc-provider: src\/local-as\/index\.ts imports it\n/);
    expect(out).toMatch(/⚠ kept\s+package\.json devDependencies\.@types\/oidc-provider: the types of oidc-provider, which src\/local-as\/index\.ts imports\n/);
    expect(out).toMatch(/⚠ kept\s+package\.json scripts\.token: it runs scripts\/token\.ts \(which you edited\)\n/);
    expect(out).toContain(
      'Kept scripts/token.ts (which you edited) and what it imports (src/local-as/index.ts, src/local-as/keys.ts, src/local-as/pages.ts, src/local-as/store.ts, oidc-provider): they belong to the Local development server setup, which this project no longer uses. Delete them or update them for Auth0, then: npm run typecheck && npm run test',
    );
    // Nothing was removed from package.json, so no install is owed.
    expect(out).not.toMatch(/npm install/);

    // The record still holds them, so once the edit is gone a later --prune removes them all.
    const manifest = JSON.parse(read(dir, 'fastapps.json'));
    for (const file of [...closure, 'scripts/token.ts']) expect(manifest.files[file], file).toBeDefined();
    const again = await auth(dir, ['--prune', '--skip-issuer-check']);
    expect(again.stdout).toContain('Nothing to change');
    writeFileSync(path.join(dir, 'scripts/token.ts'), read(dir, 'scripts/token.ts').replace('\n// my token helper\n', ''));
    const later = await auth(dir, ['--prune', '--skip-issuer-check']);
    expect(later.exitCode, later.stderr + later.stdout).toBe(0);
    for (const file of [...closure, 'scripts/token.ts']) expect(existsSync(path.join(dir, file)), file).toBe(false);
    expect(JSON.parse(read(dir, 'package.json')).dependencies['oidc-provider']).toBeUndefined();
  });
});

describe('a switch first, --prune later', () => {
  test('a later auth --prune still finds what the switch left, files and dependencies', async () => {
    const dir = await create(['--provider', 'local']);
    const switched = await auth(dir, ['--provider', 'auth0', '--domain', 'acme.us.auth0.com', '--skip-issuer-check', '--no-prune']);
    expect(switched.exitCode, switched.stderr).toBe(0);
    expect(existsSync(path.join(dir, 'src/local-as/index.ts'))).toBe(true);
    expect(JSON.parse(read(dir, 'package.json')).dependencies['oidc-provider']).toBeDefined();
    const pruned = await auth(dir, ['--prune', '--skip-issuer-check']);
    expect(pruned.exitCode, pruned.stderr + pruned.stdout).toBe(0);
    expect(existsSync(path.join(dir, 'src/local-as'))).toBe(false);
    expect(existsSync(path.join(dir, 'test/local-sign-in.test.ts'))).toBe(false);
    const pkg = JSON.parse(read(dir, 'package.json'));
    expect(pkg.dependencies['oidc-provider']).toBeUndefined();
    expect(pkg.scripts.token).toBeUndefined();
    // The lockfile is stale now: the next steps say so.
    expect(pruned.stdout).toMatch(/npm install\s+# updates the lockfile: package\.json lost dependencies/);
  });
});

describe('deleted and edited auth files', () => {
  test('a deleted file is reported, not recreated; --force recreates it and overwrites edits', async () => {
    const dir = await create(['--provider', 'auth0', '--domain', 'acme.us.auth0.com', '--skip-issuer-check']);
    rmSync(path.join(dir, 'AUTH_SETUP.md'));
    appendFileSync(path.join(dir, 'src/config.ts'), '\n// mine\n');
    appendFileSync(path.join(dir, 'src/auth/verifier.ts'), '\n// mine\n');
    const oidc = ['--provider', 'oidc', '--issuer', 'https://sso.example.com/realms/main', '--skip-issuer-check'];

    const first = await auth(dir, oidc);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/you deleted\s+AUTH_SETUP\.md: not recreated \(--force recreates it\)/);
    // config.ts is the same for every provider: your edit stays and nothing is offered.
    expect(first.stdout).not.toContain('src/config.ts');
    expect(existsSync(path.join(dir, 'src/config.ts.new'))).toBe(false);
    expect(existsSync(path.join(dir, 'AUTH_SETUP.md'))).toBe(false);

    // Another switch: the earlier .new is stale and replaced.
    const staleNew = read(dir, 'src/auth/verifier.ts.new');
    const second = await auth(dir, ['--provider', 'okta', '--domain', 'acme.okta.com', '--skip-issuer-check']);
    expect(second.stdout).toMatch(/src\/auth\/verifier\.ts → new version in src\/auth\/verifier\.ts\.new \(.*, replacing the earlier \.new\)/);
    expect(read(dir, 'src/auth/verifier.ts.new')).not.toBe(staleNew);
    expect(read(dir, 'src/auth/verifier.ts.new')).toBe(template('providers/okta/src/auth/verifier.ts'));

    const forced = await auth(dir, ['--force', '--skip-issuer-check']);
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/recreated\s+AUTH_SETUP\.md/);
    expect(forced.stdout).toMatch(/overwrote edit\s+src\/config\.ts/);
    expect(read(dir, 'AUTH_SETUP.md')).toMatch(/^# Okta setup/);
    expect(read(dir, 'src/config.ts')).toBe(template('project/src/config.ts'));
    expect(read(dir, 'src/auth/verifier.ts')).toBe(template('providers/okta/src/auth/verifier.ts'));
  });
});

describe('an Entra project in direct sign-in moves to the façade', () => {
  let entra: IssuerServer;
  let dir: string;
  const flags = () => ['--provider', 'azure', '--client-id', '6f2a1e4b-8c3d-4e5f-9a0b-1c2d3e4f5a6b', '--issuer', entra.issuer];

  beforeAll(async () => {
    entra = await startIssuerServer({ fixture: 'entra-v2-tenant' });
    dir = await create([...flags(), '--sign-in', 'direct']);
  });
  afterAll(async () => {
    await entra?.close();
  });

  test('auth --sign-in facade adds the façade, switches .env and the checklist, records it; a second run changes nothing', async () => {
    expect(existsSync(path.join(dir, 'src/auth/facade.ts'))).toBe(true); // shipped in every project, used only in facade sign-in
    expect(read(dir, '.env')).toMatch(/^OAUTH_SIGN_IN=direct$/m);
    const result = await auth(dir, ['--sign-in', 'facade', '--skip-issuer-check']);
    expect(result.exitCode, result.stderr + result.stdout).toBe(0);
    expect(result.stdout).toContain('Changing sign-in direct → facade');
    expect(read(dir, '.env')).toMatch(/^OAUTH_SIGN_IN=facade$/m);
    expect(JSON.parse(read(dir, 'fastapps.json')).signIn).toBe('facade');
    const checklist = read(dir, 'AUTH_SETUP.md');
    expect(checklist).toContain('With the façade sign-in (this project: `OAUTH_SIGN_IN=facade`)');
    expect(checklist).not.toContain('refuse this project as it is');
    expect(checklist).toContain('| ChatGPT | `https://chatgpt.com/connector/oauth/<callback-id>`<br>`https://chatgpt.com/connector_platform_oauth_redirect` | confidential (id + secret) |');
    const again = await auth(dir, ['--skip-issuer-check']);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('Nothing to change');
  });
});

describe('an Entra façade project whose Application ID URI is the MCP URL (the default before api://{client-id})', () => {
  const clientId = '6f2a1e4b-8c3d-4e5f-9a0b-1c2d3e4f5a6b';
  const resource = 'https://mcp.acme.example/mcp';
  let dir: string;

  beforeAll(async () => {
    // fastapps.json records values, not whether they were typed: this is what an earlier version
    // wrote for `--resource https://… ` alone.
    dir = await create(['--provider', 'azure', '--tenant', '9a95fd9e-005d-487a-9a01-d08c1eab2757', '--client-id', clientId, '--resource', resource, '--audience', resource, '--skip-issuer-check']);
    expect(JSON.parse(read(dir, 'fastapps.json')).audiences).toEqual([clientId, resource]);
  });

  test('auth changes nothing, says why the MCP URL is not needed, and keeps it when the resource moves', async () => {
    const same = await auth(dir, ['--skip-issuer-check']);
    expect(same.exitCode, same.stderr).toBe(0);
    expect(same.stdout).toContain('Nothing to change');
    expect(same.stdout).toContain(`Entra: the Application ID URI is the MCP URL ${resource}`);
    expect(read(dir, '.env')).toContain(`OAUTH_SCOPES=${resource}/mcp.tools\n`);

    const moved = await auth(dir, ['--resource', 'https://mcp2.acme.example/mcp', '--skip-issuer-check']);
    expect(moved.exitCode, moved.stderr).toBe(0);
    expect(moved.stdout).not.toMatch(/audience .* → /);
    const manifest = JSON.parse(read(dir, 'fastapps.json'));
    expect(manifest.resource).toBe('https://mcp2.acme.example/mcp');
    expect(manifest.audiences).toEqual([clientId, resource]);
    expect(manifest.scopes).toEqual([`${resource}/mcp.tools`]);

    const switched = await auth(dir, ['--audience', `api://${clientId}`, '--skip-issuer-check']);
    expect(switched.exitCode, switched.stderr).toBe(0);
    expect(switched.stdout).toContain(`audience ${clientId} ${resource} → ${clientId} api://${clientId}`);
    expect(read(dir, '.env')).toContain(`OAUTH_SCOPES=api://${clientId}/mcp.tools\n`);
    expect(read(dir, 'AUTH_SETUP.md')).toContain(`- *Expose an API › Application ID URI*: \`api://${clientId}\`, exactly`);
  });
});
