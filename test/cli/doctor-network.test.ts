/**
 * `doctor <issuer>` against real local servers for each network fault: each gives its own message,
 * exit 1, within the timeout + 1 s; a hanging endpoint does not hang doctor. Also the same faults
 * on `--server`, and `--json` parsing with the human verdicts.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { humanVerdicts, jsonFinding, type JsonReport } from '../helpers/doctor.js';
import { refusedUrl, startHangingServer, startIssuerServer, type Fault, type HangingServer, type IssuerServer } from '../helpers/issuer-server.js';
import { startSelfSignedServer, type TlsServer } from '../helpers/tls-server.js';

const TIMEOUT = 1000;
let srv: IssuerServer;
let other: IssuerServer;
let hanging: HangingServer;
let tls: TlsServer;
const cwd = tempDir();

beforeAll(async () => {
  [srv, other, hanging, tls] = await Promise.all([
    startIssuerServer({ issuerPath: '/realms/demo' }),
    startIssuerServer({ issuerPath: '/realms/demo', hostname: 'localhost' }),
    startHangingServer(),
    startSelfSignedServer(),
  ]);
});
afterAll(async () => {
  await Promise.all([srv.close(), other.close(), hanging.close(), tls.close()]);
});

/** Runs doctor on `issuer` with a 1 s timeout and checks the contract every fault shares. */
async function doctor(issuer: string, extra: string[] = []) {
  const result = await runCli(['doctor', issuer, '--timeout', String(TIMEOUT), ...extra], { cwd });
  expect(result.exitCode, result.stdout + result.stderr).toBe(1);
  expect(result.ms).toBeLessThan(TIMEOUT + 1000); // node start-up of the CLI included
  expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  return result;
}

/** The discovery.resolution failure's line (the summary) in the human output. */
function resolutionLine(stdout: string): string {
  const lines = stdout.split('\n');
  const at = lines.findIndex((l) => l.includes('[discovery.resolution]'));
  return lines[at + 1]?.trim() ?? '';
}

function faultAll(fault: Fault): void {
  for (const url of srv.discoveryUrls) srv.fault(url, fault);
}

describe('each network fault has its own message, exit 1, within the timeout + 1 s', () => {
  test('DNS failure', async () => {
    const { stdout } = await doctor('https://doctor-test.invalid/realms/demo');
    expect(resolutionLine(stdout)).toMatch(/^✖|Could not resolve host doctor-test\.invalid/);
    expect(stdout).toContain('Could not resolve host doctor-test.invalid (DNS lookup failed');
    expect(stdout).toContain('Fix: Check the spelling of the domain');
  });

  test('connection refused', async () => {
    const base = await refusedUrl();
    const { stdout } = await doctor(`${base}/realms/demo`);
    expect(resolutionLine(stdout)).toBe(`No usable OAuth metadata for ${base}/realms/demo: Connection refused by ${new URL(base).host} (${base}/.well-known/oauth-authorization-server/realms/demo)`);
  });

  test('TLS error (self-signed certificate)', async () => {
    const { stdout } = await doctor(`${tls.origin}/realms/demo`);
    expect(resolutionLine(stdout)).toContain(`TLS certificate of ${new URL(tls.origin).host} was rejected: DEPTH_ZERO_SELF_SIGNED_CERT`);
    expect(stdout).toContain('NODE_EXTRA_CA_CERTS');
  });

  test('redirect to another host, named', async () => {
    faultAll({ redirectTo: `${other.origin}/realms/demo/.well-known/openid-configuration` });
    try {
      const { stdout } = await doctor(srv.issuer);
      expect(stdout).toContain(`redirects to another host (localhost); MCP clients that don't follow cross-host redirects can't load the metadata`);
      expect(stdout).toContain('[discovery.redirects]');
    } finally {
      srv.clearFaults();
    }
  });

  test('HTTP status', async () => {
    faultAll({ status: 503, json: { error: 'unavailable' } });
    try {
      const { stdout } = await doctor(srv.issuer);
      expect(resolutionLine(stdout)).toMatch(/returned HTTP 503; expected 200 with a JSON document$/);
    } finally {
      srv.clearFaults();
    }
  });

  test('HTML instead of JSON', async () => {
    faultAll({ html: 'Sign in to Example' });
    try {
      const { stdout } = await doctor(srv.issuer);
      expect(resolutionLine(stdout)).toMatch(/returned an HTML page \(title: "Sign in to Example"\) instead of JSON$/);
    } finally {
      srv.clearFaults();
    }
  });

  test('invalid JSON', async () => {
    faultAll({ body: '{"issuer": "x",' });
    try {
      const { stdout } = await doctor(srv.issuer);
      expect(resolutionLine(stdout)).toMatch(/did not return valid JSON \(.+\)$/);
    } finally {
      srv.clearFaults();
    }
  });

  test('oversized document', async () => {
    faultAll({ oversizeBytes: 2 * 1024 * 1024 });
    try {
      const { stdout } = await doctor(srv.issuer);
      expect(resolutionLine(stdout)).toMatch(/sent more than 524288 bytes, over the 524288-byte cap for this document$/);
    } finally {
      srv.clearFaults();
    }
  });

  test('a hanging endpoint does not hang doctor', async () => {
    const { stdout } = await doctor(`${hanging.origin}/realms/demo`);
    expect(resolutionLine(stdout)).toBe(`No usable OAuth metadata for ${hanging.origin}/realms/demo: ${hanging.origin}/.well-known/oauth-authorization-server/realms/demo did not answer within ${TIMEOUT} ms`);
  });

  test('a hanging JWKS (after a good document) times out as a jwks.reachable failure', async () => {
    srv.fault(String(srv.document['jwks_uri']), { delayMs: 5000 });
    try {
      const { stdout } = await doctor(srv.issuer, ['--json']);
      const report = JSON.parse(stdout) as JsonReport;
      expect(jsonFinding(report, 'jwks.reachable')).toMatchObject({ status: 'fail', summary: expect.stringContaining(`did not answer within ${TIMEOUT} ms`) });
    } finally {
      srv.clearFaults();
    }
  });
});

describe('--server faults', () => {
  test('refused: server.unauthenticated names it; the other server checks are skipped', async () => {
    const url = `${await refusedUrl()}/mcp`;
    const result = await runCli(['doctor', '--server', url, '--timeout', String(TIMEOUT), '--json'], { cwd });
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(jsonFinding(report, 'server.unauthenticated')).toMatchObject({ status: 'fail', summary: `Connection refused by ${new URL(url).host} (${url})` });
    expect(jsonFinding(report, 'server.prm-reachable').status).toBe('skip');
  });

  test('hanging: done within the timeout + 1 s', async () => {
    const result = await runCli(['doctor', '--server', hanging.url('/mcp'), '--timeout', String(TIMEOUT)], { cwd });
    expect(result.exitCode).toBe(1);
    expect(result.ms).toBeLessThan(TIMEOUT + 1000); // node start-up of the CLI included
    expect(result.stdout).toContain(`${hanging.url('/mcp')} did not answer within ${TIMEOUT} ms`);
  });
});

test('--json parses and carries the same verdicts as the human output', async () => {
  srv.fault(srv.discoveryUrls[0]!, { html: 'Login' });
  try {
    const [human, json] = await Promise.all([runCli(['doctor', srv.issuer], { cwd }), runCli(['doctor', srv.issuer, '--json'], { cwd })]);
    const report = JSON.parse(json.stdout) as JsonReport;
    expect(report.exitCode).toBe(json.exitCode);
    expect(Object.keys(report)).toEqual(['version', 'target', 'findings', 'summary', 'exitCode']);
    for (const f of report.findings) expect(Object.keys(f)).toEqual(['id', 'title', 'status', 'summary', 'details', 'fix']);
    expect(humanVerdicts(human.stdout)).toEqual(Object.fromEntries(report.findings.filter((f) => f.status !== 'skip').map((f) => [f.id, f.status])));
    expect(jsonFinding(report, 'discovery.resolution').status).toBe('warn');
    expect(human.exitCode).toBe(json.exitCode);
  } finally {
    srv.clearFaults();
  }
});
