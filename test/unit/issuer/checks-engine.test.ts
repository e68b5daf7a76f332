/**
 * The engine as a whole: report shape and order, blocking ids, concurrency, cancellation, rendering.
 */
import { afterEach, describe, expect, test } from 'vitest';
import {
  BLOCKING_IDS,
  CHECK_IDS,
  CHECKS,
  blockingFailures,
  checkIssuer,
  collectContext,
  isBlocking,
  renderIssuerFailure,
  runChecks,
  DISCOVERY_LATENCY,
  DISCOVERY_REDIRECTS,
  DISCOVERY_RESOLUTION,
  ISSUER_ECHO,
  ISSUER_URL,
  JWKS_REACHABLE,
  JWKS_SIGNING_KEYS,
  MULTI_TENANT_PLACEHOLDER,
  OKTA_ORG_SERVER,
  REQUIRED_FIELDS,
  SIGN_IN_BROKER,
  SIGN_IN_FACADE,
} from '../../../src/issuer/checks.js';
import { discoveryLatencyCheck } from '../../../src/issuer/checks-discovery.js';
import { findingOf, statuses } from '../../helpers/findings.js';
import { startIssuerServer, type IssuerServer } from '../../helpers/issuer-server.js';

let srv: IssuerServer | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

describe('report', () => {
  test('a healthy synthetic issuer: every check passes, in CHECK_IDS order', async () => {
    srv = await startIssuerServer();
    const report = await checkIssuer({ issuer: srv.issuer, timeoutMs: 3000 });
    expect(report.findings.map((f) => f.id)).toEqual([...CHECK_IDS]);
    expect(CHECKS.map((c) => c.id)).toEqual([...CHECK_IDS]);
    expect(statuses(report)).toEqual({
      'issuer.url-syntax': 'pass',
      'issuer.okta-org-server': 'skip',
      'discovery.resolution': 'pass',
      'discovery.redirects': 'pass',
      'discovery.content-type': 'pass',
      'discovery.latency': 'pass',
      'discovery.multi-tenant-placeholder': 'pass',
      'discovery.issuer-echo': 'pass',
      'discovery.required-fields': 'pass',
      'discovery.endpoint-urls': 'pass',
      'metadata.pkce': 'pass',
      'metadata.registration': 'pass',
      'metadata.registration-probe': 'skip',
      'metadata.redirect-uris': 'info',
      'metadata.token-auth-methods': 'pass',
      'metadata.scopes': 'pass',
      'metadata.iss-parameter': 'pass',
      'signin.facade': 'skip',
      'signin.broker': 'skip',
      'jwks.reachable': 'pass',
      'jwks.signing-keys': 'pass',
      'jwks.no-secret-keys': 'pass',
      'jwks.kid-hygiene': 'pass',
      'jwks.caching': 'info',
    });
    expect(report.ok).toBe(true);
    expect(report.issuer).toBe(srv.issuer);
    expect(report.discovery).toEqual({ url: srv.discoveryUrls[0], doc: srv.document });
    expect(report.jwks).toEqual({ uri: srv.document['jwks_uri'], usable: 2, keys: srv.jwks.keys, ignored: [] });
    for (const f of report.findings) {
      expect(f.title.length).toBeGreaterThan(0);
      expect(f.summary).toBeTruthy();
      expect(f.summary).not.toContain('\n');
    }
    expect(renderIssuerFailure(report)).toEqual({ message: `The issuer ${srv.issuer} passed every check` });
  });

  test('every warn and fail finding carries a one-line fix', async () => {
    srv = await startIssuerServer({ wellKnown: ['oidc'] });
    Object.assign(srv.document, { issuer: `${srv.issuer}/`, code_challenge_methods_supported: undefined, registration_endpoint: undefined });
    srv.jwks.keys = [{ kty: 'oct', k: 'c2VjcmV0', kid: 'k' }];
    const report = await checkIssuer({ issuer: srv.issuer, timeoutMs: 3000 });
    const flagged = report.findings.filter((f) => f.status === 'warn' || f.status === 'fail');
    expect(flagged.length).toBeGreaterThanOrEqual(5);
    for (const f of flagged) {
      expect(f.fix, f.id).toBeTruthy();
      expect(f.fix).not.toContain('\n');
      expect(f.summary).not.toMatch(/\n|\bat .+:\d+:\d+/);
    }
  });
});

describe('BLOCKING_IDS', () => {
  test('is exactly the checks that make an issuer unusable', () => {
    expect([...BLOCKING_IDS].sort()).toEqual(
      [
        ISSUER_URL,
        OKTA_ORG_SERVER,
        DISCOVERY_RESOLUTION,
        DISCOVERY_REDIRECTS,
        MULTI_TENANT_PLACEHOLDER,
        ISSUER_ECHO,
        REQUIRED_FIELDS,
        SIGN_IN_FACADE,
        SIGN_IN_BROKER,
        JWKS_REACHABLE,
        JWKS_SIGNING_KEYS,
      ].sort(),
    );
  });

  test('never includes PKCE, registration, auth methods, scopes, iss parameter, latency, kid hygiene or caching', () => {
    for (const id of [
      'metadata.pkce',
      'metadata.registration',
      'metadata.registration-probe',
      'metadata.redirect-uris',
      'metadata.token-auth-methods',
      'metadata.scopes',
      'metadata.iss-parameter',
      'discovery.latency',
      'discovery.content-type',
      'discovery.endpoint-urls',
      'jwks.kid-hygiene',
      'jwks.caching',
      'jwks.no-secret-keys',
    ]) {
      expect(BLOCKING_IDS.has(id), id).toBe(false);
    }
  });

  test('isBlocking needs both a blocking id and status fail', () => {
    const base = { title: 't', details: [] };
    expect(isBlocking({ ...base, id: ISSUER_ECHO, status: 'fail' })).toBe(true);
    expect(isBlocking({ ...base, id: DISCOVERY_REDIRECTS, status: 'warn' })).toBe(false);
    expect(isBlocking({ ...base, id: 'metadata.registration', status: 'fail' })).toBe(false);
  });

  test('renderIssuerFailure falls back to the first non-blocking failure', () => {
    const report = {
      issuer: 'https://x',
      ok: false,
      findings: [{ id: 'metadata.registration', title: 't', status: 'fail' as const, details: [], summary: 'No registration', fix: 'Pre-register' }],
    };
    expect(blockingFailures(report)).toEqual([]);
    expect(renderIssuerFailure(report)).toEqual({ message: 'No registration.', hint: 'Pre-register' });
  });
});

describe('concurrency and cancellation', () => {
  test('total time ≈ discovery + JWKS, not the sum of all requests', async () => {
    srv = await startIssuerServer({ issuerPath: '/t' });
    for (const url of srv.discoveryUrls) srv.fault(url, { delayMs: 600, json: srv.document });
    srv.fault(String(srv.document['jwks_uri']), { delayMs: 600, json: srv.jwks });
    const started = Date.now();
    const report = await checkIssuer({ issuer: srv.issuer, timeoutMs: 3000 });
    const elapsed = Date.now() - started;
    expect(report.ok).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(1190);
    expect(elapsed).toBeLessThan(1650); // discovery (600) then JWKS (600); one candidate after another: ≥ 1800 ms
    const discoveryArrivals = srv.requests.filter((r) => r.path.includes('/.well-known/o')).map((r) => r.at);
    expect(discoveryArrivals).toHaveLength(3);
    expect(Math.max(...discoveryArrivals) - Math.min(...discoveryArrivals)).toBeLessThan(150);
  });

  test('the JWKS is requested as soon as the chosen document is known, not after slower candidates', async () => {
    srv = await startIssuerServer({ issuerPath: '/t' });
    srv.fault(srv.discoveryUrls[1]!, { delayMs: 1000, json: srv.document });
    srv.fault(srv.discoveryUrls[2]!, { delayMs: 1000, json: srv.document });
    await checkIssuer({ issuer: srv.issuer, timeoutMs: 3000 });
    const first = Math.min(...srv.requests.map((r) => r.at));
    const jwks = srv.requests.find((r) => r.path === new URL(String(srv!.document['jwks_uri'])).pathname);
    expect(jwks).toBeDefined();
    expect(jwks!.at - first).toBeLessThan(500);
  });

  test('an abort through the signal rejects checkIssuer with the reason', async () => {
    srv = await startIssuerServer();
    for (const url of srv.discoveryUrls) srv.fault(url, { delayMs: 2000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('Cancelled')), 50);
    await expect(checkIssuer({ issuer: srv.issuer, timeoutMs: 5000, signal: controller.signal })).rejects.toThrow('Cancelled');
  });
});

describe('latency (pure, on a collected context)', () => {
  test('warns above 2 s and fails above 10 s, naming the slow request', async () => {
    srv = await startIssuerServer();
    const ctx = await collectContext({ issuer: srv.issuer, timeoutMs: 3000 });
    const attempt = ctx.discovery!.chosen!.attempt;
    attempt.elapsedMs = 2500;
    const warn = discoveryLatencyCheck.run(ctx);
    expect(warn.status).toBe('warn');
    expect(warn.summary).toBe(`The discovery request to ${attempt.url} took 2500 ms (over 2 s); clients may time out`);
    expect(warn.fix).toContain('give up after 10 s');
    ctx.jwks!.fetched!.elapsedMs = 10_500;
    const fail = discoveryLatencyCheck.run(ctx);
    expect(fail.status).toBe('fail');
    expect(fail.summary).toBe(`The JWKS request to ${ctx.jwks!.uri} took 10500 ms; MCP clients give up after 10 s`);
    expect(findingOf(runChecks(ctx), DISCOVERY_LATENCY).status).toBe('fail');
    expect(BLOCKING_IDS.has(DISCOVERY_LATENCY)).toBe(false);
  });
});
