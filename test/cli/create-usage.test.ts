/**
 * `create` without a terminal: every bad input is one clear line with the fix, exit 2 (usage) or
 * 1 (a write that cannot happen), no stack trace, and nothing written.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const STACK = /\n\s+at .+:\d+:\d+/;

async function expectRefused(args: string[], code: 1 | 2, pattern: RegExp) {
  const cwd = tempDir();
  const result = await runCli(args, { cwd });
  expect(result.exitCode, result.stderr + result.stdout).toBe(code);
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr).not.toMatch(STACK);
  expect(readdirSync(cwd), 'nothing is written').toEqual([]);
  return result;
}

describe('non-interactive, values missing', () => {
  test('lists every missing value in one error, exit 2', async () => {
    const result = await expectRefused(['--provider', 'azure'], 2, /Missing values/);
    expect(result.stderr).toContain('[dir]');
    expect(result.stderr).toContain('--tenant');
    expect(result.stderr).toContain('--client-id');
    expect(result.stderr).toMatch(/Example: npx create-fastapps my-mcp-app --provider azure --tenant .* --client-id /);
  });

  test('a provider field alone', async () => {
    const result = await expectRefused(['app', '--provider', 'auth0'], 2, /Missing a value for a non-interactive run: --domain <acme\.us\.auth0\.com>/);
    expect(result.stderr).not.toContain('[dir]');
  });

  test('--yes never asks, even with a terminal-looking environment', async () => {
    await expectRefused(['app', '--provider', 'cognito', '--yes'], 2, /--user-pool/);
  });
});

describe('bad values', () => {
  const cases: Array<[string, string[], 1 | 2, RegExp]> = [
    ['unknown provider', ['app', '--provider', 'fusionauth'], 2, /--provider: "fusionauth" is not a provider; use one of local, auth0, okta, azure, cognito, oidc, keycloak, workos, google, github/],
    ['invalid project name', ['My App'], 2, /"My App" is not a valid npm package name: it has capital letters\. Try "my-app"/],
    ['malformed resource URL', ['app', '--resource', 'localhost:3000'], 2, /--resource: .*(not a URL|http\(s\))/],
    ['resource without a path', ['app', '--resource', 'https://mcp.example.com'], 2, /--resource: The resource URL needs the endpoint path: https:\/\/mcp\.example\.com\/mcp/],
    ['resource with a trailing slash', ['app', '--resource', 'https://mcp.example.com/mcp/'], 2, /Drop the trailing slash: https:\/\/mcp\.example\.com\/mcp/],
    ['resource not canonical', ['app', '--resource', 'https://MCP.example.com:443/mcp'], 2, /canonical form: https:\/\/mcp\.example\.com\/mcp/],
    ['issuer given as its discovery URL', ['app', '--provider', 'oidc', '--issuer', 'https://sso.example.com/realms/a/.well-known/openid-configuration'], 2, /That is a discovery URL; give the issuer itself: https:\/\/sso\.example\.com\/realms\/a/],
    ['http issuer on a public host', ['app', '--provider', 'oidc', '--issuer', 'http://sso.example.com/realms/a'], 2, /must use https; http is only allowed for localhost/],
    ['issuer with a query', ['app', '--provider', 'oidc', '--issuer', 'https://sso.example.com/?tenant=a'], 2, /must not contain a query/],
    ['not a URL at all', ['app', '--provider', 'oidc', '--issuer', 'sso example'], 2, /is not a URL/],
    ['Okta org authorization server', ['app', '--provider', 'okta', '--issuer', 'https://acme.okta.com'], 2, /org authorization server issues tokens for Okta's own APIs.*https:\/\/acme\.okta\.com\/oauth2\/default/],
    ['Entra common endpoint', ['app', '--provider', 'azure', '--tenant', 'common', '--client-id', '6f2a1e4b-8c3d-4e5f-9a0b-1c2d3e4f5a6b'], 2, /multi-tenant alias .*placeholder issuer/],
    ['Entra client id that is not a GUID', ['app', '--provider', 'azure', '--tenant', 'contoso.onmicrosoft.com', '--client-id', 'my-api'], 2, /not an application \(client\) id/],
    ['Cognito region that contradicts the pool', ['app', '--provider', 'cognito', '--user-pool', 'eu-west-1_AbC123', '--region', 'us-east-1', '--client-id', 'abc123'], 2, /in eu-west-1, not us-east-1/],
    ['Cognito audience', ['app', '--provider', 'cognito', '--user-pool', 'eu-west-1_AbC123', '--client-id', 'abc123', '--audience', 'x'], 2, /Cognito access tokens have no aud claim/],
    ['a flag of another provider', ['app', '--provider', 'auth0', '--domain', 'a.auth0.com', '--tenant', 'x'], 2, /--tenant is not used by the auth0 provider/],
    ['a scope with a quote', ['app', '--scopes', 'read "all"'], 2, /is not a valid OAuth scope/],
    ['an audience that could break out of .env', ['app', '--provider', 'oidc', '--issuer', 'https://sso.example.com', '--audience', 'a"b'], 2, /is not an audience/],
    ['unknown flag', ['app', '--providr', 'auth0'], 2, /unknown option '--providr'/],
    ['timeout that is not a number', ['app', '--timeout', 'soon'], 2, /--timeout: "soon" is not a timeout/],
    ['package manager that does not exist', ['app', '--pm', 'npx'], 2, /--pm: "npx" is not a package manager/],
  ];
  for (const [name, args, code, pattern] of cases) {
    test(name, async () => {
      await expectRefused(args, code, pattern);
    });
  }
});

describe('the target folder', () => {
  test('a file where the folder should be: exit 1', async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'app'), 'x');
    const result = await runCli(['app', '--no-install', '--no-git'], { cwd });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/app exists and is not a folder/);
    expect(readFileSync(path.join(cwd, 'app'), 'utf8')).toBe('x');
  });

  test('a parent path that is a file: exit 1', async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'parent'), 'x');
    const result = await runCli(['parent/app', '--no-install', '--no-git'], { cwd });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/parent is a file, not a folder/);
  });

  test('a non-empty folder is refused with the conflicting files listed; --force writes into it and deletes nothing', async () => {
    const cwd = tempDir();
    mkdirSync(path.join(cwd, 'app', '.git'), { recursive: true });
    writeFileSync(path.join(cwd, 'app', 'notes.txt'), 'mine');
    writeFileSync(path.join(cwd, 'app', 'package.json'), '{}');
    const refused = await runCli(['app', '--no-install', '--no-git'], { cwd });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/app is not empty: notes\.txt, package\.json\./);
    expect(refused.stderr).toMatch(/--force/);
    expect(readdirSync(path.join(cwd, 'app')).sort()).toEqual(['.git', 'notes.txt', 'package.json']);

    const forced = await runCli(['app', '--no-install', '--no-git', '--force'], { cwd });
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(readFileSync(path.join(cwd, 'app', 'notes.txt'), 'utf8')).toBe('mine');
    expect(JSON.parse(readFileSync(path.join(cwd, 'app', 'package.json'), 'utf8')).name).toBe('app');
    expect(existsSync(path.join(cwd, 'app', '.git'))).toBe(true);
  });

  test('a folder holding only .git and editor files counts as empty', async () => {
    const cwd = tempDir();
    mkdirSync(path.join(cwd, 'app', '.git'), { recursive: true });
    writeFileSync(path.join(cwd, 'app', '.DS_Store'), '');
    const result = await runCli(['app', '--no-install', '--no-git'], { cwd });
    expect(result.exitCode, result.stderr).toBe(0);
  });

  test('an absolute path is used as is, not under the current folder', async () => {
    const cwd = tempDir();
    const target = path.join(tempDir(), 'abs-app');
    const result = await runCli([target, '--no-install', '--no-git'], { cwd });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(existsSync(path.join(target, 'fastapps.json'))).toBe(true);
    expect(readdirSync(cwd)).toEqual([]);
  });

  test('no staging folder is left behind beside the project', async () => {
    const cwd = tempDir();
    const result = await runCli(['app', '--no-install', '--no-git'], { cwd });
    expect(result.exitCode).toBe(0);
    expect(readdirSync(cwd)).toEqual(['app']);
  });
});

describe('help and version', () => {
  test('--help documents non-interactive usage and exit codes, exit 0', async () => {
    const result = await runCli(['--help'], { cwd: tempDir() });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Non-interactive usage');
    expect(result.stdout).toContain('--provider <id>');
    expect(result.stdout).toContain('Exit codes: 0 success, 1 failure');
  });

  test('output piped into a reader that stops early (| head -1) ends quietly', async () => {
    const { execa } = await import('execa');
    const { BIN } = await import('../helpers/cli.js');
    const result = await execa('sh', ['-c', `node ${BIN} --help | head -1; node ${BIN} doctor https://127.0.0.1:1/x --timeout 200 | head -1`], { reject: false, env: { NO_COLOR: '1', PATH: process.env.PATH } });
    expect(result.stderr).not.toMatch(/EPIPE|Unhandled|\n\s+at /);
    expect(result.stdout.split('\n')[0]).toMatch(/^Usage: create-fastapps/);
  });

  test('--version prints the version, exit 0', async () => {
    const result = await runCli(['--version'], { cwd: tempDir() });
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim()).toBe(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version);
  });
});

describe('--sign-in', () => {
  test('an unknown mode: exit 2, naming the modes', async () => {
    await expectRefused(['app', '--provider', 'oidc', '--issuer', 'https://sso.example.com/realms/main', '--sign-in', 'proxy'], 2, /--sign-in: "proxy" is not a sign-in mode; use one of direct, facade, broker\./);
  });

  test('the local provider has no façade: exit 2, saying why', async () => {
    const result = await expectRefused(['app', '--provider', 'local', '--sign-in', 'facade'], 2, /--sign-in: the local provider has no facade sign-in; use direct\./);
    expect(result.stderr).toContain('already publishes everything hosts need');
  });
});
