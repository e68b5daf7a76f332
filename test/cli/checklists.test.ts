/**
 * Every provider's AUTH_SETUP.md says, in the façade sign-in, how each host is connected: the
 * server as their authorization server, and each host's exact redirect URIs and client kind.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
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
