/**
 * `doctor --server` against small, deliberately broken MCP servers (one defect each) in front of a
 * local issuer serving Auth0's discovery document: each defect is named by its check id, with the
 * URL or value seen and a fix; `--json` carries the same verdicts as the human output.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { humanVerdicts, jsonFinding, type JsonReport } from '../helpers/doctor.js';
import { startIssuerServer, type IssuerServer } from '../helpers/issuer-server.js';
import { startMcpServer, type McpFaults, type McpServer } from '../helpers/mcp-server.js';

let auth0: IssuerServer;
const servers: McpServer[] = [];
const cwd = tempDir();

beforeAll(async () => {
  auth0 = await startIssuerServer({ fixture: 'auth0-tenant' });
});
afterAll(async () => {
  await auth0.close();
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(faults: McpFaults = {}, mode: 'required' | 'mixed' = 'required'): Promise<McpServer> {
  const server = await startMcpServer({ issuer: auth0.issuer, faults, mode, validToken: 'good-token' });
  servers.push(server);
  return server;
}

async function doctorJson(url: string, extra: string[] = []): Promise<{ report: JsonReport; exitCode: number }> {
  const result = await runCli(['doctor', '--server', url, '--timeout', '2000', '--json', ...extra], { cwd });
  expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  return { report: JSON.parse(result.stdout) as JsonReport, exitCode: result.exitCode };
}

function serverStatuses(report: JsonReport): Record<string, string> {
  return Object.fromEntries(report.findings.filter((f) => f.id.startsWith('server.')).map((f) => [f.id, f.status]));
}

test('a correct server: every server check passes, and its issuer is found from the metadata', async () => {
  const server = await serve();
  const { report, exitCode } = await doctorJson(server.url);
  expect(report.target).toMatchObject({ server: server.url, issuer: auth0.issuer, issuerSource: 'server' });
  expect(serverStatuses(report)).toEqual({
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
    'server.token-accepted': 'skip',
    'server.insufficient-scope': 'skip',
    'server.security-schemes': 'skip',
    'server.tool-challenge': 'skip',
  });
  expect(exitCode).toBe(0);
});

describe('each defect is named', () => {
  test('no 401: server.unauthenticated fails', async () => {
    const server = await serve({ no401: true });
    const { report, exitCode } = await doctorJson(server.url);
    expect(exitCode).toBe(1);
    expect(jsonFinding(report, 'server.unauthenticated')).toEqual({
      id: 'server.unauthenticated',
      title: 'A request without a token gets 401',
      status: 'fail',
      summary: `${server.url} answers a request without a token with 200 and no tool declares an oauth2 securitySchemes: nothing asks MCP clients to sign in`,
      details: ['POST initialize without a token → HTTP 200 (application/json)'],
      fix: 'Answer requests without a token with 401 and WWW-Authenticate: Bearer resource_metadata="…" (or, in mixed mode, declare securitySchemes on protected tools and return the in-band challenge)',
    });
    expect(jsonFinding(report, 'server.security-schemes')).toMatchObject({ status: 'fail', summary: 'None of the 2 tools declares securitySchemes, so ChatGPT never offers to link an account' });
  });

  test('401 without WWW-Authenticate: server.challenge fails with the header to send', async () => {
    const server = await serve({ noChallengeHeader: true });
    const { report, exitCode } = await doctorJson(server.url);
    expect(exitCode).toBe(1);
    expect(jsonFinding(report, 'server.challenge')).toMatchObject({
      status: 'fail',
      summary: 'The 401 for a request without a token has no WWW-Authenticate header, so clients can\'t find the protected resource metadata ("Resource server does not implement OAuth 2.0 Protected Resource Metadata")',
      fix: `Send WWW-Authenticate: Bearer resource_metadata="${server.origin}/.well-known/oauth-protected-resource/mcp", scope="mcp:tools"`,
    });
    // The well-known URL still works, so clients that fall back to it find the metadata.
    expect(jsonFinding(report, 'server.prm-reachable').status).toBe('pass');
  });

  test('PRM resource mismatch: server.prm-resource fails and says what the TS SDK does', async () => {
    const server = await serve({ prmResource: 'https://other.example/mcp' });
    const { report, exitCode } = await doctorJson(server.url);
    expect(exitCode).toBe(1);
    const finding = jsonFinding(report, 'server.prm-resource');
    expect(finding.status).toBe('fail');
    expect(finding.summary).toBe(`The metadata's resource is "https://other.example/mcp" but the MCP URL is "${server.url}" (they first differ at character 5); clients require them to be identical (RFC 9728 §3.3)`);
    expect(finding.details).toContain(`The MCP TS SDK refuses it: Protected resource https://other.example/mcp does not match expected ${server.url} (or origin)`);
    expect(finding.fix).toBe(`Publish "resource": "${server.url}" exactly: the URL users enter`);
  });

  test('PRM resource that is the bare origin with a slash (the new URL(origin).href mistake)', async () => {
    const server = await serve({ prmResource: '{origin}/' });
    const { report } = await doctorJson(server.url);
    const finding = jsonFinding(report, 'server.prm-resource');
    expect(finding.status).toBe('fail');
    expect(finding.details).toContain('The MCP TS SDK accepts it (same origin, path prefix), but Claude requires an exact match and ChatGPT sends it verbatim as the resource parameter');
    expect(finding.fix).toBe(`Set "resource" to "${server.url}" as a string, not new URL(...).href of a bare origin (it adds a trailing slash and drops the path)`);
  });

  test("authorization_servers without Auth0's trailing slash: server.prm-authorization-servers fails with Auth0's fix", async () => {
    const bare = auth0.issuer.replace(/\/$/, '');
    const server = await serve({ authorizationServers: [bare] });
    const { report, exitCode } = await doctorJson(server.url, ['--provider', 'auth0', '--domain', 'dev-ltxchcls4igzho78.us.auth0.com', '--issuer', auth0.issuer]);
    expect(exitCode).toBe(1);
    const finding = jsonFinding(report, 'server.prm-authorization-servers');
    expect(finding.status).toBe('fail');
    expect(finding.summary).toBe(`authorization_servers[0] is "${bare}" but that server's metadata says issuer "${auth0.issuer}" (only a trailing "/" differs: the issuer has one, the entry does not); strict clients refuse it (the MCP TS SDK client 2.4.0, Copilot CLI 1.0.80 and later)`);
    expect(finding.fix).toBe(`Auth0 issues https://{domain}/ with a trailing slash: publish "authorization_servers": ["${auth0.issuer}"] byte for byte`);
  });

  test('CORS without the expose header: server.cors warns', async () => {
    const server = await serve({ noCorsExpose: true });
    const { report, exitCode } = await doctorJson(server.url);
    expect(exitCode).toBe(0);
    const finding = jsonFinding(report, 'server.cors');
    expect(finding.status).toBe('warn');
    expect(finding.summary).toBe(`CORS on ${server.url}: Access-Control-Expose-Headers does not include WWW-Authenticate, so browser clients can't read the challenge ("Couldn't reach the MCP server" in MCP Inspector while curl works)`);
    expect(finding.fix).toContain('Access-Control-Expose-Headers: WWW-Authenticate, Mcp-Session-Id');
    // --strict makes warnings fail; --skip leaves out the fixture's own scope warning.
    const strict = await runCli(['doctor', '--server', server.url, '--strict', '--skip', 'metadata.scopes'], { cwd });
    expect(strict.exitCode).toBe(1);
    expect(strict.stderr).toBe('');
    expect(strict.stdout).toMatch(/checks passed \(1 warning, 0 failures\)(; \d+ skipped)? — with --strict, warnings fail$/);
  });

  test('a bad token answered 500 and a query-string token read: server.bad-token fails', async () => {
    const server = await serve({ badToken500: true });
    const { report } = await doctorJson(server.url);
    expect(jsonFinding(report, 'server.bad-token')).toMatchObject({ status: 'fail', summary: `${server.url} answers an invalid token with HTTP 500, so clients never sign in again` });
    const reads = await serve({ readsQueryToken: true });
    const second = await doctorJson(reads.url);
    expect(jsonFinding(second.report, 'server.bad-token').summary).toBe(`${reads.url} treats ?access_token= differently from no token (HTTP 401 invalid_token instead of 401): it reads tokens from the query string, which OAuth 2.1 forbids`);
  });

  test('mixed mode without the in-band challenge: server.tool-challenge fails with the _meta to return', async () => {
    const server = await serve({ noToolChallenge: true }, 'mixed');
    const { report } = await doctorJson(server.url);
    expect(jsonFinding(report, 'server.unauthenticated')).toMatchObject({ status: 'pass', summary: expect.stringContaining('Mixed mode') });
    const finding = jsonFinding(report, 'server.tool-challenge');
    expect(finding.status).toBe('fail');
    expect(finding.summary).toBe('The anonymous call of the protected tool whoami returned isError but no _meta["mcp/www_authenticate"], so ChatGPT shows a plain error instead of "Connect"');
    expect(finding.fix).toContain('"mcp/www_authenticate": ["Bearer resource_metadata=');
  });
});

test('human output names each finding with its id, with the same verdicts as --json', async () => {
  const server = await serve({ noChallengeHeader: true, noCorsExpose: true });
  const [human, json] = await Promise.all([runCli(['doctor', '--server', server.url], { cwd }), doctorJson(server.url)]);
  expect(human.exitCode).toBe(1);
  expect(human.stdout).toContain('✖ 401 challenge points at the resource metadata [server.challenge]');
  expect(human.stdout).toContain('⚠ Browser clients can read the challenge (CORS) [server.cors]');
  expect(human.stdout).toMatch(/^ {4}Fix: Send WWW-Authenticate: Bearer resource_metadata=/m);
  expect(humanVerdicts(human.stdout)).toEqual(Object.fromEntries(json.report.findings.filter((f) => f.status !== 'skip').map((f) => [f.id, f.status])));
  expect(human.stderr).toBe('');
  expect(human.stdout).toMatch(/checks passed \(\d+ warnings?, 1 failure\)/);
});
