/**
 * The metadata server checks (AUTH-FACTS 26–30) on synthetic contexts whose authorization server
 * metadata is a real provider's document from test/fixtures/discovery: Auth0's trailing
 * slash, Entra's unqualified scopes, Okta's mirror, Google's slash-less issuer.
 */
import { describe, expect, test } from 'vitest';
import { asMirrorCheck, prmAuthorizationServersCheck, prmReachableCheck, prmResourceCheck, prmScopesCheck } from '../../../src/doctor/server/checks-prm.js';
import { fixture } from '../../helpers/issuer-server.js';
import { MCP, PRM_URL, ROOT_PRM_URL, docProbe, goodServer, probe, tool, withPrm } from './server-fixtures.js';

const AUTH0 = 'https://dev-ltxchcls4igzho78.us.auth0.com/';
const prm = (over: Record<string, unknown> = {}) => ({ resource: MCP, authorization_servers: [AUTH0], scopes_supported: ['mcp:tools'], ...over });

describe('server.prm-reachable (26)', () => {
  test('served at the challenge URL, the path-aware URL and the root: pass', () => {
    expect(prmReachableCheck.run(goodServer())).toMatchObject({ status: 'pass', summary: `The metadata is served at ${PRM_URL} and ${ROOT_PRM_URL}` });
  });
  test('the SDK finds nothing: fail with its message and where to serve it', () => {
    const ctx = goodServer();
    ctx.prm = { challengeUrl: PRM_URL, challenge: docProbe(PRM_URL, undefined, 404), insertion: docProbe(PRM_URL, undefined, 404), root: docProbe(ROOT_PRM_URL, undefined, 404), sdk: { error: 'Resource server does not implement OAuth 2.0 Protected Resource Metadata.' } };
    expect(prmReachableCheck.run(ctx)).toMatchObject({
      status: 'fail',
      summary: `MCP clients can't load the protected resource metadata for ${MCP}: Resource server does not implement OAuth 2.0 Protected Resource Metadata.`,
      fix: `Serve the metadata (GET, no authentication, Access-Control-Allow-Origin: *) at ${PRM_URL} and ${ROOT_PRM_URL}, and point the 401's resource_metadata at it (SDK: mcpAuthMetadataRouter + getOAuthProtectedResourceMetadataUrl)`,
    });
  });
  test('only at the root (no path-aware document): warn', () => {
    const ctx = goodServer();
    ctx.prm = { challengeUrl: ROOT_PRM_URL, challenge: docProbe(ROOT_PRM_URL, prm()), insertion: docProbe(PRM_URL, undefined, 404), root: docProbe(ROOT_PRM_URL, prm()), sdk: { doc: prm() } };
    expect(prmReachableCheck.run(ctx)).toMatchObject({ status: 'warn', summary: `The protected resource metadata is incomplete: nothing at the path-aware URL ${PRM_URL}, which MCP 2025-11-25 clients try first` });
  });
  test('path-aware and root documents differ: warn', () => {
    const ctx = goodServer();
    ctx.prm.root = docProbe(ROOT_PRM_URL, prm({ resource: 'https://mcp.example.com/' }));
    expect(prmReachableCheck.run(ctx).summary).toBe(`The protected resource metadata is incomplete: the documents at ${PRM_URL} and ${ROOT_PRM_URL} differ`);
  });
});

describe('server.prm-resource (27)', () => {
  test('byte-identical: pass', () => expect(prmResourceCheck.run(goodServer()).summary).toBe(`"resource" is exactly ${MCP}`));
  test('a trailing slash added: fail, the TS SDK refuses it (path prefix /mcp/ is longer)', () => {
    const ctx = { ...withPrm(goodServer(), prm({ resource: `${MCP}/` })), resourceSelection: { accepted: false, error: `Protected resource ${MCP}/ does not match expected ${MCP} (or origin)` } };
    const finding = prmResourceCheck.run(ctx);
    expect(finding).toMatchObject({
      status: 'fail',
      summary: `The metadata's resource is "${MCP}/" but the MCP URL is "${MCP}" (only a trailing "/" differs: resource has one, the MCP URL does not); clients require them to be identical (RFC 9728 §3.3)`,
      fix: `Publish "resource": "${MCP}" exactly: the URL users enter`,
    });
    expect(finding.details).toEqual([`MCP URL  "${MCP}"`, `resource "${MCP}/"`, `${' '.repeat(9 + 1 + MCP.length)}^ only a trailing "/" differs: resource has one, MCP URL does not`, `The MCP TS SDK refuses it: Protected resource ${MCP}/ does not match expected ${MCP} (or origin)`]);
  });
  test('the bare origin (new URL(origin).href): fail with that fix', () => {
    const ctx = withPrm(goodServer(), prm({ resource: 'https://mcp.example.com/' }));
    expect(prmResourceCheck.run(ctx).fix).toBe(`Set "resource" to "${MCP}" as a string, not new URL(...).href of a bare origin (it adds a trailing slash and drops the path)`);
  });
  test('in a generated project: the fix names MCP_RESOURCE_URL', () => {
    const ctx = withPrm(goodServer(), prm({ resource: 'https://other.example.com/mcp' }));
    ctx.expect = { ...ctx.expect, generated: true };
    expect(prmResourceCheck.run(ctx).fix).toBe(`Set MCP_RESOURCE_URL=${MCP} (it is published verbatim as "resource")`);
  });
  test('the user typed another URL than the server is configured for: connect with the configured one', () => {
    const ctx = withPrm(goodServer(), prm({ resource: 'https://mcp.example.com/api/mcp' }));
    ctx.expect = { ...ctx.expect, resource: 'https://mcp.example.com/api/mcp' };
    expect(prmResourceCheck.run(ctx).fix).toBe(`Connect with https://mcp.example.com/api/mcp, the URL the server is configured for, or reconfigure the server for ${MCP}`);
  });
  test('no resource: fail', () => {
    expect(prmResourceCheck.run(withPrm(goodServer(), { authorization_servers: [AUTH0] })).summary).toBe('The protected resource metadata has no "resource" string; clients must reject it (RFC 9728 §3.3)');
  });
});

describe('server.prm-authorization-servers (28)', () => {
  test('Auth0: the entry is exactly the issuer with its slash: pass', () => {
    expect(prmAuthorizationServersCheck.run(goodServer('auth0-tenant'))).toMatchObject({ status: 'pass', summary: `authorization_servers[0] "${AUTH0}" is exactly the issuer its metadata names` });
  });
  test("Auth0 without the trailing slash: fail with Auth0's fix", () => {
    const ctx = withPrm(goodServer('auth0-tenant'), prm({ authorization_servers: [AUTH0.slice(0, -1)] }));
    ctx.authServer = { url: AUTH0.slice(0, -1), doc: fixture('auth0-tenant') };
    expect(prmAuthorizationServersCheck.run(ctx)).toEqual({
      id: 'server.prm-authorization-servers',
      title: 'Resource metadata names the issuer exactly',
      status: 'fail',
      summary: `authorization_servers[0] is "${AUTH0.slice(0, -1)}" but that server's metadata says issuer "${AUTH0}" (only a trailing "/" differs: the issuer has one, the entry does not); strict clients refuse it (the MCP TS SDK client 2.4.0, Copilot CLI 1.0.80 and later)`,
      details: [
        `authorization_servers[0] "${AUTH0.slice(0, -1)}"`,
        `${'issuer'.padEnd(24)} "${AUTH0}"`,
        `${' '.repeat(25 + AUTH0.length)}^ only a trailing "/" differs: issuer has one, authorization_servers[0] does not`,
      ],
      fix: `Auth0 issues https://{domain}/ with a trailing slash: publish "authorization_servers": ["${AUTH0}"] byte for byte`,
    });
  });
  test('Google with a slash its issuer lacks: fail, copy the issuer verbatim', () => {
    const ctx = withPrm(goodServer('google-accounts'), prm({ authorization_servers: ['https://accounts.google.com/'] }));
    ctx.authServer = { url: 'https://accounts.google.com/', doc: fixture('google-accounts') };
    expect(prmAuthorizationServersCheck.run(ctx).fix).toBe('Copy the issuer from the authorization server\'s metadata verbatim: publish "authorization_servers": ["https://accounts.google.com"] byte for byte');
  });
  test('Entra multi-tenant placeholder issuer: fail', () => {
    const entry = 'https://login.microsoftonline.com/common/v2.0';
    const ctx = withPrm(goodServer('entra-v2-common'), prm({ authorization_servers: [entry] }));
    ctx.authServer = { url: entry, doc: fixture('entra-v2-common') };
    expect(prmAuthorizationServersCheck.run(ctx).summary).toBe(`authorization_servers[0] is "${entry}" but that server's metadata says issuer "https://login.microsoftonline.com/{tenantid}/v2.0" (they first differ at character 35); strict clients refuse it (the MCP TS SDK client 2.4.0, Copilot CLI 1.0.80 and later)`);
  });
  test('exact but not the configured issuer (Okta org vs custom server): fail', () => {
    const org = String(fixture('okta-org-as')['issuer']);
    const ctx = withPrm(goodServer('okta-org-as'), prm({ authorization_servers: [org] }));
    ctx.expect = { flavor: 'okta', issuer: `${org}/oauth2/default` };
    expect(prmAuthorizationServersCheck.run(ctx)).toMatchObject({ status: 'fail', summary: `authorization_servers[0] is "${org}", but the configured issuer is "${org}/oauth2/default" (they first differ at character ${org.length + 1})` });
  });
  test('the authorization server cannot be loaded: fail with the SDK message', () => {
    const ctx = goodServer();
    ctx.authServer = { url: AUTH0, error: `HTTP 500 trying to load OAuth metadata from ${AUTH0}.well-known/oauth-authorization-server` };
    expect(prmAuthorizationServersCheck.run(ctx)).toMatchObject({ status: 'fail', fix: `Name the issuer exactly as its discovery document does, and check it with: npx create-fastapps doctor ${AUTH0}` });
  });
  test('none listed: fail', () => {
    expect(prmAuthorizationServersCheck.run(withPrm(goodServer(), { resource: MCP })).summary).toBe('The protected resource metadata names no authorization_servers, so clients can’t find where to sign in');
  });
});

describe('server.prm-scopes (29)', () => {
  test('missing: warn with the scopes to advertise', () => {
    expect(prmScopesCheck.run(withPrm(goodServer(), prm({ scopes_supported: undefined })))).toMatchObject({ status: 'warn', fix: 'Advertise exactly the scopes your tools need: "scopes_supported": ["mcp:tools"]' });
  });
  test('offline_access and an omnibus scope: warn', () => {
    const finding = prmScopesCheck.run(withPrm(goodServer(), prm({ scopes_supported: ['mcp:tools', 'offline_access', '*'] })));
    expect(finding.summary).toBe('Protected resource metadata scopes: it advertises offline_access (MCP 2026-07-28: a resource SHOULD NOT)');
    expect(finding.details).toContain('it advertises the omnibus scope *; advertise the minimal set');
  });
  test('the challenge and a tool ask for a scope the metadata lacks: warn', () => {
    const ctx = { ...withPrm(goodServer(), prm({ scopes_supported: ['read'] })), tools: { auth: 'token' as const, list: [tool('whoami', [{ type: 'oauth2', scopes: ['mcp:tools'] }])], exchange: { method: 'tools/list' } } };
    const finding = prmScopesCheck.run(ctx);
    expect(finding.details).toEqual(['scopes_supported: read', 'the 401 asks for mcp:tools, which scopes_supported lacks', 'tool whoami declares mcp:tools, which scopes_supported lacks', 'the configured scopes mcp:tools are not advertised']);
  });
  test('Entra scopes without the Application ID URI: warn (AADSTS650053)', () => {
    const ctx = { ...withPrm(goodServer('entra-v2-tenant'), prm({ scopes_supported: ['mcp.tools'] })), anonymous: probe(401, { 'www-authenticate': `Bearer resource_metadata="${PRM_URL}", scope="mcp.tools"` }) };
    ctx.expect = { flavor: 'azure', scopes: ['mcp.tools'] };
    expect(prmScopesCheck.run(ctx).summary).toBe('Protected resource metadata scopes: Entra scopes must be requested fully qualified ({Application ID URI}/{scope}); mcp.tools would be resolved against Microsoft Graph (AADSTS650053)');
  });
  test('bearer_methods_supported with query: warn', () => {
    expect(prmScopesCheck.run(withPrm(goodServer(), prm({ bearer_methods_supported: ['header', 'query'] }))).summary).toBe('Protected resource metadata scopes: bearer_methods_supported is ["header","query"]; it should be ["header"]');
  });
});

describe('server.as-mirror (30)', () => {
  const MIRROR = 'https://mcp.example.com/.well-known/oauth-authorization-server';
  test('none: pass', () => expect(asMirrorCheck.run(goodServer()).summary).toBe(`No authorization server metadata at ${MIRROR} (none needed: clients follow authorization_servers)`));
  test("a faithful mirror of Okta's custom server: pass", () => {
    const okta = fixture('okta-custom-as-default');
    const ctx = { ...goodServer('okta-custom-as-default'), asMirror: docProbe(MIRROR, okta) };
    expect(asMirrorCheck.run(ctx).status).toBe('pass');
  });
  test('a stale hand-written mirror (another token endpoint, no PKCE): warn listing the fields', () => {
    const okta = fixture('okta-custom-as-default');
    const stale = { ...okta, token_endpoint: 'https://old.example.com/token', code_challenge_methods_supported: undefined };
    const ctx = { ...goodServer('okta-custom-as-default'), asMirror: docProbe(MIRROR, stale) };
    const finding = asMirrorCheck.run(ctx);
    expect(finding.status).toBe('warn');
    expect(finding.details).toEqual([
      `token_endpoint: mirror "https://old.example.com/token", authorization server ${JSON.stringify(okta['token_endpoint'])}`,
      `code_challenge_methods_supported: mirror null, authorization server ${JSON.stringify(okta['code_challenge_methods_supported'])}`,
    ]);
    expect(finding.fix).toBe('Build the mirror from the live metadata at start (SDK: mcpAuthMetadataRouter({ oauthMetadata }) with the fetched document), or stop serving it; never hand-write it');
  });
});
