/**
 * Auth0 picks a token's audience in one of two ways, and the project's values decide which one it
 * needs: hosts send resource=<MCP URL>, which the Resource Parameter Compatibility Profile maps onto
 * the API whose Identifier equals it; an audience that is not the MCP URL can only come from the
 * tenant's Default Audience. `create` says which, and AUTH_SETUP.md gives the steps for that one.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { startIssuerServer, type IssuerServer } from '../helpers/issuer-server.js';

let auth0: IssuerServer;
beforeAll(async () => {
  auth0 = await startIssuerServer({ fixture: 'auth0-tenant' });
});
afterAll(async () => {
  await auth0.close();
});

async function create(extra: string[]) {
  const cwd = tempDir();
  const result = await runCli(['app', '--provider', 'auth0', '--domain', 'dev-ltxchcls4igzho78.us.auth0.com', '--issuer', auth0.issuer, '--resource', 'https://mcp.acme.example/mcp', ...extra, '--no-install', '--no-git'], { cwd });
  expect(result.exitCode, result.stderr).toBe(0);
  return { stdout: result.stdout, checklist: readFileSync(path.join(cwd, 'app', 'AUTH_SETUP.md'), 'utf8') };
}

describe('Auth0: which audience setting the project needs', () => {
  test('the MCP URL as the API Identifier (the default): the Compatibility Profile, on', async () => {
    const { stdout, checklist } = await create([]);
    expect(stdout).toContain('Auth0: hosts send resource=https://mcp.acme.example/mcp; turn on the Resource Parameter Compatibility Profile so it selects the API whose Identifier is exactly that URL');
    expect(checklist).toContain('- **Identifier**: `https://mcp.acme.example/mcp`.');
    expect(checklist).toContain('It is the MCP URL, so the `resource` hosts send selects');
    expect(checklist).toContain('*Settings › Advanced*: turn on **Resource Parameter Compatibility Profile**');
    expect(checklist).not.toContain('Default Audience*:');
  });

  test('a custom --audience: the Default Audience, and the profile left off', async () => {
    const { stdout, checklist } = await create(['--audience', 'https://api.acme.example']);
    expect(stdout).toContain('Auth0: the audience https://api.acme.example is not the MCP URL, so the resource=https://mcp.acme.example/mcp hosts send cannot select it');
    expect(checklist).toContain('- **Identifier**: `https://api.acme.example`.');
    expect(checklist).not.toContain('it must be the MCP URL exactly');
    expect(checklist).toContain('*Settings › General › API Authorization Settings › Default Audience*: `https://api.acme.example`');
    expect(checklist).toContain('Leave **Resource Parameter Compatibility Profile** off');
    expect(checklist).toContain('npx create-fastapps auth --audience https://mcp.acme.example/mcp');
  });

  test('with the façade sign-in, the checklist keeps RFC 9207 iss off (hosts would compare it with the façade)', async () => {
    const { checklist } = await create(['--sign-in', 'facade']);
    expect(checklist).toContain('Leave **Include Issuer in Authorization Responses** off');
    expect(checklist).not.toContain('Turn on **Include Issuer in Authorization Responses**');
  });
});
