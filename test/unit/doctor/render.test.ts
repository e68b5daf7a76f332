/**
 * The report and its two renderings: counts and exit codes (`--strict`), the human layout (icon,
 * title and id; summary, details and `Fix:` indented; skipped checks counted, not listed; the
 * closing line), and JSON with the same records.
 */
import { describe, expect, test } from 'vitest';
import { applySkips, buildReport, exitCodeOf, summarize } from '../../../src/doctor/report.js';
import { closingLine, renderHuman, renderJson } from '../../../src/doctor/render.js';
import type { Finding } from '../../../src/issuer/types.js';
import { createOutput } from '../../../src/ui/output.js';

const findings: Finding[] = [
  { id: 'issuer.url-syntax', title: 'Issuer URL is well-formed', status: 'pass', summary: 'The issuer https://a.example/ is a well-formed URL', details: [] },
  { id: 'issuer.okta-org-server', title: 'Okta issuer is a custom authorization server', status: 'skip', summary: 'Skipped: not an Okta issuer', details: [] },
  { id: 'metadata.pkce', title: 'PKCE (S256) is advertised', status: 'warn', summary: 'No code_challenge_methods_supported', details: ['seen: (none)'], fix: 'Advertise S256' },
  { id: 'server.prm-resource', title: 'Resource metadata names this URL exactly', status: 'fail', summary: 'resource differs', details: ['a', 'b'], fix: 'Publish it exactly' },
  { id: 'token.type', title: 'Token type (typ)', status: 'info', summary: 'typ JWT', details: [] },
];
const target = { issuer: 'https://a.example/', issuerSource: 'argument' as const, provider: null, server: 'https://mcp.example.com/mcp', token: 'sha256:0123456789ab', project: null, notes: ['a note'] };

function capture(): { out: ReturnType<typeof createOutput>; text: () => string } {
  let text = '';
  const stream = { write: (chunk: string) => (text += chunk), isTTY: false };
  return { out: createOutput({ stdout: stream, stderr: stream, env: {} }), text: () => text };
}

describe('counts and exit codes', () => {
  test('summary per status; exit 1 on a failure, or a warning with --strict', () => {
    expect(summarize(findings)).toEqual({ pass: 1, warn: 1, fail: 1, info: 1, skip: 1 });
    expect(exitCodeOf({ pass: 1, warn: 1, fail: 0, info: 0, skip: 0 }, false)).toBe(0);
    expect(exitCodeOf({ pass: 1, warn: 1, fail: 0, info: 0, skip: 0 }, true)).toBe(1);
    expect(exitCodeOf({ pass: 1, warn: 0, fail: 1, info: 0, skip: 0 }, false)).toBe(1);
  });
  test('--skip replaces a finding with a skip', () => {
    expect(applySkips(findings, new Set(['metadata.pkce']))[2]).toEqual({ id: 'metadata.pkce', title: 'PKCE (S256) is advertised', status: 'skip', summary: 'Skipped (--skip)', details: [] });
  });
  test('the closing line counts info as passed and leaves skips out of the total', () => {
    expect(closingLine({ pass: 20, info: 2, warn: 1, fail: 1, skip: 3 })).toBe('22/24 checks passed (1 warning, 1 failure); 3 skipped');
    expect(closingLine({ pass: 3, info: 0, warn: 0, fail: 0, skip: 0 })).toBe('3/3 checks passed (0 warnings, 0 failures)');
  });
});

test('human output: sections, icons with ids, indented summary, details and Fix, no colour in a pipe', () => {
  const { out, text } = capture();
  renderHuman(buildReport('1.2.3', target, findings, false), out);
  expect(text()).toBe(
    [
      'ℹ a note',
      '',
      'Issuer https://a.example/ (from argument)',
      '✔ Issuer URL is well-formed [issuer.url-syntax]',
      '    The issuer https://a.example/ is a well-formed URL',
      '⚠ PKCE (S256) is advertised [metadata.pkce]',
      '    No code_challenge_methods_supported',
      '    seen: (none)',
      '    Fix: Advertise S256',
      '',
      'Server https://mcp.example.com/mcp',
      '✖ Resource metadata names this URL exactly [server.prm-resource]',
      '    resource differs',
      '    a',
      '    b',
      '    Fix: Publish it exactly',
      '',
      'Token sha256:0123456789ab',
      'ℹ Token type (typ) [token.type]',
      '    typ JWT',
      '',
      '2/4 checks passed (1 warning, 1 failure); 1 skipped',
      '',
    ].join('\n'),
  );
});

test('JSON: the documented schema, every finding (skips included), null for no fix', () => {
  const report = JSON.parse(renderJson(buildReport('1.2.3', target, findings, false)));
  expect(report).toEqual({
    version: '1.2.3',
    target,
    findings: findings.map((f) => ({ id: f.id, title: f.title, status: f.status, summary: f.summary, details: f.details, fix: f.fix ?? null })),
    summary: { pass: 1, warn: 1, fail: 1, info: 1, skip: 1 },
    exitCode: 1,
  });
});
