/**
 * `auth` in a real terminal (tmux): after a switch away from the local provider it offers to remove
 * what the old setup left and nobody edited; yes removes it, and `--no-prune` means no offer.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { BIN, runCli, tempDir } from '../helpers/cli.js';
import { programs, skipWithout } from '../helpers/requires.js';
import { openTerminal, type Terminal } from '../helpers/terminal.js';

const OFFER = 'Remove what is no longer needed and unchanged since it was generated?';
const AUTH0 = ['--provider', 'auth0', '--domain', 'acme.us.auth0.com', '--skip-issuer-check'];
const LEFTOVERS = ['src/local-as/index.ts', 'src/local-as/keys.ts', 'src/local-as/pages.ts', 'src/local-as/store.ts', 'scripts/token.ts', 'test/local-sign-in.test.ts', 'test/support/sign-in.ts'];

async function localProject(): Promise<string> {
  const cwd = tempDir('fastapps-auth-tty-');
  const created = await runCli(['app', '--provider', 'local', '--no-install', '--no-git'], { cwd });
  expect(created.exitCode, created.stderr).toBe(0);
  return path.join(cwd, 'app');
}

/** The questions a switch with only the provider's flags still asks: each answered with its default. */
async function acceptDefaults(term: Terminal): Promise<void> {
  await term.waitFor('Sign-in mode');
  await term.press('Enter');
  await term.waitFor('Public URL of the MCP endpoint');
  await term.press('Enter');
  await term.waitFor('Customise audience, scopes and auth mode?');
  await term.press('Enter');
}

const pkg = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));

describe.skipIf(skipWithout(programs.tmux, 'the terminal tests of auth'))('auth in a terminal', () => {
  test('local → auth0: the prune is offered after the switch; yes removes the leftovers and the local dependencies', async () => {
    const dir = await localProject();
    const term = await openTerminal(['node', BIN, 'auth', ...AUTH0], { cwd: dir });
    try {
      await acceptDefaults(term);
      const offered = await term.waitFor(OFFER);
      expect(offered).toContain('Changing provider Local development server → Auth0');
      expect(offered).toMatch(/• \d+ files or package\.json entries of the old setup are no longer needed/);
      for (const file of LEFTOVERS) expect(existsSync(path.join(dir, file)), `${file} is still there while asked`).toBe(true);
      await term.type('y');
      await term.press('Enter');

      const code = await term.exitCode();
      const screen = await term.screen();
      expect(code, screen).toBe(0);
      for (const file of LEFTOVERS) {
        expect(existsSync(path.join(dir, file)), `${file} is gone`).toBe(false);
        expect(screen).toMatch(new RegExp(`removed\\s+${file.replaceAll('.', '\\.')} \\(no longer needed, unchanged since generated\\)`));
      }
      expect(existsSync(path.join(dir, 'src/local-as'))).toBe(false);
      expect(pkg(dir).dependencies['oidc-provider']).toBeUndefined();
      expect(pkg(dir).scripts.token).toBeUndefined();
      expect(screen).toMatch(/npm install\s+# updates the lockfile: package\.json lost dependencies/);
      expect(JSON.parse(readFileSync(path.join(dir, 'fastapps.json'), 'utf8')).provider).toBe('auth0');
    } finally {
      await term.close();
    }
  });

  test('--no-prune: no offer on a terminal, the leftovers are listed and kept', async () => {
    const dir = await localProject();
    const term = await openTerminal(['node', BIN, 'auth', ...AUTH0, '--no-prune'], { cwd: dir });
    try {
      await acceptDefaults(term);
      const code = await term.exitCode();
      const screen = await term.screen();
      expect(code, screen).toBe(0);
      expect(screen).toContain('Changing provider Local development server → Auth0');
      expect(screen).not.toContain(OFFER);
      for (const file of LEFTOVERS) {
        expect(existsSync(path.join(dir, file)), `${file} is kept`).toBe(true);
        expect(screen).toMatch(new RegExp(`no longer needed\\s+${file.replaceAll('.', '\\.')} \\(not deleted; --prune removes it\\)`));
      }
      expect(pkg(dir).dependencies['oidc-provider']).toBeDefined();
      expect(JSON.parse(readFileSync(path.join(dir, 'fastapps.json'), 'utf8')).provider).toBe('auth0');
    } finally {
      await term.close();
    }
  });

  test('--no-prune is an option of auth, beside --prune', async () => {
    const help = await runCli(['auth', '--help'], { cwd: tempDir() });
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/--prune\s+remove the files, dependencies and scripts/);
    expect(help.stdout).toMatch(/--no-prune\s+do not offer to remove them on a terminal/);
  });
});
