/** `create` in a real terminal (tmux): the questions, validation as you type, the result, and Ctrl+C. */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BIN, tempDir } from '../helpers/cli.js';
import { startIssuerServer, type IssuerServer } from '../helpers/issuer-server.js';
import { openTerminal } from '../helpers/terminal.js';
import { programs, skipWithout } from '../helpers/requires.js';

let issuer: IssuerServer;
beforeAll(async () => {
  issuer = await startIssuerServer({ fixture: 'keycloak-realm-http' });
});
afterAll(() => issuer.close());

function workDir(): string {
  const dir = path.join(tempDir(), 'cwd');
  mkdirSync(dir);
  return dir;
}

describe.skipIf(skipWithout(programs.tmux, 'the terminal tests of create'))('create in a terminal', () => {
  test('asks, validates as the user types, writes the project and prints the one-line command', async () => {
    const cwd = workDir();
    const term = await openTerminal(['node', BIN], { cwd });
    try {
      await term.waitFor('Project folder');
      await term.type('My App');
      await term.press('Enter');
      await term.waitFor(/not a valid npm package name: it has capital letters\. Try "my-app"/);
      await term.press(...Array(6).fill('BSpace'));
      await term.type('demo');
      await term.press('Enter');

      await term.waitFor('Identity provider');
      // local, auth0, okta, azure, cognito, oidc (then keycloak, workos)
      await term.press('Down', 'Down', 'Down', 'Down', 'Down', 'Enter');
      await term.waitFor('Issuer URL');
      await term.type(`${issuer.issuer}/.well-known/openid-configuration`);
      await term.press('Enter');
      await term.waitFor(`That is a discovery URL; give the issuer itself: ${issuer.issuer}`);
      await term.press(...Array('/.well-known/openid-configuration'.length).fill('BSpace'), 'Enter');

      await term.waitFor('Sign-in mode');
      await term.waitFor('hosts sign in at the provider itself');
      await term.press('Enter');
      await term.waitFor('Public URL of the MCP endpoint');
      await term.press('Enter');
      await term.waitFor('Customise audience, scopes and auth mode?');
      await term.press('Enter');
      await term.waitFor('Install dependencies now?');
      await term.type('n');
      await term.press('Enter');

      expect(await term.exitCode()).toBe(0);
      const screen = await term.screen();
      expect(screen).toContain(`Issuer ${issuer.issuer} checked`);
      expect(screen).toContain('To create this project again without questions:');
      expect(screen).toContain(`npx create-fastapps demo --provider oidc --issuer ${issuer.issuer} --no-install`);
      const manifest = JSON.parse(readFileSync(path.join(cwd, 'demo', 'fastapps.json'), 'utf8'));
      expect(manifest).toMatchObject({ provider: 'oidc', issuer: issuer.issuer, resource: 'http://localhost:3000/mcp', issuerCheck: 'passed', signIn: 'direct' });
    } finally {
      await term.close();
    }
  });

  test('Ctrl+C at a prompt: "Cancelled", exit 130, nothing written', async () => {
    const cwd = workDir();
    const term = await openTerminal(['node', BIN, 'demo'], { cwd });
    try {
      await term.waitFor('Identity provider');
      await term.press('C-c');
      expect(await term.exitCode()).toBe(130);
      expect(await term.screen()).toContain('Cancelled');
      expect(readdirSync(cwd)).toEqual([]);
    } finally {
      await term.close();
    }
  });

  test('Ctrl+C while the issuer is being checked: "Cancelled", exit 130, nothing written', async () => {
    const cwd = workDir();
    for (const url of issuer.discoveryUrls) issuer.fault(url, { delayMs: 10_000 });
    const term = await openTerminal(['node', BIN, 'demo', '--provider', 'oidc', '--issuer', issuer.issuer, '--resource', 'http://localhost:3000/mcp', '--scopes', 'mcp:tools', '--auth-mode', 'required', '--no-install', '--timeout', '20000'], { cwd });
    try {
      // An OpenID Connect server offers a choice of sign-in; direct is the default.
      await term.waitFor('Sign-in mode');
      await term.press('Enter');
      await term.waitFor('Customise audience');
      await term.press('Enter');
      await term.waitFor('Checking OpenID Connect issuer');
      await term.press('C-c');
      expect(await term.exitCode()).toBe(130);
      expect(await term.screen()).toContain('Cancelled');
      expect(readdirSync(cwd)).toEqual([]);
      expect(existsSync(path.join(cwd, 'demo'))).toBe(false);
    } finally {
      issuer.clearFaults();
      await term.close();
    }
  });
});
