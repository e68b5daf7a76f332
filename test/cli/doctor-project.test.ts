/**
 * `doctor` inside a generated project: it reads the project's own code for token passthrough
 * (AUTH-FACTS 42): a fresh project passes; a tool that sends the caller's token to another API
 * fails with its place and the fix, and the exit code says so. And it names the redirect URIs the
 * provider must allow from the project's settings (AUTH-FACTS 43): behind the broker, its callback
 * on the MCP origin, for the broker's own client.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { humanVerdicts, jsonFinding, type JsonReport } from '../helpers/doctor.js';
import { startIssuerServer } from '../helpers/issuer-server.js';

const ID = 'project.token-passthrough';
// The local provider's issuer is the project itself, not running here: only the project is judged.
const ONLY_PROJECT = ['--skip', 'issuer,discovery,metadata,jwks,signin'];

test('a fresh project passes; a tool forwarding the caller’s token fails with its file and line', async () => {
  const dir = tempDir();
  const created = await runCli(['app', '--provider', 'local', '--no-install', '--no-git'], { cwd: dir });
  expect(created.exitCode, created.stderr).toBe(0);
  const project = path.join(dir, 'app');

  const clean = await runCli(['doctor', '--json', ...ONLY_PROJECT], { cwd: project });
  const passed = jsonFinding(JSON.parse(clean.stdout) as JsonReport, ID);
  expect(passed.status).toBe('pass');
  expect(passed.summary).toMatch(/^No code under src\/ puts the bearer token it received into a request of its own \(\d+ files read; src\/auth\/ is generated\)$/);
  expect(clean.exitCode, clean.stdout).toBe(0);

  writeFileSync(
    path.join(project, 'src', 'orders-api.ts'),
    [
      "import type { AccessToken } from './auth/access-token.js';",
      '',
      'export async function orders(token: AccessToken) {',
      "  return fetch('https://orders.example.com/v1/orders', { headers: { Authorization: `Bearer ${token.token}` } });",
      '}',
      '',
    ].join('\n'),
  );
  const json = await runCli(['doctor', '--json', ...ONLY_PROJECT], { cwd: project });
  expect(json.exitCode).toBe(1);
  const failed = jsonFinding(JSON.parse(json.stdout) as JsonReport, ID);
  expect(failed).toMatchObject({
    status: 'fail',
    summary: "src/orders-api.ts:4 forwards the caller's access token to another API: MCP forbids token passthrough (the token is for this server, and whoever holds it could act as the user there)",
    details: ["src/orders-api.ts:4: return fetch('https://orders.example.com/v1/orders', { headers: { Authorization: `Bearer ${token.token}` } });"],
  });
  expect(failed.fix).toContain("Call other APIs with this server's own credentials");

  const human = await runCli(['doctor', ...ONLY_PROJECT], { cwd: project });
  expect(human.exitCode).toBe(1);
  expect(humanVerdicts(human.stdout)[ID]).toBe('fail');
  expect(human.stdout).toMatch(/\d+\/\d+ checks passed \(0 warnings, 1 failure\)/);
  expect(human.stdout).toContain("Fix: Call other APIs with this server's own credentials");
});

test("behind the broker, the redirect URI to allow is the broker's callback on the project's MCP origin, for the client fastapps.json names", async () => {
  const issuer = await startIssuerServer({ issuerPath: '/realms/main' });
  try {
    const dir = tempDir();
    const created = await runCli(['app', '--provider', 'oidc', '--issuer', issuer.issuer, '--sign-in', 'broker', '--broker-client-id', 'web-broker', '--resource', 'https://my-app.example.com/mcp', '--no-install', '--no-git'], {
      cwd: dir,
      env: { ...process.env, CI: undefined, NO_COLOR: '1', OAUTH_BROKER_CLIENT_SECRET: 'an-example-client-secret-0123456789' },
    });
    expect(created.exitCode, created.stderr).toBe(0);
    const run = await runCli(['doctor', '--json'], { cwd: path.join(dir, 'app') });
    const report = JSON.parse(run.stdout) as JsonReport;
    // The broker's own code (src/auth/broker/) forwards no token either: it is generated, and passes.
    expect(jsonFinding(report, ID).status).toBe('pass');
    expect(jsonFinding(report, 'metadata.redirect-uris')).toMatchObject({
      status: 'info',
      summary: "Hosts sign in at the broker, so Keycloak needs one redirect URI, the broker's callback https://my-app.example.com/oauth/callback, on the broker's own client web-broker",
    });
  } finally {
    await issuer.close();
  }
});
