/**
 * `doctor --server` against a real generated project: `create --provider oidc` against a local
 * issuer serving Keycloak's discovery document, installed, built and started — once in `required`
 * mode (with a valid token every server and token check passes; with a token lacking the scope the
 * 403 path passes), once in `mixed` mode (the anonymous tool challenge and securitySchemes). The `--json` verdicts match the human
 * output's.
 */
import { execa } from 'execa';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { humanVerdicts, type JsonReport } from '../helpers/doctor.js';
import { freePort, startProcess, type RunningProject } from '../helpers/generated-server.js';
import { startIssuerServer, type IssuerServer } from '../helpers/issuer-server.js';

let issuer: IssuerServer;
let dir: string;
let resource: string;
const running: RunningProject[] = [];
const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };

beforeAll(async () => {
  issuer = await startIssuerServer({ fixture: 'keycloak-realm-http' });
  const port = await freePort();
  resource = `http://127.0.0.1:${port}/mcp`;
  dir = path.join(tempDir(), 'app');
  const created = await runCli([dir, '--provider', 'oidc', '--issuer', issuer.issuer, '--resource', resource, '--no-git', '--pm', 'npm'], { cwd: path.dirname(dir) });
  expect(created.exitCode, created.stderr + created.stdout).toBe(0);
  const build = await execa('npm', ['run', 'build'], { cwd: dir, reject: false, all: true });
  expect(build.exitCode, build.all).toBe(0);
  running.push(await startProcess(dir, ['node', 'dist/index.js'], env));
}, 300_000);

afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
  await issuer?.close();
});

const token = () => issuer.mint({ sub: 'jane', aud: [resource, 'account'], azp: 'chatgpt', scope: 'openid profile mcp:tools' });

function bySection(report: JsonReport, prefix: string) {
  return Object.fromEntries(report.findings.filter((f) => f.id.startsWith(prefix)).map((f) => [f.id, f.status]));
}

describe('doctor --server on a generated project', () => {
  test('required mode, inside the project, with a valid token: every server and token check passes', async () => {
    const json = await runCli(['doctor', '--server', resource, '--token', await token(), '--json'], { cwd: dir });
    expect(json.stderr).toBe('');
    expect(json.exitCode).toBe(0);
    const report = JSON.parse(json.stdout) as JsonReport;
    expect(report.target).toMatchObject({ issuer: issuer.issuer, issuerSource: 'fastapps.json', provider: 'oidc', server: resource, project: dir });
    expect(bySection(report, 'server.')).toEqual({
      'server.url': 'info',
      'server.unauthenticated': 'pass',
      'server.challenge': 'pass',
      'server.cors': 'pass',
      'server.prm-reachable': 'pass',
      'server.prm-resource': 'pass',
      'server.prm-authorization-servers': 'pass',
      'server.prm-scopes': 'pass',
      'server.as-mirror': 'pass',
      'server.sign-in': 'pass',
      'server.bad-token': 'pass',
      'server.token-accepted': 'pass',
      'server.insufficient-scope': 'skip',
      'server.security-schemes': 'pass',
      'server.tool-challenge': 'skip',
    });
    expect(bySection(report, 'token.')).toEqual({
      'token.shape': 'pass',
      'token.header': 'pass',
      'token.signature': 'pass',
      'token.issuer': 'pass',
      'token.audience': 'pass',
      'token.lifetime': 'pass',
      'token.scopes': 'pass',
      'token.type': 'info',
    });
    expect(report.findings.filter((f) => f.status === 'fail')).toEqual([]);

    const human = await runCli(['doctor', '--server', resource, '--token', await token()], { cwd: dir });
    expect(human.exitCode).toBe(0);
    expect(humanVerdicts(human.stdout)).toEqual(Object.fromEntries(report.findings.filter((f) => f.status !== 'skip').map((f) => [f.id, f.status])));
    expect(human.stdout).toMatch(/^\d+\/\d+ checks passed \(\d+ warnings?, 0 failures\)/m);
  });

  test('a valid token without the required scope: the 403 insufficient_scope path passes', async () => {
    const lacking = await issuer.mint({ sub: 'jane', aud: [resource, 'account'], azp: 'chatgpt', scope: 'openid profile' });
    const result = await runCli(['doctor', '--server', resource, '--token', lacking, '--json'], { cwd: dir });
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(bySection(report, 'server.')).toMatchObject({ 'server.insufficient-scope': 'pass', 'server.token-accepted': 'warn' });
    expect(report.findings.find((f) => f.id === 'server.insufficient-scope')?.summary).toBe('A token without mcp:tools got 403 insufficient_scope with scope="mcp:tools"');
    expect(bySection(report, 'token.')['token.scopes']).toBe('warn');
    expect(result.exitCode).toBe(0);
  });

  test('the endpoint given as the argument is detected and checked as --server, its issuer found from the metadata', async () => {
    const result = await runCli(['doctor', resource, '--json'], { cwd: tempDir() });
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(report.target).toMatchObject({ server: resource, issuer: issuer.issuer, issuerSource: 'server' });
    expect(report.target.notes[0]).toContain('is an MCP server endpoint');
    expect(bySection(report, 'server.')['server.prm-authorization-servers']).toBe('pass');
    expect(bySection(report, 'server.')['server.security-schemes']).toBe('skip');
    expect(result.exitCode, result.stdout).toBe(0);
  });

  test('mixed mode: anonymous requests are served and the protected tool answers with the in-band challenge', async () => {
    const port = await freePort();
    const mixed = `http://127.0.0.1:${port}/mcp`;
    running.push(await startProcess(dir, ['node', 'dist/index.js'], { ...env, PORT: String(port), MCP_RESOURCE_URL: mixed, AUTH_MODE: 'mixed' }));
    const result = await runCli(['doctor', '--server', mixed, '--auth-mode', 'mixed', '--json'], { cwd: dir });
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(bySection(report, 'server.')).toMatchObject({
      'server.unauthenticated': 'pass',
      'server.challenge': 'pass',
      'server.prm-resource': 'pass',
      'server.bad-token': 'pass',
      'server.security-schemes': 'pass',
      'server.tool-challenge': 'pass',
    });
    expect(report.findings.find((f) => f.id === 'server.tool-challenge')?.summary).toContain('whoami');
    expect(result.exitCode, result.stdout).toBe(0);
  });
});
