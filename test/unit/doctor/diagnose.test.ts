/**
 * `diagnose` in process, against local servers: how the input's parts are combined — an argument
 * that turns out to be an MCP endpoint, a token alone (its issuer checked), a project whose
 * issuer check is owed, `--skip`, and concurrency (total time ≈ the slowest chain, not the sum).
 */
import { Readable } from 'node:stream';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { resolveInput, type DoctorFlags } from '../../../src/doctor/input.js';
import { diagnose } from '../../../src/doctor/run.js';
import { tempDir } from '../../helpers/cli.js';
import { jsonFinding } from '../../helpers/doctor.js';
import { refusedUrl, startIssuerServer, type IssuerServer } from '../../helpers/issuer-server.js';
import { startMcpServer, type McpServer } from '../../helpers/mcp-server.js';

let issuer: IssuerServer;
let hidden: McpServer;

beforeAll(async () => {
  issuer = await startIssuerServer({ issuerPath: '/realms/demo' });
  hidden = await startMcpServer({ issuer: issuer.issuer, faults: { prmAt: '/meta/prm.json' } });
});
afterAll(async () => {
  await Promise.all([issuer.close(), hidden.close()]);
});

async function run(arg: string | undefined, flags: DoctorFlags, cwd = tempDir()) {
  const input = await resolveInput(arg, { timeout: '2000', ...flags }, { cwd, stdin: Readable.from([]) });
  return diagnose(input, { version: 'test' });
}

const ids = (report: Awaited<ReturnType<typeof run>>, status: string) => report.findings.filter((f) => f.status === status).map((f) => f.id);

test('an argument that is an MCP endpoint without well-known metadata: found by its 401 challenge, checked as --server', async () => {
  const report = await run(hidden.url, {});
  expect(report.target).toMatchObject({ server: hidden.url, issuer: issuer.issuer, issuerSource: 'server' });
  expect(report.target.notes).toEqual([`${hidden.url} is an MCP server endpoint (it answers 401 with resource_metadata="${hidden.origin}/meta/prm.json"), not an issuer: checked as --server, with the authorization server its metadata names as the issuer`]);
  expect(jsonFinding(report as never, 'server.prm-reachable')).toMatchObject({
    status: 'warn',
    summary: `The protected resource metadata is incomplete: nothing at the path-aware URL ${hidden.origin}/.well-known/oauth-protected-resource/mcp, which MCP 2025-11-25 clients try first`,
  });
  expect(ids(report, 'fail')).toEqual([]);
});

test('a token alone: its issuer is checked, and its keys verify it', async () => {
  const token = await issuer.mint({ aud: 'https://mcp.example.com/mcp', scope: 'mcp:tools' });
  const report = await run(undefined, { token });
  expect(report.target).toMatchObject({ issuer: issuer.issuer, issuerSource: 'token', token: expect.stringMatching(/^sha256:[0-9a-f]{12}$/) });
  expect(jsonFinding(report as never, 'token.issuer')).toMatchObject({ status: 'info', summary: `The token names issuer ${issuer.issuer}; no issuer was configured, so its keys were fetched from there` });
  expect(jsonFinding(report as never, 'token.signature').status).toBe('pass');
  expect(jsonFinding(report as never, 'discovery.issuer-echo').status).toBe('pass');
  expect(JSON.stringify(report)).not.toContain(token);
});

describe('a project created with --skip-issuer-check', () => {
  function project(issuerUrl: string): string {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'fastapps.json'), JSON.stringify({ generator: { name: 'create-fastapps', version: '0.1.0', template: 1 }, provider: 'oidc', providerInput: { issuer: issuerUrl }, issuer: issuerUrl, resource: 'http://localhost:3000/mcp', audiences: ['http://localhost:3000/mcp'], clientIds: [], scopes: ['mcp:tools'], authMode: 'required', issuerCheck: 'skipped' }));
    return dir;
  }
  test('the owed check passes now: info', async () => {
    const dir = project(issuer.issuer);
    const report = await run(undefined, {}, dir);
    expect(jsonFinding(report as never, 'project.issuer-check-owed')).toMatchObject({ status: 'info', summary: `${path.join(dir, 'fastapps.json')} records the issuer check as owed (created with --skip-issuer-check); it passes now` });
  });
  test('the owed check still fails: warn naming the failures', async () => {
    const report = await run(undefined, {}, project(`${await refusedUrl()}/realms/demo`));
    expect(jsonFinding(report as never, 'project.issuer-check-owed').summary).toMatch(/records the issuer check as owed \(created with --skip-issuer-check\), and it still fails: discovery\.resolution$/);
    expect(report.exitCode).toBe(1);
  });
});

test("an OIDC document the TS SDK's schema rejects: server.prm-authorization-servers says why", async () => {
  // The synthetic document has no subject_types_supported, which OIDC Discovery requires; served
  // only at openid-configuration, the SDK parses it as OIDC metadata and refuses it.
  const oidcOnly = await startIssuerServer({ issuerPath: '/realms/oidc', wellKnown: ['oidc'] });
  const server = await startMcpServer({ issuer: oidcOnly.issuer });
  try {
    const report = await run(undefined, { server: server.url });
    expect(jsonFinding(report as never, 'server.prm-authorization-servers')).toMatchObject({
      status: 'fail',
      summary: `MCP clients can't load the authorization server metadata for authorization_servers[0] ${oidcOnly.issuer}: invalid metadata: subject_types_supported: Invalid input: expected array, received undefined`,
      fix: 'Publish complete metadata: the MCP TS SDK validates an openid-configuration document against OpenID Connect Discovery (subject_types_supported and id_token_signing_alg_values_supported are required there) and an oauth-authorization-server document against RFC 8414',
    });
  } finally {
    await Promise.all([server.close(), oidcOnly.close()]);
  }
});

test('--skip reports the checks as skipped; --strict turns warnings into exit 1', async () => {
  const skipped = await run(issuer.issuer, { skip: ['jwks', 'metadata.iss-parameter'] });
  expect(jsonFinding(skipped as never, 'jwks.caching')).toMatchObject({ status: 'skip', summary: 'Skipped (--skip)' });
  issuer.document['code_challenge_methods_supported'] = undefined;
  try {
    const strict = await run(issuer.issuer, { strict: true });
    expect(ids(strict, 'warn')).toEqual(['metadata.pkce']);
    expect(strict.exitCode).toBe(1);
    expect((await run(issuer.issuer, {})).exitCode).toBe(0);
  } finally {
    issuer.document['code_challenge_methods_supported'] = ['S256'];
  }
});

test('issuer, server and token work run concurrently: about the slowest chain, not the sum', async () => {
  // Like Keycloak, only the OIDC append form answers, so a client's sequential discovery needs three tries.
  const slow = await startIssuerServer({ issuerPath: '/realms/slow', wellKnown: ['oidc'] });
  slow.document['subject_types_supported'] = ['public']; // the SDK validates OIDC documents against OIDC Discovery
  const server = await startMcpServer({ issuer: slow.issuer });
  try {
    for (const p of ['/.well-known/oauth-authorization-server/realms/slow', '/.well-known/openid-configuration/realms/slow']) slow.fault(p, { delayMs: 400, status: 404, json: { error: 'not_found' } });
    for (const url of slow.discoveryUrls) slow.fault(url, { delayMs: 400 });
    slow.fault(String(slow.document['jwks_uri']), { delayMs: 400 });
    const started = performance.now();
    const report = await run(slow.issuer, { server: server.url, token: await slow.mint({ aud: server.url }) });
    const ms = performance.now() - started;
    // The longest chain is discovery (400 ms) → JWKS (400 ms). Run one after another, the issuer's
    // 3 candidates, its JWKS, and the SDK's 3 sequential candidates would take 2.8 s.
    expect(ms).toBeLessThan(1100);
    expect(jsonFinding(report as never, 'server.prm-authorization-servers').status).toBe('pass');
    expect(jsonFinding(report as never, 'token.signature').status).toBe('pass');
  } finally {
    await Promise.all([server.close(), slow.close()]);
  }
});
