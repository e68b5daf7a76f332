/**
 * Every provider's AUTH_SETUP.md says, in the façade sign-in, how each host is connected: the
 * server as their authorization server, and each host's exact redirect URIs and client kind.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const PROVIDERS: Record<string, string[]> = {
  auth0: ['--domain', 'acme.us.auth0.com'],
  okta: ['--domain', 'acme.okta.com'],
  azure: ['--tenant', '9a95fd9e-005d-487a-9a01-d08c1eab2757', '--client-id', '6f2a1e4b-8c3d-4e5f-9a0b-1c2d3e4f5a6b'],
  cognito: ['--user-pool', 'eu-west-1_AbC123', '--client-id', 'abc123'],
  oidc: ['--issuer', 'https://sso.example.com/realms/main'],
};

test.each(Object.keys(PROVIDERS))('%s: the façade checklist lists every host with its redirect URIs', async (provider) => {
  const cwd = tempDir();
  const result = await runCli(['app', '--provider', provider, ...PROVIDERS[provider]!, '--sign-in', 'facade', '--resource', 'https://mcp.acme.example/mcp', '--skip-issuer-check', '--no-install', '--no-git'], { cwd });
  expect(result.exitCode, result.stderr).toBe(0);
  const checklist = readFileSync(path.join(cwd, 'app', 'AUTH_SETUP.md'), 'utf8');
  expect(checklist).toContain('Hosts see this server as their authorization server: `https://mcp.acme.example`');
  for (const uri of ['https://chatgpt.com/connector/oauth/<callback-id>', 'https://claude.ai/api/mcp/auth_callback', 'http://localhost:<port>/callback', 'http://127.0.0.1:33418/', 'cursor://anysphere.cursor-mcp/oauth/callback']) {
    expect(checklist).toContain(`\`${uri}\``);
  }
  expect(checklist).toMatch(/\| ChatGPT \| .* \| confidential \(id \+ secret\) \|/);
  expect(checklist).toMatch(/\| Claude Code \| .* \| public \(id only, PKCE\) \|/);
});

describe('Entra: the Application ID URI this project needs, per sign-in mode', () => {
  const clientId = '6f2a1e4b-8c3d-4e5f-9a0b-1c2d3e4f5a6b';
  const resource = 'https://mcp.acme.example/mcp';

  async function entra(extra: string[]) {
    const cwd = tempDir();
    const result = await runCli(['app', '--provider', 'azure', ...PROVIDERS.azure!, '--resource', resource, ...extra, '--skip-issuer-check', '--no-install', '--no-git'], { cwd });
    expect(result.exitCode, result.stderr).toBe(0);
    const read = (file: string) => readFileSync(path.join(cwd, 'app', file), 'utf8');
    return { stdout: result.stdout, checklist: read('AUTH_SETUP.md'), env: read('.env') };
  }

  test('façade (the default) on an https MCP URL: api://{client-id}, which any tenant can set', async () => {
    const { checklist, env, stdout } = await entra([]);
    expect(env).toContain(`OAUTH_AUDIENCE=${clientId},api://${clientId}\n`);
    expect(env).toContain(`OAUTH_SCOPES=api://${clientId}/mcp.tools\n`);
    expect(checklist).toContain(`- *Expose an API › Application ID URI*: \`api://${clientId}\`, exactly`);
    expect(checklist).toContain('it need not be the MCP URL');
    expect(checklist).toContain(`\`api://${clientId}\` is the URI Entra proposes`);
    expect(checklist).toContain(`Clients request it fully qualified, \`api://${clientId}/mcp.tools\``);
    // Nothing tells the user to make the MCP URL the Application ID URI.
    expect(checklist).not.toContain(`Application ID URI*: \`${resource}\``);
    expect(checklist).not.toContain(`${resource}/mcp.tools`);
    expect(stdout).not.toContain('Entra: the Application ID URI');
  });

  test('direct on an https MCP URL: the MCP URL, on a verified domain', async () => {
    const { checklist, env } = await entra(['--sign-in', 'direct']);
    expect(env).toContain(`OAUTH_AUDIENCE=${clientId},${resource}\n`);
    expect(env).toContain(`OAUTH_SCOPES=${resource}/mcp.tools\n`);
    expect(checklist).toContain(`- *Expose an API › Application ID URI*: \`${resource}\`, exactly`);
    expect(checklist).toContain('Entra refuses a resource that is not the Application ID URI of the requested\n  scopes (`AADSTS9010010`)');
    expect(checklist).toContain('only on a verified domain of\n  the tenant');
    expect(checklist).not.toContain('need not be the MCP URL');
  });

  test('façade with the MCP URL as --audience (what an earlier version chose): said, with the way to api://', async () => {
    const { checklist, env, stdout } = await entra(['--audience', resource]);
    expect(env).toContain(`OAUTH_SCOPES=${resource}/mcp.tools\n`);
    expect(checklist).toContain(`- *Expose an API › Application ID URI*: \`${resource}\`, exactly`);
    expect(checklist).toContain("This project's is the MCP URL");
    expect(checklist).toContain(`\`npx create-fastapps auth --audience api://${clientId}\` switches to it`);
    expect(stdout).toContain(`Entra: the Application ID URI is the MCP URL ${resource}, which Entra allows only on a verified domain; the façade does not need it, and --audience api://${clientId} would work on any host`);
  });
});

describe("Cognito: the resource servers and custom scopes come from the project's scopes", () => {
  async function cognito(extra: string[]) {
    const cwd = tempDir();
    const result = await runCli(['app', '--provider', 'cognito', ...PROVIDERS.cognito!, ...extra, '--skip-issuer-check', '--no-install', '--no-git'], { cwd });
    expect(result.exitCode, result.stderr).toBe(0);
    const checklist = readFileSync(path.join(cwd, 'app', 'AUTH_SETUP.md'), 'utf8');
    return checklist.slice(checklist.indexOf('## 2.'), checklist.indexOf('## 3.'));
  }

  test('the default mcp/tools: identifier mcp, scope name tools', async () => {
    const section = await cognito([]);
    expect(section).toContain('## 2. A resource server and its scopes');
    expect(section).toContain('- **Resource server identifier** `mcp`, custom scope (*Scope name*) `tools`,\n  which clients request as `mcp/tools`.');
  });

  test('--scopes orders/read orders/write: one resource server orders with read and write, nothing about mcp', async () => {
    const section = await cognito(['--scopes', 'orders/read orders/write']);
    expect(section).toContain('- **Resource server identifier** `orders`, custom scopes (*Scope name*) `read`, `write`,\n  which clients request as `orders/read`, `orders/write`.');
    expect(section).not.toContain('`mcp`');
    expect(section).not.toContain('`tools`');
  });

  test('OpenID Connect scopes are no custom scopes; identifiers may be URLs; one server per identifier; a bare scope is called out', async () => {
    const section = await cognito(['--scopes', 'openid,https://api.acme.example/orders.read,billing/read,tools']);
    expect(section).toContain('## 2. Resource servers and their scopes');
    expect(section).toContain('- **Resource server identifier** `https://api.acme.example`, custom scope (*Scope name*) `orders.read`,');
    expect(section).toContain('- **Resource server identifier** `billing`, custom scope (*Scope name*) `read`,');
    expect(section).not.toMatch(/identifier\*\* `openid`|\(\*Scope name\*\) `openid`/);
    expect(section).toContain("**`tools` is neither a custom scope nor one of Cognito's own**");
  });
});
