/**
 * Each check's verdict and fix on synthetic variants and network faults, through `checkIssuer`
 * against a real local issuer.
 */
import { afterEach, describe, expect, test } from 'vitest';
import {
  blockingFailures,
  checkIssuer,
  renderIssuerFailure,
  DISCOVERY_CONTENT_TYPE,
  DISCOVERY_REDIRECTS,
  DISCOVERY_RESOLUTION,
  ENDPOINT_URLS,
  ISS_PARAMETER,
  ISSUER_ECHO,
  JWKS_KIDS,
  JWKS_NO_SECRETS,
  JWKS_REACHABLE,
  JWKS_SIGNING_KEYS,
  PKCE,
  REGISTRATION,
  REDIRECT_URIS,
  REGISTRATION_PROBE,
  REQUIRED_FIELDS,
  SCOPES,
} from '../../../src/issuer/checks.js';
import type { CheckIssuerInput, IssuerReport } from '../../../src/issuer/types.js';
import { findingOf } from '../../helpers/findings.js';
import { refusedUrl, startHangingServer, startIssuerServer, type IssuerServer, type IssuerServerOptions } from '../../helpers/issuer-server.js';

const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(opts: IssuerServerOptions = {}): Promise<IssuerServer> {
  const srv = await startIssuerServer(opts);
  servers.push(srv);
  return srv;
}

function check(issuer: string, input: Partial<CheckIssuerInput> = {}): Promise<IssuerReport> {
  return checkIssuer({ issuer, timeoutMs: 2000, ...input });
}

const blockingIds = (report: IssuerReport) => blockingFailures(report).map((f) => f.id);

describe('discovery faults (discovery.resolution, blocking)', () => {
  test('every candidate 404: fail naming the count, with the provider’s fix', async () => {
    const srv = await serve({ issuerPath: '/realms/nope', wellKnown: [] });
    const report = await check(srv.issuer);
    const f = findingOf(report, DISCOVERY_RESOLUTION);
    expect(f.status).toBe('fail');
    expect(f.summary).toBe(`No OAuth metadata found for ${srv.issuer}: all 3 well-known URLs returned HTTP 404`);
    expect(f.fix).toBe('Check the realm name (case-sensitive) and whether this Keycloak uses the legacy /auth prefix (https://host/auth/realms/{realm})');
    expect(f.details).toEqual([
      `${srv.url('/.well-known/oauth-authorization-server/realms/nope')}: HTTP 404`,
      `${srv.url('/.well-known/openid-configuration/realms/nope')}: HTTP 404`,
      `${srv.url('/realms/nope/.well-known/openid-configuration')}: HTTP 404`,
    ]);
    expect(blockingIds(report)).toEqual([DISCOVERY_RESOLUTION]);
    expect(findingOf(report, ISSUER_ECHO).status).toBe('skip');
    expect(findingOf(report, JWKS_REACHABLE).status).toBe('skip');
    expect(report.discovery).toBeUndefined();
    expect(renderIssuerFailure(report)).toEqual({ message: `${f.summary}.`, hint: f.fix });
  });

  const broken: Array<[string, (srv: IssuerServer) => Parameters<IssuerServer['fault']>[1], (srv: IssuerServer, url: string) => string, string]> = [
    ['500', () => ({ status: 500, json: { error: 'server_error' } }), (_s, url) => `${url} returned HTTP 500; expected 200 with a JSON document`, 'The server failed to produce the document'],
    ['an HTML login page', () => ({ html: 'Sign in' }), (_s, url) => `${url} returned an HTML page (title: "Sign in") instead of JSON`, 'Route /.well-known/* to the identity provider or turn off the login/interstitial page for it'],
    ['invalid JSON', () => ({ body: '{"issuer":' }), (_s, url) => `${url} did not return valid JSON (`, 'Serve the metadata document itself, as JSON'],
    ['a JSON array', (s) => ({ json: [s.document] }), (_s, url) => `${url} returned a JSON array; expected a JSON object`, 'Serve the metadata document itself (a JSON object)'],
    ['a BOM', (s) => ({ json: s.document, bom: true }), (_s, url) => `${url} starts with a UTF-8 byte order mark (BOM), which strict JSON parsers reject`, 'without a byte order mark'],
    ['an oversized body', () => ({ oversizeBytes: 600 * 1024 }), (_s, url) => `${url} sent more than 524288 bytes, over the 524288-byte cap for this document`, 'a discovery document or JWKS is a few KiB'],
  ];
  test.each(broken)('every candidate returns %s: fail with that error and its fix', async (_name, fault, message, fix) => {
    const srv = await serve();
    for (const url of srv.discoveryUrls) srv.fault(url, fault(srv));
    const report = await check(srv.issuer);
    const f = findingOf(report, DISCOVERY_RESOLUTION);
    expect(f.status).toBe('fail');
    expect(f.summary).toContain(`No usable OAuth metadata for ${srv.issuer}: ${message(srv, srv.discoveryUrls[0]!)}`);
    expect(f.fix).toContain(fix);
    expect(blockingIds(report)).toEqual([DISCOVERY_RESOLUTION]);
  });

  test('timeout: a hanging issuer fails within the timeout + 1 s', async () => {
    const hanging = await startHangingServer();
    servers.push(hanging);
    const started = Date.now();
    const report = await check(hanging.origin, { timeoutMs: 400 });
    expect(Date.now() - started).toBeLessThan(1400);
    const f = findingOf(report, DISCOVERY_RESOLUTION);
    expect(f.status).toBe('fail');
    expect(f.summary).toBe(`No usable OAuth metadata for ${hanging.origin}: ${hanging.origin}/.well-known/oauth-authorization-server did not answer within 400 ms`);
    expect(f.fix).toContain('raise --timeout');
  });

  test('a body that stalls mid-way times out', async () => {
    const srv = await serve();
    for (const url of srv.discoveryUrls) srv.fault(url, { stallAfterBytes: 20 });
    const started = Date.now();
    const report = await check(srv.issuer, { timeoutMs: 400 });
    expect(Date.now() - started).toBeLessThan(1400);
    expect(findingOf(report, DISCOVERY_RESOLUTION).summary).toContain('did not answer within 400 ms');
  });

  test('refused connection', async () => {
    const origin = await refusedUrl();
    const report = await check(origin);
    const f = findingOf(report, DISCOVERY_RESOLUTION);
    expect(f.summary).toBe(`No usable OAuth metadata for ${origin}: Connection refused by ${new URL(origin).host} (${origin}/.well-known/oauth-authorization-server)`);
    expect(f.fix).toContain('nothing is accepting connections');
  });

  test('DNS failure', async () => {
    const report = await check('https://no-such-tenant.invalid/');
    const f = findingOf(report, DISCOVERY_RESOLUTION);
    expect(f.status).toBe('fail');
    expect(f.summary).toBe(
      'No usable OAuth metadata for https://no-such-tenant.invalid/: Could not resolve host no-such-tenant.invalid (DNS lookup failed for https://no-such-tenant.invalid/.well-known/oauth-authorization-server)',
    );
    expect(renderIssuerFailure(report).hint).toContain('Check the spelling of the domain');
  });

  test('a broken candidate before the working one: warn, clients that try it first fail', async () => {
    const srv = await serve({ issuerPath: '/t' });
    srv.fault(srv.discoveryUrls[0]!, { html: 'Welcome' });
    const report = await check(srv.issuer);
    const f = findingOf(report, DISCOVERY_RESOLUTION);
    expect(f.status).toBe('warn');
    expect(f.summary).toBe(`Clients try ${srv.discoveryUrls[0]} before ${srv.discoveryUrls[1]} and get an error there: returned an HTML page (title: "Welcome") instead of JSON`);
    expect(f.fix).toBe(`Make ${srv.discoveryUrls[0]} answer 404 (so clients move on) or serve the same document there`);
    expect(report.discovery?.url).toBe(srv.discoveryUrls[1]);
    expect(blockingIds(report)).toEqual([]);
  });

  test('only the OIDC append form (generic server): warn to also serve RFC 8414', async () => {
    const srv = await serve({ issuerPath: '/t', wellKnown: ['oidc'] });
    const f = findingOf(await check(srv.issuer), DISCOVERY_RESOLUTION);
    expect(f.status).toBe('warn');
    expect(f.fix).toBe(`Also serve the document at ${srv.url('/.well-known/oauth-authorization-server/t')} (RFC 8414), for clients that only try that URL`);
  });
});

describe('redirects (discovery.redirects)', () => {
  test('a redirect to another host fails and blocks', async () => {
    const away = await serve({ hostname: 'localhost' });
    const srv = await serve();
    away.document = srv.document; // the other host serves this issuer's document
    srv.fault(srv.discoveryUrls[0]!, { redirectTo: away.discoveryUrls[0]! });
    const report = await check(srv.issuer);
    const f = findingOf(report, DISCOVERY_REDIRECTS);
    expect(f.status).toBe('fail');
    expect(f.summary).toBe(
      `${srv.discoveryUrls[0]} redirects to another host (localhost); MCP clients that don't follow cross-host redirects can't load the metadata`,
    );
    expect(f.details).toEqual([`${srv.discoveryUrls[0]} → HTTP 302 → ${away.discoveryUrls[0]}`]);
    expect(f.fix).toBe(`Use the issuer of the final host (the document there says "${srv.issuer}"), or serve the document at ${srv.discoveryUrls[0]} without a redirect`);
    expect(blockingIds(report)).toEqual([DISCOVERY_REDIRECTS]);
    expect(renderIssuerFailure(report).message).toBe(`${f.summary}.`);
  });

  test('a same-host redirect warns and does not block', async () => {
    const srv = await serve();
    srv.fault(srv.discoveryUrls[0]!, { redirectTo: '/moved/metadata', status: 301 });
    srv.fault('/moved/metadata', { json: srv.document });
    const report = await check(srv.issuer);
    const f = findingOf(report, DISCOVERY_REDIRECTS);
    expect(f.status).toBe('warn');
    expect(f.summary).toBe(`${srv.discoveryUrls[0]} redirects (HTTP 301) to ${srv.url('/moved/metadata')}; some clients don't follow redirects during discovery`);
    expect(blockingIds(report)).toEqual([]);
  });
});

describe('document content', () => {
  test('wrong Content-Type fails discovery.content-type without blocking', async () => {
    const srv = await serve();
    for (const url of srv.discoveryUrls) srv.fault(url, { json: srv.document, contentType: 'text/plain' });
    const report = await check(srv.issuer);
    const f = findingOf(report, DISCOVERY_CONTENT_TYPE);
    expect(f.status).toBe('fail');
    expect(f.summary).toBe(`${srv.discoveryUrls[0]} is served with Content-Type text/plain, not application/json; strict clients reject it`);
    expect(f.fix).toBe('Serve /.well-known/* with Content-Type: application/json');
    expect(blockingIds(report)).toEqual([]);
    expect(report.ok).toBe(false);
  });

  test('application/json with a charset and application/*+json pass', async () => {
    const srv = await serve();
    srv.fault(srv.discoveryUrls[0]!, { json: srv.document, contentType: 'application/json; charset=utf-8' });
    expect(findingOf(await check(srv.issuer), DISCOVERY_CONTENT_TYPE).status).toBe('pass');
    srv.fault(srv.discoveryUrls[0]!, { json: srv.document, contentType: 'application/oauth-authorization-server+json' });
    expect(findingOf(await check(srv.issuer), DISCOVERY_CONTENT_TYPE).status).toBe('pass');
  });

  test('a document over 64 KiB warns', async () => {
    const srv = await serve();
    srv.document['padding'] = 'x'.repeat(70 * 1024);
    expect(findingOf(await check(srv.issuer), DISCOVERY_CONTENT_TYPE)).toMatchObject({ status: 'warn', summary: expect.stringContaining('KiB; some clients cap metadata documents at 64 KiB') });
  });
});

describe('issuer echo (blocking)', () => {
  test('a different issuer: fail with the difference named', async () => {
    const srv = await serve();
    for (const url of srv.discoveryUrls) srv.fault(url, { issuer: 'https://elsewhere.example.com' });
    const f = findingOf(await check(srv.issuer), ISSUER_ECHO);
    expect(f.status).toBe('fail');
    expect(f.summary).toContain(`expected "${srv.issuer}" but the document says "https://elsewhere.example.com" (the document has scheme https instead of http and host elsewhere.example.com instead of ${new URL(srv.origin).host})`);
  });

  test('/v2.0 difference is named, with the Entra fix', async () => {
    const srv = await serve({ issuerPath: '/tenant-id' });
    srv.document['issuer'] = `${srv.issuer}/v2.0`;
    const f = findingOf(await check(srv.issuer, { provider: 'azure' }), ISSUER_ECHO);
    expect(f.summary).toContain('(the document ends in /v2.0 and the configured issuer does not)');
    expect(f.fix).toContain('"requestedAccessTokenVersion": 2');
  });

  test('no issuer at all fails echo and required fields', async () => {
    const srv = await serve();
    delete srv.document['issuer'];
    const report = await check(srv.issuer);
    expect(findingOf(report, ISSUER_ECHO).summary).toBe(`The discovery document at ${srv.discoveryUrls[0]} has no "issuer" string, so clients can't verify where it came from`);
    expect(findingOf(report, REQUIRED_FIELDS).summary).toBe(`The discovery document at ${srv.discoveryUrls[0]} has no issuer`);
    expect(blockingIds(report)).toEqual([ISSUER_ECHO, REQUIRED_FIELDS]);
  });
});

describe('required fields and endpoint URLs', () => {
  test('missing jwks_uri fails with the signing-key fix; JWKS checks skip', async () => {
    const srv = await serve();
    delete srv.document['jwks_uri'];
    const report = await check(srv.issuer);
    const f = findingOf(report, REQUIRED_FIELDS);
    expect(f.summary).toBe(`The discovery document at ${srv.discoveryUrls[0]} has no jwks_uri`);
    expect(f.fix).toContain('asymmetric signing key');
    expect(findingOf(report, JWKS_REACHABLE)).toMatchObject({ status: 'skip', summary: 'Skipped: the discovery document has no usable jwks_uri' });
  });

  test('no "code" response type and no authorization_code grant', async () => {
    const srv = await serve();
    Object.assign(srv.document, { response_types_supported: ['token'], grant_types_supported: ['client_credentials'] });
    const f = findingOf(await check(srv.issuer), REQUIRED_FIELDS);
    expect(f.status).toBe('fail');
    expect(f.summary).toBe(`The discovery document at ${srv.discoveryUrls[0]} is incomplete: response_types_supported ["token"] does not include "code"`);
    expect(f.details).toContain('grant_types_supported ["client_credentials"] does not include "authorization_code"');
  });

  test('http on a public host fails; an internal hostname is named', async () => {
    const srv = await serve();
    srv.document['token_endpoint'] = 'http://idp.example.com/token';
    srv.document['userinfo_endpoint'] = 'https://keycloak.internal/userinfo';
    const f = findingOf(await check(srv.issuer), ENDPOINT_URLS);
    expect(f.status).toBe('fail');
    expect(f.details).toEqual([
      'token_endpoint http://idp.example.com/token (plain http on a non-local host)',
      'userinfo_endpoint https://keycloak.internal/userinfo (internal hostname keycloak.internal)',
    ]);
  });
});

describe('client capabilities (never blocking)', () => {
  test('PKCE without S256 fails; absent warns', async () => {
    const srv = await serve();
    srv.document['code_challenge_methods_supported'] = ['plain'];
    const report = await check(srv.issuer);
    expect(findingOf(report, PKCE)).toMatchObject({ status: 'fail', summary: 'code_challenge_methods_supported is ["plain"], without "S256", the only method MCP clients use' });
    expect(blockingIds(report)).toEqual([]);
    delete srv.document['code_challenge_methods_supported'];
    expect(findingOf(await check(srv.issuer), PKCE)).toMatchObject({
      status: 'warn',
      fix: expect.stringMatching(/^Advertise "code_challenge_methods_supported": \["S256"\]/),
    });
  });

  test('CIMD counts as a registration path', async () => {
    const srv = await serve();
    delete srv.document['registration_endpoint'];
    srv.document['client_id_metadata_document_supported'] = true;
    expect(findingOf(await check(srv.issuer), REGISTRATION)).toMatchObject({ status: 'pass', summary: expect.stringContaining('Client ID Metadata Documents') });
  });

  test('CIMD without "none" among the token endpoint auth methods: claude.ai and Claude Desktop do not use it (CLIENTS.md)', async () => {
    const srv = await serve();
    srv.document['client_id_metadata_document_supported'] = true;
    srv.document['token_endpoint_auth_methods_supported'] = ['client_secret_basic', 'private_key_jwt'];
    const endpoint = String(srv.document['registration_endpoint']);
    expect(findingOf(await check(srv.issuer), REGISTRATION)).toMatchObject({
      status: 'pass',
      details: [`claude.ai and Claude Desktop use CIMD only when token_endpoint_auth_methods_supported also lists none; here they register at ${endpoint} instead`],
    });
    delete srv.document['registration_endpoint'];
    expect(findingOf(await check(srv.issuer), REGISTRATION)!.details).toEqual(['claude.ai and Claude Desktop use CIMD only when token_endpoint_auth_methods_supported also lists none; here they need a client registered by hand']);
    srv.document['token_endpoint_auth_methods_supported'] = ['none', 'private_key_jwt'];
    expect(findingOf(await check(srv.issuer), REGISTRATION)!.details).toEqual([]);
  });

  test('no registration path: fail without a pre-registered client, warn with one', async () => {
    const srv = await serve();
    delete srv.document['registration_endpoint'];
    const none = await check(srv.issuer, { provider: 'auth0' });
    expect(findingOf(none, REGISTRATION)).toMatchObject({ status: 'fail', fix: expect.stringContaining('enable Dynamic Client Registration (Settings › Advanced)') });
    expect(blockingIds(none)).toEqual([]);
    const pre = await check(srv.issuer, { provider: 'auth0', preRegisteredClient: true });
    expect(findingOf(pre, REGISTRATION).status).toBe('warn');
  });

  test('registration probe: skipped unless asked; open → pass; 401 → warn with the provider fix', async () => {
    const srv = await serve();
    expect(findingOf(await check(srv.issuer), REGISTRATION_PROBE).status).toBe('skip');
    const open = findingOf(await check(srv.issuer, { probeRegistration: true }), REGISTRATION_PROBE);
    expect(open).toMatchObject({ status: 'pass', summary: `${srv.url('/register')} rejected the deliberately invalid request with HTTP 400 invalid_redirect_uri: anonymous registration is open` });
    const probe = srv.requests.find((r) => r.method === 'POST');
    expect(JSON.parse(probe!.body)).toMatchObject({ redirect_uris: ['not a uri'] });
    srv.fault('/register', { status: 401, json: { error: 'invalid_token' } });
    const closed = findingOf(await check(srv.issuer, { probeRegistration: true, provider: 'auth0' }), REGISTRATION_PROBE);
    expect(closed.status).toBe('warn');
    expect(closed.summary).toBe(`${srv.url('/register')} answered HTTP 401 invalid_token to an anonymous registration: it needs an initial access token, so MCP clients can't register themselves`);
    expect(closed.fix).toContain('Auth0 Dashboard › Settings › Advanced › Dynamic Client Registration');
  });

  test('registration probe: the server\'s own words are shown; a pre-registered client makes a closed endpoint expected; behind the broker nothing is sent', async () => {
    const srv = await serve();
    srv.fault('/register', { status: 403, json: { error: 'access_denied', error_description: 'Registration needs an API token' } });
    const closed = findingOf(await check(srv.issuer, { probeRegistration: true }), REGISTRATION_PROBE);
    expect(closed).toMatchObject({ status: 'warn', details: [`${srv.url('/register')} said: Registration needs an API token`] });
    // Okta-style: the client ids are pasted into the MCP client, so a closed endpoint is fine.
    const pre = findingOf(await check(srv.issuer, { probeRegistration: true, preRegisteredClient: true }), REGISTRATION_PROBE);
    expect(pre.status).toBe('info');
    expect(pre.summary).toMatch(/needs an initial access token, so MCP clients can't register themselves; MCP clients use the pre-registered client instead$/);
    expect(pre.fix).toBeUndefined();
    // A server that registers the invalid metadata anyway: the client it made is named, to be deleted.
    srv.fault('/register', { status: 201, json: { client_id: 'made-by-the-probe', redirect_uris: ['not a uri'] } });
    const created = findingOf(await check(srv.issuer, { probeRegistration: true }), REGISTRATION_PROBE);
    expect(created).toMatchObject({ status: 'warn', summary: `${srv.url('/register')} registered a client (made-by-the-probe) for metadata that is not valid (a redirect URI that is not a URI): it does not validate what it registers` });
    expect(created.fix).toContain('Delete that client');
    // A page answering 200 (a login page, a WAF) made no client: that is an unexpected answer.
    srv.fault('/register', { status: 200, html: 'Sign in' });
    const page = findingOf(await check(srv.issuer, { probeRegistration: true }), REGISTRATION_PROBE);
    expect(page).toMatchObject({ status: 'warn', summary: `${srv.url('/register')} answered HTTP 200 to deliberately invalid client metadata; expected 400 invalid_redirect_uri or invalid_client_metadata` });
    const posts = srv.requests.filter((r) => r.method === 'POST').length;
    const broker = findingOf(await check(srv.issuer, { probeRegistration: true, signIn: 'broker' }), REGISTRATION_PROBE);
    expect(broker).toMatchObject({ status: 'skip', summary: 'Skipped: hosts register with the broker, not at the provider' });
    expect(srv.requests.filter((r) => r.method === 'POST').length).toBe(posts);
  });

  test("Keycloak advertising CIMD: a warning that its CIMD executor refuses ChatGPT's document, and to choose DCR in ChatGPT", async () => {
    const srv = await serve({ issuerPath: '/realms/main' });
    srv.document['client_id_metadata_document_supported'] = true;
    const keycloak = findingOf(await check(srv.issuer, { provider: 'keycloak' }), REGISTRATION);
    expect(keycloak.status).toBe('warn');
    expect(keycloak.summary).toContain("its CIMD executor refuses ChatGPT's document");
    expect(keycloak.fix).toContain('choose dynamic client registration');
    // Another server advertising CIMD is taken at its word.
    expect(findingOf(await check(srv.issuer, { provider: 'auth0' }), REGISTRATION).status).toBe('pass');
  });

  test('redirect URIs: each host\'s, exactly, for clients registered by hand; behind the broker only its callback', async () => {
    const srv = await serve();
    const direct = findingOf(await check(srv.issuer, { provider: 'auth0' }), REDIRECT_URIS);
    expect(direct).toMatchObject({ status: 'info', summary: 'A client registered by hand at Auth0 needs the redirect URIs of the host that uses it, exactly (hosts that register themselves send their own)' });
    // Each line says how that host registers here: this document offers dynamic registration.
    expect(direct.details).toContain('ChatGPT (registers itself here by dynamic registration): https://chatgpt.com/connector/oauth/<callback-id>, https://chatgpt.com/connector_platform_oauth_redirect');
    expect(direct.details).toContain('claude.ai and Claude Desktop (registers itself here by dynamic registration): https://claude.ai/api/mcp/auth_callback, https://claude.com/api/mcp/auth_callback');
    delete srv.document['registration_endpoint'];
    const byHand = findingOf(await check(srv.issuer, { provider: 'auth0', preRegisteredClient: true }), REDIRECT_URIS);
    expect(byHand.details).toContain('Claude Code (needs a client registered by hand here): http://localhost:<port>/callback');
    const broker = findingOf(await check(srv.issuer, { signIn: 'broker', resource: 'https://my-app.example.com/mcp' }), REDIRECT_URIS);
    expect(broker.summary).toBe("Hosts sign in at the broker, so the authorization server needs one redirect URI, the broker's callback https://my-app.example.com/oauth/callback, on the broker's own client (OAUTH_BROKER_CLIENT_ID)");
    const named = findingOf(await check(srv.issuer, { signIn: 'broker', resource: 'https://my-app.example.com/mcp', brokerClientId: 'abc123' }), REDIRECT_URIS);
    expect(named.summary).toMatch(/on the broker's own client abc123$/);
    // The local provider is the project's own server.
    expect(findingOf(await check(srv.issuer, { provider: 'local' }), REDIRECT_URIS).status).toBe('skip');
  });

  test('scopes beyond openid/profile/email warn; the iss parameter absent is info', async () => {
    const srv = await serve();
    srv.document['scopes_supported'] = ['openid', 'profile', 'email', 'phone', 'read:files'];
    delete srv.document['authorization_response_iss_parameter_supported'];
    const report = await check(srv.issuer);
    expect(findingOf(report, SCOPES)).toMatchObject({
      status: 'warn',
      details: ['scopes_supported: openid, profile, email, phone, read:files', 'often not enabled for an app client: phone', 'provider-specific: read:files'],
    });
    expect(findingOf(report, ISS_PARAMETER).status).toBe('info');
    expect(report.ok).toBe(true);
  });
});

describe('JWKS faults', () => {
  const jwksPath = (srv: IssuerServer) => String(srv.document['jwks_uri']);

  test('JWKS 404 fails jwks.reachable and blocks', async () => {
    const srv = await serve();
    srv.fault(jwksPath(srv), { status: 404, json: { error: 'not_found' } });
    const report = await check(srv.issuer);
    const f = findingOf(report, JWKS_REACHABLE);
    expect(f.status).toBe('fail');
    expect(f.summary).toBe(`The key set at ${jwksPath(srv)} can't be used: ${jwksPath(srv)} returned HTTP 404; expected 200 with a JSON document`);
    expect(findingOf(report, JWKS_SIGNING_KEYS).status).toBe('skip');
    expect(blockingIds(report)).toEqual([JWKS_REACHABLE]);
  });

  test('only an enc key: "None of the 1 key(s)" with the generic signing-key fix', async () => {
    const srv = await serve();
    srv.fault(jwksPath(srv), { jwksOnly: 'enc' });
    const f = findingOf(await check(srv.issuer), JWKS_SIGNING_KEYS);
    expect(f.summary).toBe(`None of the 1 key(s) at ${jwksPath(srv)} can verify access tokens (use "enc")`);
    expect(f.details).toEqual(['kid enc-only: use "enc": an encryption key, not for signatures']);
    expect(f.fix).toMatch(/^Give the authorization server an asymmetric signing key/);
  });

  test('an empty key set fails jwks.reachable', async () => {
    const srv = await serve();
    srv.jwks.keys = [];
    expect(findingOf(await check(srv.issuer), JWKS_REACHABLE).summary).toBe(`The key set at ${jwksPath(srv)} has an empty "keys" array, so no token can be verified`);
  });

  test('only enc and oct keys: no usable signing key (blocking) and a published secret (not blocking)', async () => {
    const srv = await serve();
    srv.fault(jwksPath(srv), { jwksOnly: 'enc+oct' });
    const report = await check(srv.issuer, { provider: 'auth0' });
    const keys = findingOf(report, JWKS_SIGNING_KEYS);
    expect(keys.status).toBe('fail');
    expect(keys.summary).toBe(`None of the 2 key(s) at ${jwksPath(srv)} can verify access tokens (use "enc"; kty "oct")`);
    expect(keys.fix).toBe('Switch the API to RS256 (Auth0 Dashboard › Applications › APIs › your API › Settings › Signing Algorithm)');
    const secrets = findingOf(report, JWKS_NO_SECRETS);
    expect(secrets.status).toBe('fail');
    expect(secrets.summary).toContain('publishes secret key material (kid oct-only: kty "oct"');
    expect(blockingIds(report)).toEqual([JWKS_SIGNING_KEYS]);
    expect(renderIssuerFailure(report)).toEqual({ message: `${keys.summary}.`, hint: keys.fix });
  });

  test('duplicate and missing kids warn', async () => {
    const srv = await serve();
    const { kid: _kid, ...noKid } = srv.keys.es256.publicJwk;
    srv.jwks.keys = [srv.keys.rs256.publicJwk, { ...srv.keys.rs256.publicJwk }, noKid];
    const f = findingOf(await check(srv.issuer), JWKS_KIDS);
    expect(f.status).toBe('warn');
    expect(f.summary).toBe('1 of 3 signing keys have no kid; kid "test-rs256" appears more than once: verifiers can\'t tell which key signed a token ("multiple matching keys found")');
  });

  test('a JWKS that stalls mid-body times out as a jwks.reachable failure', async () => {
    const srv = await serve();
    srv.fault(jwksPath(srv), { stallAfterBytes: 5 });
    const report = await check(srv.issuer, { timeoutMs: 400 });
    expect(findingOf(report, JWKS_REACHABLE).summary).toContain('did not answer within 400 ms');
  });
});
