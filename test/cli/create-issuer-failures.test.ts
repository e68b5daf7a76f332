/**
 * The issuer is checked before the first file is written: when it fails, `create` says why and how
 * to fix it, exits 1 within the timeout, and the target folder does not exist.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { refusedUrl, startHangingServer, startIssuerServer, type HangingServer, type IssuerServer } from '../helpers/issuer-server.js';

let auth0: IssuerServer;
let synthetic: IssuerServer;
let hanging: HangingServer;

beforeAll(async () => {
  auth0 = await startIssuerServer({ fixture: 'auth0-tenant' });
  synthetic = await startIssuerServer({ issuerPath: '/realms/demo' });
  hanging = await startHangingServer();
});
afterAll(async () => {
  await auth0.close();
  await synthetic.close();
  await hanging.close();
});

async function createAgainst(issuer: string, extra: string[] = [], provider = 'oidc') {
  const cwd = tempDir();
  const result = await runCli(['app', '--provider', provider, '--issuer', issuer, '--no-install', '--no-git', ...extra], { cwd });
  expect(existsSync(path.join(cwd, 'app')), 'the target folder must not exist').toBe(false);
  expect(readdirSync(cwd)).toEqual([]);
  expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  return result;
}

describe('create refuses to write when the issuer check fails', () => {
  test('no discovery document (404 at every well-known URL)', async () => {
    const result = await createAgainst(`${synthetic.origin}/realms/missing`);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/404/);
    expect(result.stderr).toMatch(/Nothing was written/);
    // A wrong issuer is not worked around by skipping the check.
    expect(result.stderr).not.toContain('--skip-issuer-check');
  });

  test('an HTML page instead of the discovery document', async () => {
    for (const url of synthetic.discoveryUrls) synthetic.fault(url, { html: 'Sign in to Example' });
    try {
      const result = await createAgainst(synthetic.issuer);
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toMatch(/HTML/);
      expect(result.stderr).toMatch(/Sign in to Example/);
    } finally {
      synthetic.clearFaults();
    }
  });

  test("issuer mismatch: Auth0's trailing slash left out", async () => {
    const withoutSlash = auth0.issuer.replace(/\/$/, '');
    const result = await createAgainst(withoutSlash, ['--domain', 'dev-ltxchcls4igzho78.us.auth0.com'], 'auth0');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`"${auth0.issuer}"`);
    expect(result.stderr).toMatch(/trailing slash/i);
  });

  test('a JWKS without a usable signing key (only an encryption key)', async () => {
    synthetic.fault(String(synthetic.document.jwks_uri), { jwksOnly: 'enc' });
    try {
      const result = await createAgainst(synthetic.issuer);
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toMatch(/signing key/i);
    } finally {
      synthetic.clearFaults();
    }
  });

  test('a JWKS that publishes a symmetric secret and nothing else', async () => {
    synthetic.fault(String(synthetic.document.jwks_uri), { jwksOnly: 'oct' });
    try {
      const result = await createAgainst(synthetic.issuer);
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toMatch(/signing key|secret|oct/i);
    } finally {
      synthetic.clearFaults();
    }
  });

  test('a hanging issuer: gives up after --timeout', async () => {
    const result = await createAgainst(`${hanging.origin}/realms/demo`, ['--timeout', '800']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/800 ms|timed out|did not answer/i);
    expect(result.ms).toBeLessThan(800 + 2_500);
    expect(result.stderr).toMatch(/out of reach from this machine \(no network, a proxy, a VPN\), run the same command with --skip-issuer-check .* npx create-fastapps doctor/);
  });

  test('a refused connection', async () => {
    const result = await createAgainst(`${await refusedUrl()}/realms/demo`);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/refused/i);
    expect(result.stderr).toContain('--skip-issuer-check');
    expect(result.stderr).toContain('npx create-fastapps doctor');
  });

  test('--skip-issuer-check writes anyway and records the check as owed', async () => {
    const cwd = tempDir();
    const result = await runCli(['app', '--provider', 'oidc', '--issuer', `${await refusedUrl()}/realms/demo`, '--skip-issuer-check', '--no-install', '--no-git'], { cwd });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Issuer check skipped/);
    const manifest = JSON.parse((await import('node:fs')).readFileSync(path.join(cwd, 'app', 'fastapps.json'), 'utf8'));
    expect(manifest.issuerCheck).toBe('skipped');
  });
});

describe('the sign-in mode is checked with the issuer', () => {
  test('a provider that sends RFC 9207 iss cannot sit behind a façade: exit 1, naming direct and broker, nothing written', async () => {
    const keycloak = await startIssuerServer({ fixture: 'keycloak-master-localhost' });
    keycloak.document['authorization_response_iss_parameter_supported'] = true;
    try {
      const result = await createAgainst(keycloak.issuer, ['--sign-in', 'facade']);
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toMatch(/sends iss in its authorization responses .*cannot sit behind a façade\. Nothing was written\./);
      expect(result.stderr).toMatch(/Use --sign-in direct: .*--sign-in broker/);
    } finally {
      await keycloak.close();
    }
  });

  test('--provider keycloak, which has no broker: the refusal recommends direct (S256 and DCR are there), never broker', async () => {
    const keycloak = await startIssuerServer({ fixture: 'keycloak-master-localhost' });
    keycloak.document['authorization_response_iss_parameter_supported'] = true;
    try {
      const result = await createAgainst(keycloak.issuer, ['--sign-in', 'facade'], 'keycloak');
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toMatch(/Keycloak sends iss in its authorization responses .*cannot sit behind a façade\. Nothing was written\./);
      expect(result.stderr).toContain('Use --sign-in direct: Keycloak already publishes code_challenge_methods_supported with S256, which is what the façade would add, and a registration_endpoint hosts can register with');
      expect(result.stderr).not.toContain('broker');
      // What it recommends works: the same command with --sign-in direct writes the project.
      const cwd = tempDir();
      const direct = await runCli(['app', '--provider', 'keycloak', '--issuer', keycloak.issuer, '--sign-in', 'direct', '--no-install', '--no-git'], { cwd });
      expect(direct.exitCode, direct.stderr).toBe(0);
    } finally {
      await keycloak.close();
    }
  });

  test('Entra with --sign-in direct: written, with the warning that ChatGPT and Claude will refuse it', async () => {
    const entra = await startIssuerServer({ fixture: 'entra-v2-tenant' });
    try {
      const cwd = tempDir();
      const result = await runCli(['app', '--provider', 'azure', '--client-id', '6f2a1e4b-8c3d-4e5f-9a0b-1c2d3e4f5a6b', '--issuer', entra.issuer, '--sign-in', 'direct', '--no-install', '--no-git'], { cwd });
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stdout).toContain("Direct sign-in: ChatGPT, claude.ai and Claude Desktop, Claude Code will refuse Microsoft Entra ID's metadata");
      expect(result.stdout).toContain('--sign-in facade (the default) makes them accept it');
      const manifest = JSON.parse((await import('node:fs')).readFileSync(path.join(cwd, 'app', 'fastapps.json'), 'utf8'));
      expect(manifest.signIn).toBe('direct');
      // The checklist says so too.
      expect((await import('node:fs')).readFileSync(path.join(cwd, 'app', 'AUTH_SETUP.md'), 'utf8')).toContain('ChatGPT, Claude and Claude Code refuse this project as it is');
    } finally {
      await entra.close();
    }
  });

  test('Cognito with --sign-in direct: written, with the warning that ChatGPT and Claude will refuse it', async () => {
    const cognito = await startIssuerServer({ fixture: 'cognito-userpool-with-domain' });
    try {
      const cwd = tempDir();
      const result = await runCli(['app', '--provider', 'cognito', '--user-pool', 'eu-west-1_ZLiEFD4b6', '--client-id', 'abc123', '--issuer', cognito.issuer, '--sign-in', 'direct', '--no-install', '--no-git'], { cwd });
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stdout).toContain("Direct sign-in: ChatGPT, claude.ai and Claude Desktop, Claude Code will refuse Amazon Cognito's metadata (it lists no code_challenge_methods_supported)");
      expect(result.stdout).toContain('--sign-in facade (the default) makes them accept it');
      const { readFileSync } = await import('node:fs');
      expect(JSON.parse(readFileSync(path.join(cwd, 'app', 'fastapps.json'), 'utf8')).signIn).toBe('direct');
      expect(readFileSync(path.join(cwd, 'app', 'AUTH_SETUP.md'), 'utf8')).toContain('ChatGPT, Claude and Claude Code refuse this project as it is');
      // The default says nothing of the kind.
      const facadeCwd = tempDir();
      const facade = await runCli(['app', '--provider', 'cognito', '--user-pool', 'eu-west-1_ZLiEFD4b6', '--client-id', 'abc123', '--issuer', cognito.issuer, '--no-install', '--no-git'], { cwd: facadeCwd });
      expect(facade.exitCode, facade.stderr).toBe(0);
      expect(facade.stdout).not.toContain('Direct sign-in:');
    } finally {
      await cognito.close();
    }
  });
});
