/** Provider quirks `create` resolves rather than refuses, and the ones it must still refuse. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { startIssuerServer, type IssuerServer } from '../helpers/issuer-server.js';

let entra: IssuerServer;
const CLIENT_ID = '6f2a1e4b-8c3d-4e5f-9a0b-1c2d3e4f5a6b';

beforeAll(async () => {
  // Entra's tenant document (issuer .../{tenant-id}/v2.0), which Entra also serves at the path of
  // a verified domain of the tenant.
  entra = await startIssuerServer({ fixture: 'entra-v2-tenant' });
  entra.fault('/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration', { json: entra.document });
});
afterAll(() => entra.close());

describe('Entra tenant given as a verified domain', () => {
  test('uses the issuer Entra names (the tenant id), says so, and records it', async () => {
    const cwd = tempDir();
    const byDomain = `${entra.origin}/contoso.onmicrosoft.com/v2.0`;
    const result = await runCli(['app', '--provider', 'azure', '--issuer', byDomain, '--client-id', CLIENT_ID, '--no-install', '--no-git'], { cwd });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Microsoft Entra ID names this tenant by its id, so the issuer is ${entra.issuer}`);
    const manifest = JSON.parse(readFileSync(path.join(cwd, 'app', 'fastapps.json'), 'utf8'));
    expect(manifest.issuer).toBe(entra.issuer);
    expect(manifest.providerInput.tenant).toBe('9a95fd9e-005d-487a-9a01-d08c1eab2757');
    expect(readFileSync(path.join(cwd, 'app', '.env'), 'utf8')).toContain(`OAUTH_ISSUER=${entra.issuer}\n`);
  });

  test('a document naming another tenant is still refused', async () => {
    const other = `${entra.origin}/fabrikam.onmicrosoft.com/v2.0`;
    entra.fault(`/fabrikam.onmicrosoft.com/v2.0/.well-known/openid-configuration`, { json: { ...entra.document, issuer: `${entra.origin}/not-a-tenant-id/v2.0` } });
    const cwd = tempDir();
    const result = await runCli(['app', '--provider', 'azure', '--issuer', other, '--client-id', CLIENT_ID, '--no-install', '--no-git'], { cwd });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/names another issuer/);
  });
});
