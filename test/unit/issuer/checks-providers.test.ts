/**
 * The issuer checks against the real provider documents in test/fixtures/discovery, each
 * served by a local test issuer with its URLs rewritten to that server.
 */
import { afterEach, describe, expect, test } from 'vitest';
import {
  blockingFailures,
  checkIssuer,
  DISCOVERY_RESOLUTION,
  ENDPOINT_URLS,
  ISS_PARAMETER,
  ISSUER_ECHO,
  JWKS_KIDS,
  JWKS_SIGNING_KEYS,
  MULTI_TENANT_PLACEHOLDER,
  OKTA_ORG_SERVER,
  PKCE,
  REGISTRATION,
  renderIssuerFailure,
  REQUIRED_FIELDS,
  runChecks,
  ISSUER_URL,
  SCOPES,
  SIGN_IN_BROKER,
  SIGN_IN_FACADE,
  TOKEN_AUTH_METHODS,
} from '../../../src/issuer/checks.js';
import { parseIssuer } from '../../../src/issuer/issuer-url.js';
import type { CheckIssuerInput, IssuerReport } from '../../../src/issuer/types.js';
import { findingOf, statuses } from '../../helpers/findings.js';
import { startIssuerServer, type IssuerServer, type IssuerServerOptions } from '../../helpers/issuer-server.js';

const servers: IssuerServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(opts: IssuerServerOptions): Promise<IssuerServer> {
  const srv = await startIssuerServer(opts);
  servers.push(srv);
  return srv;
}

function check(input: Partial<CheckIssuerInput> & { issuer: string }): Promise<IssuerReport> {
  return checkIssuer({ timeoutMs: 3000, ...input });
}

describe('Auth0 (issuer with a trailing slash)', () => {
  test('configured with the slash: every blocking check passes', async () => {
    const srv = await serve({ fixture: 'auth0-tenant', jwks: 'auth0-tenant-jwks' });
    expect(srv.issuer).toBe(`${srv.origin}/`);
    const report = await check({ issuer: srv.issuer, provider: 'auth0' });
    expect(findingOf(report, ISSUER_ECHO)).toMatchObject({ status: 'pass', summary: `The document's issuer is exactly "${srv.origin}/"` });
    expect(blockingFailures(report)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(findingOf(report, DISCOVERY_RESOLUTION).status).toBe('pass');
    expect(findingOf(report, PKCE).status).toBe('pass');
    expect(findingOf(report, TOKEN_AUTH_METHODS).status).toBe('pass');
    expect(findingOf(report, REGISTRATION)).toMatchObject({ status: 'pass', details: [expect.stringContaining('even when Dynamic Client Registration is off')] });
    expect(findingOf(report, ISS_PARAMETER)).toMatchObject({ status: 'info', fix: expect.stringContaining('Include Issuer in Authorization Responses') });
    expect(findingOf(report, SCOPES)).toMatchObject({ status: 'warn', summary: expect.stringContaining('offline_access') });
    expect(report.discovery?.url).toBe(`${srv.origin}/.well-known/oauth-authorization-server`);
    expect(report.jwks).toMatchObject({ uri: `${srv.origin}/.well-known/jwks.json`, usable: 2 });
  });

  test('configured without the slash: issuer echo fails and says the slash is the difference', async () => {
    const srv = await serve({ fixture: 'auth0-tenant', jwks: 'auth0-tenant-jwks' });
    const report = await check({ issuer: srv.origin, provider: 'auth0' });
    const echo = findingOf(report, ISSUER_ECHO);
    expect(echo.status).toBe('fail');
    expect(echo.summary).toBe(
      `The discovery document at ${srv.origin}/.well-known/oauth-authorization-server names another issuer: expected "${srv.origin}" but the document says "${srv.origin}/" (only a trailing "/" differs: the document has one, the configured issuer does not)`,
    );
    expect(echo.details).toEqual([
      `configured "${srv.origin}"`,
      `document   "${srv.origin}/"`,
      `${' '.repeat(12 + srv.origin.length)}^ only a trailing "/" differs: the document has one, the configured issuer does not`,
    ]);
    expect(echo.fix).toBe(
      `Auth0 issues https://{domain}/ with a trailing slash: configure the issuer as exactly "${srv.origin}/" (byte for byte) everywhere: fastapps.json, the PRM authorization_servers and token validation`,
    );
    expect(blockingFailures(report).map((f) => f.id)).toEqual([ISSUER_ECHO]);
    expect(renderIssuerFailure(report)).toEqual({ message: `${echo.summary}.`, hint: echo.fix });
  });

  test('the 2022 common tenant lists neither none nor private_key_jwt: warn with the Auth0 application-type fix', async () => {
    const srv = await serve({ fixture: 'auth0-common', jwks: 'auth0-common-jwks' });
    const report = await check({ issuer: srv.issuer, provider: 'auth0' });
    const f = findingOf(report, TOKEN_AUTH_METHODS);
    expect(f.status).toBe('warn');
    expect(f.summary).toBe(
      'token_endpoint_auth_methods_supported lists only client_secret_basic, client_secret_post: neither "none" (public PKCE clients) nor "private_key_jwt" (ChatGPT\'s metadata-document client)',
    );
    expect(f.fix).toContain('Single Page Application or Native (Token Endpoint Authentication Method: None)');
    expect(blockingFailures(report)).toEqual([]);
  });
});

describe('Okta', () => {
  test('custom authorization server: passes, registration needs an API token unless a client is pre-registered', async () => {
    const srv = await serve({ fixture: 'okta-custom-as-default', jwks: 'okta-custom-as-default-jwks' });
    expect(srv.issuer).toBe(`${srv.origin}/oauth2/default`);
    const report = await check({ issuer: srv.issuer, provider: 'okta' });
    expect(findingOf(report, OKTA_ORG_SERVER).status).toBe('pass');
    expect(findingOf(report, DISCOVERY_RESOLUTION)).toMatchObject({ status: 'pass', summary: `${srv.origin}/.well-known/oauth-authorization-server/oauth2/default serves the discovery document` });
    const reg = findingOf(report, REGISTRATION);
    expect(reg.status).toBe('warn');
    expect(reg.summary).toBe(`Okta lists registration_endpoint ${srv.origin}/oauth2/v1/clients, but it needs an Okta API token, so MCP clients can't register themselves`);
    expect(reg.fix).toContain('Okta Admin › Applications › Create App Integration');
    expect(findingOf(report, SCOPES)).toMatchObject({ status: 'warn', fix: expect.stringContaining('Access Policies') });
    expect(blockingFailures(report)).toEqual([]);
    const pre = await check({ issuer: srv.issuer, provider: 'okta', preRegisteredClient: true });
    expect(findingOf(pre, REGISTRATION).status).toBe('pass');
  });

  test('the org authorization server is refused for APIs when the provider is okta', async () => {
    const srv = await serve({ fixture: 'okta-org-as', jwks: 'okta-org-as-jwks' });
    expect(srv.issuer).toBe(srv.origin);
    const report = await check({ issuer: srv.issuer, provider: 'okta' });
    const f = findingOf(report, OKTA_ORG_SERVER);
    expect(f.status).toBe('fail');
    expect(f.summary).toBe(
      `${srv.origin} is Okta's org authorization server; its access tokens are meant for Okta's own APIs and can't be validated by your MCP server`,
    );
    expect(f.fix).toBe(
      `Use a custom authorization server such as ${srv.origin}/oauth2/default (Okta Admin › Security › API › Authorization Servers) and set its Audience to your MCP URL`,
    );
    expect(blockingFailures(report).map((x) => x.id)).toEqual([OKTA_ORG_SERVER]);
    expect(renderIssuerFailure(report).message).toBe(`${f.summary}.`);
    // The same document under a generic provider on a non-Okta host is not judged as Okta.
    const generic = await check({ issuer: srv.issuer, provider: 'oidc' });
    expect(findingOf(generic, OKTA_ORG_SERVER).status).toBe('skip');
  });
});

describe('Entra ID', () => {
  test('tenant v2 document: only the OIDC append form, no PKCE field, no registration', async () => {
    const srv = await serve({ fixture: 'entra-v2-tenant', jwks: 'entra-v2-tenant-jwks' });
    const report = await check({ issuer: srv.issuer, provider: 'azure' });
    expect(findingOf(report, ISSUER_ECHO).status).toBe('pass');
    const resolution = findingOf(report, DISCOVERY_RESOLUTION);
    expect(resolution.status).toBe('warn');
    expect(resolution.details).toEqual([
      `${srv.origin}/.well-known/oauth-authorization-server/9a95fd9e-005d-487a-9a01-d08c1eab2757/v2.0: HTTP 404`,
      `${srv.origin}/.well-known/openid-configuration/9a95fd9e-005d-487a-9a01-d08c1eab2757/v2.0: HTTP 404`,
      expect.stringMatching(new RegExp(`^${srv.issuer}/\\.well-known/openid-configuration: 200 JSON document \\(\\d+ ms, \\d+ bytes\\) — used$`)),
    ]);
    expect(resolution.fix).toContain('Nothing to change in Entra ID');
    expect(findingOf(report, PKCE)).toMatchObject({
      status: 'warn',
      // What the hosts really do (CLIENTS.md): ChatGPT refuses at connector creation, Claude too.
      summary: 'The metadata has no code_challenge_methods_supported: ChatGPT (at connector creation), claude.ai, Claude Desktop and Claude Code refuse to sign in, as MCP clients from 2025-11-25 on must',
      fix: expect.stringMatching(/^Entra ID accepts S256 but doesn't advertise it.*--sign-in facade.*the default for Entra ID/),
    });
    expect(findingOf(report, PKCE).summary).not.toMatch(/tolerat/);
    // The façade sign-in publishes S256 for it, and nothing stops it.
    const facade = await check({ issuer: srv.issuer, provider: 'azure', preRegisteredClient: true, signIn: 'facade' });
    expect(findingOf(facade, PKCE)).toMatchObject({ status: 'pass', summary: expect.stringContaining('the façade sign-in publishes ["S256"]') });
    expect(findingOf(facade, SIGN_IN_FACADE).status).toBe('pass');
    expect(blockingFailures(facade)).toEqual([]);
    expect(findingOf(report, REGISTRATION)).toMatchObject({ status: 'fail', fix: expect.stringContaining('App registrations › New registration') });
    expect(findingOf(report, JWKS_SIGNING_KEYS)).toMatchObject({ status: 'pass', summary: '2 of 2 key(s) can verify tokens (RSA (no alg))' });
    expect(blockingFailures(report)).toEqual([]);
    const pre = await check({ issuer: srv.issuer, provider: 'azure', preRegisteredClient: true });
    expect(findingOf(pre, REGISTRATION)).toMatchObject({ status: 'warn', summary: expect.stringContaining('MCP clients must be given the pre-registered client') });
    expect(pre.ok).toBe(true);
  });

  test.each(['entra-v2-common', 'entra-v2-organizations'])('%s: the {tenantid} placeholder fails issuer echo and is explained', async (name) => {
    const tenant = name.endsWith('common') ? 'common' : 'organizations';
    const srv = await serve({ fixture: name, jwks: `${name}-jwks`, issuerPath: `/${tenant}/v2.0` });
    const report = await check({ issuer: srv.issuer, provider: 'azure' });
    const placeholder = findingOf(report, MULTI_TENANT_PLACEHOLDER);
    expect(placeholder.status).toBe('fail');
    expect(placeholder.summary).toBe(
      `The discovery document's issuer "${srv.origin}/{tenantid}/v2.0" contains the placeholder {tenantid}: this is a multi-tenant (common/organizations/consumers) document, and tokens never carry that issuer`,
    );
    expect(placeholder.fix).toMatch(/^Use your own tenant: https:\/\/login\.microsoftonline\.com\/<tenant-id>\/v2\.0 \(Entra admin center › Overview › Tenant ID\)/);
    const echo = findingOf(report, ISSUER_ECHO);
    expect(echo.status).toBe('fail');
    expect(echo.summary).toContain(`expected "${srv.origin}/${tenant}/v2.0" but the document says "${srv.origin}/{tenantid}/v2.0"`);
    expect(echo.summary).toContain("the document's issuer contains the placeholder {tenantid}, not a real tenant");
    expect(blockingFailures(report).map((f) => f.id)).toEqual([MULTI_TENANT_PLACEHOLDER, ISSUER_ECHO]);
    expect(renderIssuerFailure(report)).toEqual({ message: `${placeholder.summary}.`, hint: placeholder.fix });
  });
});

describe('Cognito', () => {
  test('pool with a domain, pre-registered client: PKCE, registration, auth methods and scopes warn; nothing blocks', async () => {
    const srv = await serve({ fixture: 'cognito-userpool-with-domain' });
    const report = await check({ issuer: srv.issuer, provider: 'cognito', preRegisteredClient: true });
    expect(findingOf(report, PKCE)).toMatchObject({ status: 'warn', fix: expect.stringMatching(/^Cognito accepts S256 but doesn't advertise it/) });
    // doctor on a Cognito issuer recommends the façade, and the façade satisfies the check.
    expect(findingOf(report, PKCE).fix).toMatch(/use the façade sign-in \(create or auth with --sign-in facade\).*"code_challenge_methods_supported": \["S256"\].*\(the default for Cognito\)$/);
    const facade = await check({ issuer: srv.issuer, provider: 'cognito', preRegisteredClient: true, signIn: 'facade' });
    expect(findingOf(facade, PKCE)).toMatchObject({ status: 'pass', summary: 'Cognito lists no code_challenge_methods_supported; the façade sign-in publishes ["S256"] for it' });
    expect(findingOf(facade, SIGN_IN_FACADE).status).toBe('pass');
    expect(findingOf(facade, SCOPES).status).toBe('pass');
    expect(blockingFailures(facade)).toEqual([]);
    expect(findingOf(report, REGISTRATION)).toMatchObject({
      status: 'warn',
      summary: 'Cognito offers no client registration (no registration_endpoint, no Client ID Metadata Document support): MCP clients must be given the pre-registered client',
      fix: expect.stringContaining('Amazon Cognito › User pools › your pool › App integration › App clients'),
    });
    expect(findingOf(report, TOKEN_AUTH_METHODS)).toMatchObject({ status: 'warn', fix: expect.stringMatching(/^Cognito supports only client secrets/) });
    expect(findingOf(report, SCOPES)).toMatchObject({
      status: 'warn',
      summary: expect.stringContaining('(phone)'),
      fix: expect.stringContaining('OpenID Connect scopes'),
    });
    expect(findingOf(report, REQUIRED_FIELDS).status).toBe('pass');
    expect(findingOf(report, ENDPOINT_URLS).status).toBe('pass');
    expect(report.ok).toBe(true);
  });

  test('pool without a domain: required fields fail on token_endpoint with the "create a Cognito domain" fix', async () => {
    const srv = await serve({ fixture: 'cognito-userpool-no-domain', jwks: 'cognito-userpool-no-domain-jwks' });
    const report = await check({ issuer: srv.issuer, provider: 'cognito', preRegisteredClient: true });
    const f = findingOf(report, REQUIRED_FIELDS);
    expect(f.status).toBe('fail');
    expect(f.summary).toBe(`The discovery document at ${srv.issuer}/.well-known/openid-configuration has no token_endpoint`);
    expect(f.fix).toBe(
      'Create a Cognito domain for the user pool (Amazon Cognito › User pools › your pool › App integration › Domain); the authorize and token endpoints live on that domain',
    );
    expect(findingOf(report, PKCE).status).toBe('warn');
    expect(findingOf(report, REGISTRATION).status).toBe('warn');
    expect(findingOf(report, JWKS_KIDS)).toMatchObject({ status: 'pass', details: [expect.stringContaining('never URL-decode')] });
    expect(blockingFailures(report).map((x) => x.id)).toEqual([REQUIRED_FIELDS]);
    expect(renderIssuerFailure(report)).toEqual({ message: `${f.summary}.`, hint: f.fix });
  });
});

describe('Keycloak', () => {
  test('realm published on an internal http host: endpoints flagged, enc key ignored, RS256 key usable', async () => {
    const srv = await serve({ fixture: 'keycloak-realm-http', jwks: 'keycloak-realm-http-jwks', rewriteOnly: ['issuer', 'jwks_uri'] });
    const report = await check({ issuer: srv.issuer, provider: 'oidc' });
    const endpoints = findingOf(report, ENDPOINT_URLS);
    expect(endpoints.status).toBe('fail');
    expect(endpoints.summary).toBe(
      "10 endpoint URL(s) can't be used by browsers or MCP clients: authorization_endpoint http://docker-rp-1:8080/realms/demorealm/protocol/openid-connect/auth (plain http on a non-local host; internal hostname docker-rp-1), and 9 more",
    );
    expect(endpoints.details).toContain(
      'token_endpoint http://docker-rp-1:8080/realms/demorealm/protocol/openid-connect/token (plain http on a non-local host; internal hostname docker-rp-1)',
    );
    expect(endpoints.fix).toContain('--hostname=https://sso.example.com');
    const keys = findingOf(report, JWKS_SIGNING_KEYS);
    expect(keys).toMatchObject({ status: 'pass', summary: '1 of 2 key(s) can verify tokens (RS256)' });
    expect(keys.details).toEqual(['kid EWGWeiW8jqUC_T7Fawi5ecRbrDOanB_uqtTgAOgJDPk: use "enc": an encryption key, not for signatures']);
    expect(report.jwks?.usable).toBe(1);
    expect(report.jwks?.ignored).toEqual([{ kid: 'EWGWeiW8jqUC_T7Fawi5ecRbrDOanB_uqtTgAOgJDPk', reason: 'use "enc": an encryption key, not for signatures' }]);
    // Endpoint hygiene is serious but does not stop `create`.
    expect(blockingFailures(report)).toEqual([]);
    expect(report.ok).toBe(false);
  });

  test('the realm as published (http://docker-rp-1:8080/...) fails issuer syntax with the Keycloak hostname fix', () => {
    // Checked offline: the tests never resolve docker-rp-1.
    const issuer = 'http://docker-rp-1:8080/realms/demorealm';
    const findings = runChecks({ input: { issuer, timeoutMs: 1000 }, flavor: 'keycloak', syntax: parseIssuer(issuer) });
    const f = findingOf(findings, ISSUER_URL);
    expect(f.status).toBe('fail');
    expect(f.summary).toBe('The issuer http://docker-rp-1:8080/realms/demorealm uses plain http on docker-rp-1:8080; only localhost, 127.0.0.1 and [::1] may use http');
    expect(f.fix).toContain('--hostname=https://<public host>');
  });

  test('master realm on localhost passes every blocking check', async () => {
    const srv = await serve({ fixture: 'keycloak-master-localhost', jwks: 'keycloak-master-localhost-jwks' });
    const report = await check({ issuer: srv.issuer });
    expect(blockingFailures(report)).toEqual([]);
    expect(report.jwks?.usable).toBe(1);
    expect(findingOf(report, PKCE).status).toBe('pass');
  });

  test('a Keycloak that sends iss in authorization responses (RFC 9207) cannot sit behind the façade', async () => {
    const srv = await serve({ fixture: 'keycloak-master-localhost', jwks: 'keycloak-master-localhost-jwks' });
    // Keycloak 22 and later publish this; hosts compare the response's iss with the façade's issuer.
    srv.document['authorization_response_iss_parameter_supported'] = true;
    const direct = await check({ issuer: srv.issuer });
    expect(findingOf(direct, SIGN_IN_FACADE).status).toBe('skip');
    const facade = await check({ issuer: srv.issuer, signIn: 'facade' });
    expect(findingOf(facade, SIGN_IN_FACADE)).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining('sends iss in its authorization responses (authorization_response_iss_parameter_supported: true, RFC 9207)'),
      fix: expect.stringMatching(/^Use --sign-in direct: .*--sign-in broker/),
    });
    expect(blockingFailures(facade).map((finding) => finding.id)).toEqual([SIGN_IN_FACADE]);
  });

  // The advice follows the sign-in modes the provider module offers: the keycloak provider has no broker.
  test('--provider keycloak: the façade refusal recommends direct and never broker', async () => {
    const srv = await serve({ fixture: 'keycloak-master-localhost', jwks: 'keycloak-master-localhost-jwks' });
    srv.document['authorization_response_iss_parameter_supported'] = true;
    const facade = await check({ issuer: srv.issuer, provider: 'keycloak', signIn: 'facade' });
    const finding = findingOf(facade, SIGN_IN_FACADE);
    expect(finding).toMatchObject({
      status: 'fail',
      fix: 'Use --sign-in direct: Keycloak already publishes code_challenge_methods_supported with S256, which is what the façade would add, and a registration_endpoint hosts can register with',
    });
    // Without S256 (not Keycloak's default) direct still is the only way: enable it.
    delete srv.document['code_challenge_methods_supported'];
    const bare = findingOf(await check({ issuer: srv.issuer, provider: 'keycloak', signIn: 'facade' }), SIGN_IN_FACADE);
    expect(bare.fix).toBe(
      "Enable PKCE with S256 in Keycloak's metadata (code_challenge_methods_supported), which hosts require, and use --sign-in direct (the keycloak provider has no broker sign-in)",
    );
    for (const fix of [finding.fix, bare.fix]) expect(fix).not.toContain('broker (');
    // The same document under oidc, which offers a broker, names both.
    const oidc = findingOf(await check({ issuer: srv.issuer, provider: 'oidc', signIn: 'facade' }), SIGN_IN_FACADE);
    expect(oidc.fix).toBe('Use --sign-in broker (the server as its own authorization server, sending its own iss), or enable S256 in the provider’s metadata and use --sign-in direct');
  });
});

describe('Google and AD FS', () => {
  test('Google: no registration and no pre-registered client fails registration (not blocking)', async () => {
    const srv = await serve({ fixture: 'google-accounts', jwks: 'google-accounts-jwks' });
    const report = await check({ issuer: srv.issuer });
    expect(statuses(report)).toMatchObject({ [ISSUER_ECHO]: 'pass', [PKCE]: 'pass', [REGISTRATION]: 'fail', [TOKEN_AUTH_METHODS]: 'warn' });
    expect(findingOf(report, REGISTRATION).summary).toBe(
      'The authorization server offers no client registration (no registration_endpoint, no Client ID Metadata Document support), and no pre-registered client is configured',
    );
    expect(blockingFailures(report)).toEqual([]);
  });

  test('AD FS publishes its issuer with an upper-case host: echo fails on letter case', async () => {
    const srv = await serve({ hostname: 'localhost', fixture: 'adfs-server', wellKnown: ['oidc'] });
    srv.document['issuer'] = `http://LOCALHOST:${new URL(srv.origin).port}/adfs`;
    const report = await check({ issuer: `${srv.origin}/adfs` });
    const f = findingOf(report, ISSUER_ECHO);
    expect(f.status).toBe('fail');
    expect(f.summary).toContain('(they differ only in letter case)');
    expect(f.fix).toBe(`Use the issuer exactly as the server spells it: "http://LOCALHOST:${new URL(srv.origin).port}/adfs" (letter case included)`);
  });
});

describe('broker sign-in (signin.broker)', () => {
  test('Auth0, Okta, Entra ID and Cognito with a domain: the code flow and client secrets are there, nothing blocks', async () => {
    for (const [fixture, jwks, provider, method] of [
      ['auth0-tenant', 'auth0-tenant-jwks', 'auth0', 'client_secret_basic or client_secret_post'],
      ['okta-custom-as-default', 'okta-custom-as-default-jwks', 'okta', 'client_secret_basic or client_secret_post'],
      ['entra-v2-tenant', 'entra-v2-tenant-jwks', 'azure', 'client_secret_basic or client_secret_post'],
      ['cognito-userpool-with-domain', undefined, 'cognito', 'client_secret_basic or client_secret_post'],
    ] as const) {
      const srv = await serve({ fixture, ...(jwks ? { jwks } : {}) });
      const report = await check({ issuer: srv.issuer, provider, signIn: 'broker' });
      expect(findingOf(report, SIGN_IN_BROKER), fixture).toMatchObject({ status: 'pass', summary: expect.stringContaining(`client secret authentication (${method}) at its token endpoint`) });
      expect(findingOf(report, SIGN_IN_FACADE).status).toBe('skip');
      // Hosts register with the broker and see its S256: what the provider lacks there does not matter.
      expect(statuses(report), fixture).toMatchObject({ [PKCE]: 'pass', [REGISTRATION]: 'pass', [TOKEN_AUTH_METHODS]: 'pass', [SCOPES]: 'pass' });
      expect(blockingFailures(report), fixture).toEqual([]);
    }
  });

  test('another sign-in: skipped', async () => {
    const srv = await serve({ fixture: 'auth0-tenant', jwks: 'auth0-tenant-jwks' });
    for (const signIn of [undefined, 'direct', 'facade'] as const) {
      const report = await check({ issuer: srv.issuer, provider: 'auth0', ...(signIn ? { signIn } : {}) });
      expect(findingOf(report, SIGN_IN_BROKER)).toMatchObject({ status: 'skip', summary: 'Skipped: not the broker sign-in' });
    }
  });

  test('a Cognito pool without a domain has no token endpoint: blocking, with the domain fix', async () => {
    const srv = await serve({ fixture: 'cognito-userpool-no-domain', jwks: 'cognito-userpool-no-domain-jwks' });
    const report = await check({ issuer: srv.issuer, provider: 'cognito', signIn: 'broker' });
    const f = findingOf(report, SIGN_IN_BROKER);
    expect(f).toMatchObject({
      status: 'fail',
      summary: "Cognito's metadata has no token_endpoint, where the broker redeems codes with its client secret, so it cannot sign users in for the broker sign-in",
      fix: expect.stringMatching(/^Create a Cognito domain for the user pool/),
    });
    expect(f.details).toEqual([expect.stringMatching(/^Cognito's metadata has no token_endpoint, .*: create a Cognito domain/)]);
    expect(blockingFailures(report).map((x) => x.id)).toEqual([REQUIRED_FIELDS, SIGN_IN_BROKER]);
  });

  test('no authorization endpoint, no code flow, no authorization_code grant: each named on its own line with its fix', async () => {
    const srv = await serve({ fixture: 'google-accounts', jwks: 'google-accounts-jwks' });
    delete srv.document['authorization_endpoint'];
    srv.document['response_types_supported'] = ['id_token', 'token id_token'];
    srv.document['grant_types_supported'] = ['refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'];
    const report = await check({ issuer: srv.issuer, signIn: 'broker' });
    const f = findingOf(report, SIGN_IN_BROKER);
    expect(f.status).toBe('fail');
    expect(f.summary).toBe("The authorization server's metadata has no authorization_endpoint, where the broker sends users to sign in (and 2 more problems), so it cannot sign users in for the broker sign-in");
    expect(f.details).toEqual([
      "The authorization server's metadata has no authorization_endpoint, where the broker sends users to sign in: use the issuer of an OAuth 2.0 authorization server whose discovery document lists both the authorization and the token endpoint",
      'response_types_supported is ["id_token","token id_token"], without "code": the broker uses the authorization code flow: enable the authorization code flow (response type code) at the authorization server',
      'grant_types_supported is ["refresh_token","urn:ietf:params:oauth:grant-type:device_code"], without "authorization_code": the broker redeems authorization codes: allow the authorization_code grant at the authorization server',
    ]);
    expect(blockingFailures(report).map((x) => x.id)).toContain(SIGN_IN_BROKER);
    for (const line of [f.summary!, ...f.details, f.fix!]) expect(line).not.toContain('\n');
  });

  test('a token endpoint without client secret authentication fails; an absent list means client_secret_basic (RFC 8414)', async () => {
    const srv = await serve({ fixture: 'workos-authkit' });
    srv.document['token_endpoint_auth_methods_supported'] = ['none', 'private_key_jwt'];
    const refused = await check({ issuer: srv.issuer, provider: 'workos', signIn: 'broker' });
    expect(findingOf(refused, SIGN_IN_BROKER)).toMatchObject({
      status: 'fail',
      summary: 'token_endpoint_auth_methods_supported is ["none","private_key_jwt"], with neither client_secret_basic nor client_secret_post: the broker authenticates with its client secret, so it cannot sign users in for the broker sign-in',
      fix: "Enable client secret authentication at WorkOS AuthKit's token endpoint, or use --sign-in direct or facade",
    });
    expect(blockingFailures(refused).map((x) => x.id)).toEqual([SIGN_IN_BROKER]);
    delete srv.document['token_endpoint_auth_methods_supported'];
    const absent = await check({ issuer: srv.issuer, provider: 'workos', signIn: 'broker' });
    expect(findingOf(absent, SIGN_IN_BROKER)).toMatchObject({ status: 'pass', summary: expect.stringContaining('client_secret_basic (no token_endpoint_auth_methods_supported: the RFC 8414 default)') });
  });
});
