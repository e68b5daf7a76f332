import { afterEach, describe, expect, test } from 'vitest';
import { discover, discoveryCandidates, startDiscovery } from '../../../src/issuer/discovery.js';
import { startIssuerServer, type IssuerServer } from '../../helpers/issuer-server.js';

describe('discoveryCandidates (MCP 2025-11-25 client order)', () => {
  test('an issuer with a path: RFC 8414 insertion, OIDC insertion, OIDC append', () => {
    expect(discoveryCandidates('https://auth.example.com/tenant1')).toEqual([
      { url: 'https://auth.example.com/.well-known/oauth-authorization-server/tenant1', kind: 'oauth' },
      { url: 'https://auth.example.com/.well-known/openid-configuration/tenant1', kind: 'oidc-insert' },
      { url: 'https://auth.example.com/tenant1/.well-known/openid-configuration', kind: 'oidc' },
    ]);
  });

  test('an issuer without a path: the two root forms', () => {
    expect(discoveryCandidates('https://accounts.google.com').map((c) => c.url)).toEqual([
      'https://accounts.google.com/.well-known/oauth-authorization-server',
      'https://accounts.google.com/.well-known/openid-configuration',
    ]);
  });

  test('Auth0’s trailing slash means no path (RFC 8414 removes it before inserting)', () => {
    expect(discoveryCandidates('https://acme.us.auth0.com/').map((c) => c.url)).toEqual([
      'https://acme.us.auth0.com/.well-known/oauth-authorization-server',
      'https://acme.us.auth0.com/.well-known/openid-configuration',
    ]);
  });

  test('a trailing slash after a path is removed before inserting and appending', () => {
    expect(discoveryCandidates('https://sso.example.com/realms/demo/').map((c) => c.url)).toEqual([
      'https://sso.example.com/.well-known/oauth-authorization-server/realms/demo',
      'https://sso.example.com/.well-known/openid-configuration/realms/demo',
      'https://sso.example.com/realms/demo/.well-known/openid-configuration',
    ]);
  });

  test('Entra v2 and Okta custom server paths', () => {
    expect(discoveryCandidates('https://login.microsoftonline.com/9a95fd9e-005d-487a-9a01-d08c1eab2757/v2.0')[2]?.url).toBe(
      'https://login.microsoftonline.com/9a95fd9e-005d-487a-9a01-d08c1eab2757/v2.0/.well-known/openid-configuration',
    );
    expect(discoveryCandidates('https://dev-1.okta.com/oauth2/default')[0]?.url).toBe(
      'https://dev-1.okta.com/.well-known/oauth-authorization-server/oauth2/default',
    );
  });
});

describe('discover', () => {
  let srv: IssuerServer | undefined;
  afterEach(async () => {
    await srv?.close();
    srv = undefined;
  });
  const opts = { timeoutMs: 3000 };

  test('fetches every candidate and chooses the first valid one in client order', async () => {
    srv = await startIssuerServer({ issuerPath: '/realms/demo', wellKnown: ['oidc'] });
    const result = await discover(srv.issuer, opts);
    expect(result.attempts.map((a) => [a.kind, a.ok, a.error?.status])).toEqual([
      ['oauth', false, 404],
      ['oidc-insert', false, 404],
      ['oidc', true, undefined],
    ]);
    expect(result.chosen?.url).toBe(srv.url('/realms/demo/.well-known/openid-configuration'));
    expect(result.chosen?.doc['issuer']).toBe(srv.issuer);
  });

  test('prefers the RFC 8414 document when several are valid', async () => {
    srv = await startIssuerServer({ issuerPath: '/oauth2/default' });
    const result = await discover(srv.issuer, opts);
    expect(result.attempts.every((a) => a.ok)).toBe(true);
    expect(result.chosen?.url).toBe(srv.url('/.well-known/oauth-authorization-server/oauth2/default'));
  });

  test('no valid candidate: no chosen document, every error kept', async () => {
    srv = await startIssuerServer({ wellKnown: [] });
    const result = await discover(srv.issuer, opts);
    expect(result.chosen).toBeUndefined();
    expect(result.attempts.map((a) => a.error?.kind)).toEqual(['http-status', 'http-status']);
  });

  test('requests all candidates concurrently: total ≈ the slowest, not the sum', async () => {
    srv = await startIssuerServer({ issuerPath: '/t' });
    for (const url of srv.discoveryUrls) srv.fault(url, { delayMs: 400, json: srv.document });
    const started = Date.now();
    const result = await discover(srv.issuer, opts);
    const elapsed = Date.now() - started;
    expect(result.attempts.every((a) => a.ok)).toBe(true);
    expect(elapsed).toBeLessThan(1000); // sequential would be ≥ 1200 ms
    const arrivals = srv.requests.map((r) => r.at);
    expect(Math.max(...arrivals) - Math.min(...arrivals)).toBeLessThan(150);
  });

  test('startDiscovery resolves `chosen` as soon as the winner is known, before slower candidates finish', async () => {
    srv = await startIssuerServer({ issuerPath: '/t' });
    srv.fault(srv.discoveryUrls[1]!, { delayMs: 1200, json: srv.document });
    srv.fault(srv.discoveryUrls[2]!, { delayMs: 1200, json: srv.document });
    const started = Date.now();
    const inFlight = startDiscovery(srv.issuer, opts);
    const chosen = await inFlight.chosen;
    expect(chosen?.url).toBe(srv.discoveryUrls[0]);
    expect(Date.now() - started).toBeLessThan(800);
    const done = await inFlight.done;
    expect(done.attempts).toHaveLength(3);
    expect(done.chosen?.url).toBe(srv.discoveryUrls[0]);
  });

  test('rejects with the abort reason when the signal aborts', async () => {
    srv = await startIssuerServer();
    for (const url of srv.discoveryUrls) srv.fault(url, { delayMs: 2000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('Cancelled')), 50);
    await expect(discover(srv.issuer, { timeoutMs: 5000, signal: controller.signal })).rejects.toThrow('Cancelled');
  });
});
