/** `runAuth` in-process with a scripted terminal: the questions, and the uncommitted-changes confirmation. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { CancelledError, FailureError } from '../../../src/errors.js';
import { planProject, sha256 } from '../../../src/generate/plan.js';
import { loadTemplates } from '../../../src/generate/templates.js';
import { writeProject } from '../../../src/generate/write.js';
import type { Answers } from '../../../src/options/answers.js';
import type { Prompter } from '../../../src/options/prompter.js';
import { runAuth } from '../../../src/regen/auth.js';
import { createOutput } from '../../../src/ui/output.js';
import { treeHash } from './tree.js';

function generate(): string {
  const root = path.join(mkdtempSync(path.join(tmpdir(), 'fastapps-run-')), 'app');
  const answers: Answers = {
    targetDir: root,
    targetArg: 'app',
    projectName: 'app',
    provider: 'auth0',
    providerInput: { domain: 'acme.us.auth0.com' },
    issuer: 'https://acme.us.auth0.com/',
    resource: 'http://localhost:3000/mcp',
    audiences: ['http://localhost:3000/mcp'],
    clientIds: [],
    scopes: ['mcp:tools'],
    authMode: 'required',
    signIn: 'direct',
    skipIssuerCheck: true,
    install: false,
    git: false,
    pm: 'npm',
    force: false,
    timeoutMs: 5000,
  };
  writeProject(planProject(answers, loadTemplates('auth0'), { version: '0.0.0-test', issuerCheck: 'skipped' }).files, root, { force: false });
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=T', ...args], { cwd: root, stdio: 'pipe' });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'generated');
  // An uncommitted change to package.json, which the switch merges into (an edited auth file would
  // get a .new instead, so it is not rewritten in place).
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  pkg.scripts.lint = 'eslint .';
  writeFileSync(path.join(root, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
  return root;
}

/** Accepts every default, picks `provider`, types `domain`, and answers the confirmation with `proceed`. */
function terminal(provider: string, domain: string, proceed: boolean | 'ctrl-c'): Prompter & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async input(q) {
      asked.push(q.message);
      return q.message.includes('domain') ? domain : (q.default ?? '');
    },
    async select(q) {
      asked.push(q.message);
      return (q.message === 'Identity provider' ? provider : q.default) as never;
    },
    async confirm(q) {
      asked.push(q.message);
      if (!q.message.startsWith('Rewrite them anyway')) return q.default;
      if (proceed === 'ctrl-c') throw new CancelledError();
      return proceed;
    },
  };
}

function context(root: string, prompter: Prompter) {
  let stdout = '';
  const out = createOutput({ stdout: { write: (s: string) => (stdout += s) }, stderr: { write: () => true }, env: { NO_COLOR: '1' } });
  return { ctx: { out, cwd: root, env: {}, prompter, version: '0.0.0-test', signal: new AbortController().signal }, stdout: () => stdout };
}

test('on a terminal: asks with the recorded answers, then asks before rewriting a file with uncommitted changes; no → exit 1, nothing written', async () => {
  const root = generate();
  const before = treeHash(root);
  const prompter = terminal('okta', 'acme.okta.com', false);
  const { ctx, stdout } = context(root, prompter);
  const error = await runAuth({ skipIssuerCheck: true }, ctx).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(FailureError);
  expect((error as FailureError).message).toBe('Stopped: nothing was written.');
  expect(prompter.asked).toEqual([
    'Identity provider',
    'Okta domain',
    'Okta authorization server id',
    'Sign-in mode',
    'Public URL of the MCP endpoint',
    'Customise audience, scopes and auth mode?',
    'Rewrite them anyway? (git could not give the current versions back)',
  ]);
  expect(stdout()).toContain('Uncommitted changes in files auth would rewrite: package.json');
  expect(treeHash(root)).toBe(before);
});

test('yes → written, and the equivalent one-line command is printed', async () => {
  const root = generate();
  const { ctx, stdout } = context(root, terminal('okta', 'acme.okta.com', true));
  const outcome = await runAuth({ skipIssuerCheck: true }, ctx);
  expect(outcome.written).toContain('fastapps.json');
  expect(JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts.lint).toBe('eslint .');
  expect(stdout()).toContain('npx create-fastapps auth --provider okta --domain acme.okta.com');
});

test('Ctrl+C at the confirmation: cancelled, nothing written', async () => {
  const root = generate();
  const before = treeHash(root);
  const { ctx } = context(root, terminal('okta', 'acme.okta.com', 'ctrl-c'));
  await expect(runAuth({ skipIssuerCheck: true }, ctx)).rejects.toBeInstanceOf(CancelledError);
  expect(treeHash(root)).toBe(before);
});

test('on a terminal, a switch away from local offers to remove what it no longer needs; yes → removed, no → kept', async () => {
  for (const answer of [true, false]) {
    const root = path.join(mkdtempSync(path.join(tmpdir(), 'fastapps-prune-')), 'app');
    const answers: Answers = {
      targetDir: root, targetArg: 'app', projectName: 'app', provider: 'local', providerInput: {}, issuer: 'http://localhost:3000/oauth',
      resource: 'http://localhost:3000/mcp', audiences: ['http://localhost:3000/mcp'], clientIds: [], scopes: ['mcp:tools'], authMode: 'required', signIn: 'direct',
      skipIssuerCheck: false, install: false, git: false, pm: 'npm', force: false, timeoutMs: 5000,
    };
    writeProject(planProject(answers, loadTemplates('local'), { version: '0.0.0-test', issuerCheck: 'not-applicable' }).files, root, { force: false });
    const asked: string[] = [];
    const prompter: Prompter = {
      async input(q) {
        asked.push(q.message);
        return q.message.includes('domain') ? 'acme.us.auth0.com' : (q.default ?? '');
      },
      async select(q) {
        asked.push(q.message);
        return (q.message === 'Identity provider' ? 'auth0' : q.default) as never;
      },
      async confirm(q) {
        asked.push(q.message);
        return q.message.startsWith('Remove what is no longer needed') ? answer : q.default;
      },
    };
    const { ctx, stdout } = context(root, prompter);
    await runAuth({ skipIssuerCheck: true }, ctx);
    expect(asked).toContain('Remove what is no longer needed and unchanged since it was generated?');
    expect(stdout()).toMatch(/of the old setup are no longer needed/);
    expect(readFileSync(path.join(root, 'package.json'), 'utf8').includes('oidc-provider')).toBe(!answer);
    expect(existsSync(path.join(root, 'src/local-as/index.ts'))).toBe(!answer);
  }
});

test('after a switch, the project holds what create plans for the new answers: every auth file, package.json\'s sections, .env\'s values and fastapps.json', async () => {
  const root = generate();
  const { ctx } = context(root, undefined as unknown as Prompter);
  await runAuth({ provider: 'okta', domain: 'acme.okta.com', skipIssuerCheck: true, force: true }, { ...ctx, prompter: undefined });
  const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
  const recorded = JSON.parse(read('fastapps.json'));
  const answers: Answers = {
    targetDir: root, targetArg: 'app', projectName: 'app', provider: recorded.provider, providerInput: recorded.providerInput, issuer: recorded.issuer,
    resource: recorded.resource, audiences: recorded.audiences, clientIds: recorded.clientIds, scopes: recorded.scopes, authMode: recorded.authMode, signIn: recorded.signIn,
    skipIssuerCheck: true, install: false, git: false, pm: 'npm', force: false, timeoutMs: 5000,
  };
  expect(answers.provider).toBe('okta');
  const plan = planProject(answers, loadTemplates('okta'), { version: '0.0.0-test', issuerCheck: 'skipped' });
  for (const file of plan.files.filter((planned) => planned.owner === 'auth' && planned.path !== 'fastapps.json' && planned.path !== '.env')) {
    expect(read(file.path), file.path).toBe(file.content.toString('utf8'));
  }
  const pkg = JSON.parse(read('package.json'));
  expect(pkg.dependencies).toEqual(plan.packageJson['dependencies']);
  expect(pkg.devDependencies).toEqual(plan.packageJson['devDependencies']);
  // The user's own script stays beside the planned ones.
  expect(pkg.scripts).toEqual({ ...(plan.packageJson['scripts'] as object), lint: 'eslint .' });
  for (const [key, value] of Object.entries(plan.env)) if (key.startsWith('OAUTH_') || key === 'MCP_RESOURCE_URL' || key === 'AUTH_MODE') expect(read('.env')).toContain(`${key}=${value}`);
  // fastapps.json is the plan's, with the hashes of what auth generated for each file.
  expect(read('fastapps.json')).toBe(plan.manifest(recorded.files));
  for (const file of plan.files.filter((planned) => planned.owner === 'auth' && planned.path !== 'fastapps.json' && planned.path !== '.env')) {
    expect(recorded.files[file.path], file.path).toBe(sha256(file.content));
  }
});
