/**
 * `auth` re-checks the issuer with the engine `create` uses: when the check fails it says why and
 * how to fix it, exits 1, and the project is byte-identical.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { startIssuerServer, type IssuerServer } from '../helpers/issuer-server.js';
import { treeHash } from '../unit/regen/tree.js';

let auth0: IssuerServer;
let synthetic: IssuerServer;
let dir: string;

beforeAll(async () => {
  auth0 = await startIssuerServer({ fixture: 'auth0-tenant' });
  synthetic = await startIssuerServer({ issuerPath: '/realms/demo' });
  const cwd = tempDir('fastapps-auth-');
  const created = await runCli(['app', '--provider', 'auth0', '--domain', 'dev-ltxchcls4igzho78.us.auth0.com', '--issuer', auth0.issuer, '--no-install', '--no-git'], { cwd });
  expect(created.exitCode, created.stderr).toBe(0);
  dir = path.join(cwd, 'app');
});
afterAll(async () => {
  await auth0?.close();
  await synthetic?.close();
});

async function expectCheckFails(args: string[], pattern: RegExp) {
  const before = treeHash(dir);
  const result = await runCli(['auth', ...args], { cwd: dir });
  expect(result.exitCode, result.stdout + result.stderr).toBe(1);
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr).toMatch(/Nothing was written/);
  expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  expect(treeHash(dir), 'the project is byte-identical').toBe(before);
}

describe('a failing issuer check writes nothing', () => {
  test('the new issuer has no discovery document (404)', async () => {
    await expectCheckFails(['--provider', 'oidc', '--issuer', `${synthetic.origin}/realms/missing`], /404/);
  });

  test('the new issuer serves a sign-in page instead of JSON', async () => {
    for (const url of synthetic.discoveryUrls) synthetic.fault(url, { html: 'Sign in to Example' });
    try {
      await expectCheckFails(['--provider', 'oidc', '--issuer', synthetic.issuer], /HTML/);
    } finally {
      synthetic.clearFaults();
    }
  });

  test('the recorded issuer, re-checked with no flags, now fails (its keys are gone)', async () => {
    auth0.fault(String(auth0.document.jwks_uri), { jwksOnly: 'enc' });
    try {
      await expectCheckFails([], /None of the 1 key\(s\) at http:\/\/127\.0\.0\.1/);
    } finally {
      auth0.clearFaults();
    }
  });

  test('and when it passes again, the same answers change nothing', async () => {
    const before = treeHash(dir);
    const result = await runCli(['auth'], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Issuer ${auth0.issuer} checked`);
    expect(result.stdout).toContain('Nothing to change');
    expect(treeHash(dir)).toBe(before);
  });
});
