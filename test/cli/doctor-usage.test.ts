/**
 * `doctor` from the command line: usage errors exit 2 with one line on stderr and no stack; the
 * token from a file or stdin (never echoed); the in-project mode reading fastapps.json.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { jsonFinding, type JsonReport } from '../helpers/doctor.js';
import { startIssuerServer, type IssuerServer } from '../helpers/issuer-server.js';

let srv: IssuerServer;
beforeAll(async () => {
  srv = await startIssuerServer({ issuerPath: '/realms/demo' });
});
afterAll(async () => {
  await srv.close();
});

describe('usage errors: exit 2, one clear line on stderr, nothing on stdout', () => {
  const cases: Array<[string, string[], string]> = [
    ['an issuer and --provider', ['https://a.example/', '--provider', 'auth0', '--domain', 'a.example'], '✖ Give either an issuer URL (https://a.example/) or --provider with its flags, not both.'],
    ['an unreadable --token-file', ['https://a.example/', '--token-file', 'nope.txt'], "✖ --token-file: can't read "],
    ['an unknown --skip id', ['https://a.example/', '--skip', 'server.magic'], '✖ --skip: "server.magic" is not a check id or group.'],
    ['a missing provider value', ['--provider', 'okta'], '✖ --provider okta needs --domain <acme.okta.com> (or --issuer).'],
    ['an unknown flag', ['https://a.example/', '--frobnicate'], "error: unknown option '--frobnicate'"],
  ];
  for (const [name, args, message] of cases) {
    test(name, async () => {
      const result = await runCli(['doctor', ...args], { cwd: tempDir() });
      expect(result.exitCode).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.startsWith(message), result.stderr).toBe(true);
      expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    });
  }
});

describe('the sample token', () => {
  test('from stdin (--token -): analysed, never printed', async () => {
    const token = await srv.mint({ aud: 'https://mcp.example.com/mcp', scope: 'mcp:tools' });
    const result = await runCli(['doctor', srv.issuer, '--token', '-', '--audience', 'https://mcp.example.com/mcp', '--scopes', 'mcp:tools', '--json'], { cwd: tempDir(), stdin: undefined, input: `Bearer ${token}\n` });
    expect(result.exitCode, result.stdout).toBe(0);
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(report.target.notes).toEqual(['Token: a leading "Bearer " was removed']);
    expect(report.findings.filter((f) => f.id.startsWith('token.')).map((f) => [f.id, f.status])).toEqual([
      ['token.shape', 'pass'],
      ['token.header', 'pass'],
      ['token.signature', 'pass'],
      ['token.issuer', 'pass'],
      ['token.audience', 'pass'],
      ['token.lifetime', 'pass'],
      ['token.scopes', 'pass'],
      ['token.type', 'info'],
    ]);
    for (const part of token.split('.')) expect(result.stdout + result.stderr).not.toContain(part);
  });

  test('from a file, expired: token.lifetime fails, exit 1', async () => {
    const dir = tempDir();
    const now = Math.floor(Date.now() / 1000);
    writeFileSync(path.join(dir, 'token.txt'), await srv.mint({ aud: 'x', iat: now - 7200, exp: now - 600 }));
    const result = await runCli(['doctor', srv.issuer, '--token-file', 'token.txt'], { cwd: dir });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/✖ Token is within its lifetime \[token\.lifetime\]\n {4}The token expired at .+ \(10 min ago\)/);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/\(\d+ warnings?, 1 failure\)/);
  });
});

test('inside a generated project: fastapps.json gives the issuer; an owed issuer check is reported', async () => {
  const dir = tempDir();
  writeFileSync(
    path.join(dir, 'fastapps.json'),
    JSON.stringify({ generator: { name: 'create-fastapps', version: '0.1.0', template: 1 }, provider: 'oidc', providerInput: { issuer: srv.issuer }, issuer: srv.issuer, resource: 'http://localhost:3000/mcp', audiences: ['http://localhost:3000/mcp'], clientIds: [], scopes: ['mcp:tools'], authMode: 'required', issuerCheck: 'skipped' }),
  );
  const result = await runCli(['doctor'], { cwd: dir });
  expect(result.exitCode, result.stdout).toBe(0);
  expect(result.stdout.split('\n').slice(0, 6)).toEqual([
    `ℹ Read ${path.join(dir, 'fastapps.json')}`,
    '',
    `Project ${dir}`,
    'ℹ The issuer check create skipped is done now [project.issuer-check-owed]',
    `    ${path.join(dir, 'fastapps.json')} records the issuer check as owed (created with --skip-issuer-check); it passes now`,
    '    Fix: Nothing to fix; the manifest keeps saying "skipped" until create-fastapps auth rewrites it',
  ]);
  expect(result.stdout).toContain(`Issuer ${srv.issuer} (from fastapps.json)`);
  const json = JSON.parse((await runCli(['doctor', '--json'], { cwd: dir })).stdout) as JsonReport;
  expect(jsonFinding(json, 'discovery.issuer-echo').status).toBe('pass');
});
