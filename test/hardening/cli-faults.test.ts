/**
 * Issue 7 §4: `create` when things go wrong. Each case: a clear message, the right exit code
 * (1 failure, 2 usage, 130 cancelled), no half-written project, nothing outside the target touched,
 * no stack trace.
 *
 * What Ctrl+C does (decided here, implemented in src/cleanup.ts, src/generate/write.ts,
 * src/install/install.ts):
 * - before the write (prompts, issuer check): "Cancelled", 130, nothing on disk;
 * - during the write: the write is synchronous and staged beside the target, then renamed into
 *   place, so SIGINT (handled between event-loop turns) is seen once the project is complete:
 *   "Cancelled", 130, and a note that the project is complete; never a partial project;
 * - during the install: the package manager is stopped and awaited, `node_modules` and the
 *   lockfile it started are removed, and the project is left as `--no-install` writes it:
 *   "Cancelled", 130, and the command to install later.
 */
import { execa, execaSync } from 'execa';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BIN, cliEnv, runCli, tempDir, type CliResult } from '../helpers/cli.js';
import { startIssuerServer, type IssuerServer } from '../helpers/issuer-server.js';
import { openTerminal } from '../helpers/terminal.js';
import { sharedDeps } from './support/deps.js';
import { STACK } from './support/project.js';
import { printTable, row, type Row } from './support/tally.js';
import { projectState, snapshot } from './support/tree.js';

const started = Date.now();
const rows: Record<string, Row> = {};
afterAll(() => printTable('CLI faults', rows, started));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Records a finished case: exit code, message, stack traces, what the target and its surroundings look like. */
function record(name: string, result: Pick<CliResult, 'exitCode' | 'stderr' | 'stdout'>, target: string, allowed: Array<'absent' | 'complete'>, before: Record<string, string>, parent: string, created = target) {
  const tally = (rows[name] = row());
  tally.cases = 1;
  const state = projectState(target);
  if (state.startsWith('partial')) tally.halfWritten += 1;
  if (STACK.test(result.stderr + result.stdout)) tally.stackTraces += 1;
  tally.notes.push(`exit ${result.exitCode}`, state);
  expect(result.stderr + result.stdout).not.toMatch(STACK);
  expect(allowed, `the project is ${state}`).toContain(state);
  expect(snapshot(parent, [created]), 'nothing outside the target (and the folders made for it) is touched').toEqual(before);
  return state;
}

describe('Ctrl+C', () => {
  let issuer: IssuerServer;
  beforeAll(async () => {
    issuer = await startIssuerServer({ issuerPath: '/realms/demo' });
  });
  afterAll(async () => {
    await issuer?.close();
  });

  test('during the issuer check: "Cancelled", 130, nothing written', async () => {
    const base = tempDir();
    writeFileSync(path.join(base, 'sibling.txt'), 'untouched');
    const before = snapshot(base);
    for (const url of issuer.discoveryUrls) issuer.fault(url, { delayMs: 10_000 });
    try {
      const child = execa('node', [BIN, 'app', '--provider', 'oidc', '--issuer', issuer.issuer, '--no-install', '--no-git', '--timeout', '20000'], { cwd: base, env: cliEnv(), extendEnv: false, reject: false, detached: true });
      await sleep(1_000);
      process.kill(-child.pid!, 'SIGINT');
      const result = await child;
      expect(result.exitCode).toBe(130);
      expect(result.stderr.trim()).toBe('Cancelled');
      record('Ctrl+C during the issuer check', { exitCode: result.exitCode ?? -1, stderr: String(result.stderr), stdout: String(result.stdout) }, path.join(base, 'app'), ['absent'], before, base);
    } finally {
      issuer.clearFaults();
    }
  });

  test('during the write (the process stopped mid-write, then SIGINT): never a partial project, nothing left beside it', async () => {
    // The write is synchronous; SIGSTOP freezes the CLI while its staging folder is half-filled,
    // then SIGINT and SIGCONT: the signal can only be handled once the write is done.
    let caught = false;
    for (let attempt = 0; attempt < 8 && !caught; attempt += 1) {
      const base = tempDir();
      writeFileSync(path.join(base, 'sibling.txt'), 'untouched');
      const before = snapshot(base);
      const nested = path.join(base, 'new-parent', 'nested');
      const child = execa('node', [BIN, 'new-parent/nested/app', '--provider', 'local', '--no-install', '--no-git'], { cwd: base, env: cliEnv(), extendEnv: false, reject: false, detached: true });
      const deadline = Date.now() + 10_000;
      // A tight synchronous poll: the staging folder exists for only a few milliseconds.
      for (;;) {
        const entries = existsSync(nested) ? readdirSync(nested) : [];
        const staging = entries.find((name) => name.startsWith('.app.fastapps-'));
        if (staging && !entries.includes('app')) {
          process.kill(child.pid!, 'SIGSTOP');
          // Still mid-write once stopped?
          caught = existsSync(path.join(nested, staging)) && !existsSync(path.join(nested, 'app'));
          break;
        }
        if (entries.includes('app') || Date.now() > deadline) break;
      }
      if (caught) {
        process.kill(-child.pid!, 'SIGINT');
        process.kill(-child.pid!, 'SIGCONT');
      }
      const result = await child;
      if (!caught) continue;
      expect(result.exitCode, String(result.stderr)).toBe(130);
      expect(String(result.stderr)).toMatch(/^Cancelled\n {2}The project is complete in new-parent\/nested\/app\.$/);
      record('Ctrl+C during the write', { exitCode: result.exitCode ?? -1, stderr: String(result.stderr), stdout: String(result.stdout) }, path.join(nested, 'app'), ['complete'], before, base, path.join(base, 'new-parent'));
      expect(readdirSync(nested), 'no staging folder left').toEqual(['app']);
    }
    expect(caught, 'the CLI was never caught in the middle of its write').toBe(true);
  });

  test('during the install, in a real terminal: the install stops, its node_modules is removed, the project stays complete', async () => {
    await sharedDeps(); // warms the npm cache, so the install below starts quickly
    const base = tempDir();
    writeFileSync(path.join(base, 'sibling.txt'), 'untouched');
    const before = snapshot(base);
    const target = path.join(base, 'app');
    const terminal = await openTerminal(['node', BIN, 'app', '--provider', 'local', '--no-git', '--pm', 'npm', '--yes'], {
      cwd: base,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false' },
    });
    try {
      await terminal.waitFor('Installing dependencies with npm', 30_000);
      const deadline = Date.now() + 60_000;
      while (!existsSync(path.join(target, 'node_modules')) && Date.now() < deadline) await sleep(20);
      expect(existsSync(path.join(target, 'node_modules')), 'npm started writing node_modules').toBe(true);
      await terminal.press('C-c');
      const exitCode = await terminal.exitCode(30_000);
      const screen = await terminal.screen();
      expect(exitCode, screen).toBe(130);
      expect(screen).toContain('Cancelled');
      expect(screen).toContain('The project is complete in app, without its dependencies. To install them: cd app && npm install');
      const state = record('Ctrl+C during the install', { exitCode, stderr: screen, stdout: '' }, target, ['complete'], before, base);
      expect(state).toBe('complete');
      expect(existsSync(path.join(target, 'node_modules'))).toBe(false);
      expect(existsSync(path.join(target, 'package-lock.json'))).toBe(false);
    } finally {
      await terminal.close();
    }
  });
});

const root = process.getuid?.() === 0;
const canDropPrivileges = !root || execaSync('sh', ['-c', 'command -v setpriv'], { reject: false }).exitCode === 0;

/** Runs the CLI as an unprivileged user when the tests run as root (root ignores permissions). */
function runUnprivileged(args: string[], cwd: string) {
  if (!root) return runCli(args, { cwd });
  const started = Date.now();
  return execa('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'node', BIN, ...args], { cwd, env: { ...cliEnv(), HOME: cwd }, extendEnv: false, reject: false, stdin: 'ignore' }).then((result) => ({
    exitCode: result.exitCode ?? -1,
    stdout: String(result.stdout),
    stderr: String(result.stderr),
    ms: Date.now() - started,
  }));
}

describe('the target folder', () => {
  // As root, permissions only bite for another user: setpriv (util-linux) runs the CLI as nobody.
  test.runIf(canDropPrivileges)('inside a read-only folder: exit 1, one clear line, nothing created', async () => {
    const base = tempDir();
    chmodSync(base, 0o755);
    const readonly = path.join(base, 'readonly');
    mkdirSync(readonly);
    chmodSync(readonly, 0o555);
    const before = snapshot(base);
    const result = await runUnprivileged(['readonly/app', '--provider', 'local', '--no-install', '--no-git'], base);
    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/Cannot write the project to .*readonly.*: permission denied \(EACCES/);
    expect(result.stderr).toMatch(/Choose a folder you can write to/);
    expect(result.stderr).not.toMatch(/Unexpected error/);
    record('read-only parent folder', result, path.join(readonly, 'app'), ['absent'], before, base);
  });

  test.runIf(canDropPrivileges)('an existing, empty, read-only target folder: exit 1, nothing written into it or beside it', async () => {
    const base = tempDir();
    chmodSync(base, 0o777);
    const target = path.join(base, 'app');
    mkdirSync(target);
    chmodSync(target, 0o555);
    const before = snapshot(base);
    const result = await runUnprivileged(['app', '--provider', 'local', '--no-install', '--no-git'], base);
    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/Cannot write the project to .*app: permission denied \(EACCES/);
    expect(readdirSync(target)).toEqual([]);
    expect(snapshot(base)).toEqual(before);
    const tally = (rows['read-only target folder'] = row());
    tally.cases = 1;
    tally.notes.push(`exit ${result.exitCode}`, 'empty, as it was');
    expect(result.stderr).not.toMatch(STACK);
  });

  test('a parent path that is a file: exit 1, says which, nothing touched', async () => {
    const base = tempDir();
    writeFileSync(path.join(base, 'notes.txt'), 'a file');
    const before = snapshot(base);
    const result = await runCli(['notes.txt/app', '--provider', 'local', '--no-install', '--no-git'], { cwd: base });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/Cannot create notes\.txt\/app: .*notes\.txt is a file, not a folder/);
    record('parent path is a file', result, path.join(base, 'notes.txt', 'app'), ['absent'], before, base);
  });

  test('a write that fails half-way (paths past PATH_MAX): exit 1, the staging folder and the parent folders it made are gone', async () => {
    const base = tempDir();
    writeFileSync(path.join(base, 'sibling.txt'), 'untouched');
    const before = snapshot(base);
    // Parent folders (each name under 255 bytes) that leave room for the staging folder but not
    // for the deepest project files: mkdir succeeds, a later write fails with ENAMETOOLONG.
    const parentLength = 4096 - 45; // staging "/.app.fastapps-xxxxxxxx" fits, "…/src/auth/top-level-schemes.ts" does not
    const segments: string[] = [];
    const length = () => base.length + 1 + segments.join('/').length;
    while (length() < parentLength) segments.push('d'.repeat(Math.max(1, Math.min(200, parentLength - length() - (segments.length > 0 ? 1 : 0)))));
    const relative = path.join(...segments, 'app');
    const result = await runCli([relative, '--provider', 'local', '--no-install', '--no-git'], { cwd: base });
    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/Cannot write the project to .*: the path is too long \(ENAMETOOLONG/);
    expect(result.stderr).not.toMatch(/Unexpected error/);
    record('write fails half-way (ENAMETOOLONG)', result, path.join(base, segments[0]!), ['absent'], before, base);
  });

  test('a path with spaces and unicode, several folders deep: written, and the next steps quote it', async () => {
    const base = tempDir();
    writeFileSync(path.join(base, 'sibling.txt'), 'untouched');
    const before = snapshot(base);
    const relative = path.join('My Projects', 'Ünïcødé 项目 😀', 'app');
    const result = await runCli([relative, '--provider', 'local', '--no-install', '--no-git'], { cwd: base });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain(`cd '${relative}'`);
    const target = path.join(base, relative);
    expect(projectState(target)).toBe('complete');
    expect(JSON.parse(readFileSync(path.join(target, 'package.json'), 'utf8')).name).toBe('app');
    record('path with spaces and unicode', result, target, ['complete'], before, base, path.join(base, 'My Projects'));
  });

  test('a unicode project folder name: refused (exit 2) with a valid name to use', async () => {
    const base = tempDir();
    const before = snapshot(base);
    const result = await runCli(['Ünïcødé-app', '--provider', 'local', '--no-install', '--no-git'], { cwd: base });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/"Ünïcødé-app" is not a valid npm package name: it has capital letters\. Try "unic-de-app"\./);
    record('unicode project name', result, path.join(base, 'Ünïcødé-app'), ['absent'], before, base);
  });

  test('inside a git repository: written, git init skipped, the repository untouched but for the new folder', async () => {
    const base = tempDir();
    const git = (...args: string[]) => execa('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: base });
    await git('init', '-q');
    writeFileSync(path.join(base, 'README.md'), '# outer\n');
    await git('add', '.');
    await git('commit', '-q', '-m', 'outer');
    const before = snapshot(base);
    const result = await runCli(['app', '--provider', 'local', '--no-install'], { cwd: base });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('Already inside a git repository; git init skipped');
    expect(existsSync(path.join(base, 'app', '.git'))).toBe(false);
    record('inside a git repository', result, path.join(base, 'app'), ['complete'], before, base);
    expect((await git('status', '--porcelain')).stdout.trim()).toBe('?? app/');
  });
});

describe('the issuer', () => {
  let issuer: IssuerServer;
  let elsewhere: IssuerServer;
  beforeAll(async () => {
    issuer = await startIssuerServer({ issuerPath: '/realms/demo' });
    elsewhere = await startIssuerServer({ issuerPath: '/realms/demo', hostname: 'localhost' });
  });
  afterAll(async () => {
    await issuer?.close();
    await elsewhere?.close();
  });

  async function createAgainst(extra: string[] = []) {
    const base = tempDir();
    writeFileSync(path.join(base, 'sibling.txt'), 'untouched');
    const before = snapshot(base);
    const result = await runCli(['app', '--provider', 'oidc', '--issuer', issuer.issuer, '--no-install', '--no-git', ...extra], { cwd: base });
    return { base, before, result, target: path.join(base, 'app') };
  }

  test('that redirects to another host: exit 1, names the redirect and the fix, nothing written', async () => {
    for (const url of issuer.discoveryUrls) issuer.fault(url, { redirectTo: elsewhere.discoveryUrls.at(-1)! });
    try {
      const { base, before, result, target } = await createAgainst();
      expect(result.exitCode, result.stderr).toBe(1);
      expect(result.stderr).toMatch(/redirects to another host \(localhost\)/);
      expect(result.stderr).toMatch(/Nothing was written/);
      record('issuer redirects to another host', result, target, ['absent'], before, base);
    } finally {
      issuer.clearFaults();
    }
  });

  test('behind a slow endpoint: --timeout is honoured (gives up in time; waits when there is time)', async () => {
    for (const url of issuer.discoveryUrls) issuer.fault(url, { delayMs: 4_000 });
    try {
      const { base, before, result, target } = await createAgainst(['--timeout', '1000']);
      expect(result.exitCode, result.stderr).toBe(1);
      expect(result.stderr).toMatch(/1000 ms|timed out|did not answer/i);
      expect(result.ms).toBeLessThan(1_000 + 3_000);
      record('slow issuer, --timeout 1000', result, target, ['absent'], before, base);
    } finally {
      issuer.clearFaults();
    }
    for (const url of issuer.discoveryUrls) issuer.fault(url, { delayMs: 400 });
    issuer.fault(String(issuer.document.jwks_uri), { delayMs: 400 });
    try {
      const { base, before, result, target } = await createAgainst(['--timeout', '5000']);
      expect(result.exitCode, result.stderr).toBe(0);
      record('slow issuer, --timeout 5000', result, target, ['complete'], before, base);
    } finally {
      issuer.clearFaults();
    }
  });
});
