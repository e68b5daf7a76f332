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

      const code = await term.exitCode();
      const screen = await term.screen();
      expect(code, screen).toBe(0);
      expect(screen).toContain(`Issuer ${issuer.issuer} checked`);
      expect(screen).toContain('To create this project again without questions:');
      expect(screen).toContain(`npx create-fastapps demo --provider oidc --issuer ${issuer.issuer} --no-install`);
      const manifest = JSON.parse(readFileSync(path.join(cwd, 'demo', 'fastapps.json'), 'utf8'));
      expect(manifest).toMatchObject({ provider: 'oidc', issuer: issuer.issuer, resource: 'http://localhost:3000/mcp', issuerCheck: 'passed', signIn: 'direct' });
    } finally {
      await term.close();
    }
  });

  test('the broker sign-in: described in the choice, its client id asked, its secret masked and never shown again', async () => {
    const cwd = workDir();
    const secret = 'tmux-SECRET-5a4b3c';
    const term = await openTerminal(['node', BIN, 'demo', '--provider', 'oidc', '--issuer', issuer.issuer, '--no-install'], { cwd });
    try {
      await term.waitFor('Sign-in mode');
      // direct, facade, broker
      await term.press('Down', 'Down');
      await term.waitFor('this server is the authorization server hosts see: they register themselves; you register one client at OpenID Connect');
      await term.press('Enter');
      await term.waitFor("Client id of this server's own client at OpenID Connect (broker sign-in)");
      await term.type('mcp-broker');
      await term.press('Enter');
      await term.waitFor('Public URL of the MCP endpoint');
      await term.press('Enter');
      await term.waitFor('Customise audience, scopes and auth mode?');
      await term.press('Enter');
      await term.waitFor('Client secret of mcp-broker at OpenID Connect (written only to .env)');
      await term.type(secret);
      await term.waitFor('*'.repeat(secret.length));
      await term.press('Enter');

      const code = await term.exitCode();
      const screen = await term.screen();
      expect(code, screen).toBe(0);
      expect(screen).not.toContain(secret);
      expect(screen).toContain("Allow this redirect URI on the server's own client at OpenID Connect (mcp-broker): http://localhost:3000/oauth/callback");
      expect(screen).toContain('# first set OAUTH_BROKER_CLIENT_SECRET=… in the environment (the client secret; never printed)');
      expect(screen).toContain(`npx create-fastapps demo --provider oidc --issuer ${issuer.issuer} --sign-in broker --broker-client-id mcp-broker --no-install`);
      expect(readFileSync(path.join(cwd, 'demo', '.env'), 'utf8')).toContain(`OAUTH_BROKER_CLIENT_SECRET=${secret}\n`);
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
