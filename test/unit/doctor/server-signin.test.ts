/**
 * `server.sign-in` on synthetic contexts: a provider's own metadata (Auth0 lists S256; Entra and
 * Cognito do not), a façade on the MCP origin over Entra, with its pass-through endpoints
 * answering, missing, or unable to reach the provider, and a broker (the MCP origin as its own
 * authorization server, with its own keys), complete or missing what hosts need of it.
 */
import { describe, expect, test } from 'vitest';
import { detectedSignIn, signInCheck } from '../../../src/doctor/server/checks-signin.js';
import { prmAuthorizationServersCheck } from '../../../src/doctor/server/checks-prm.js';
import type { ServerContext } from '../../../src/doctor/server/context.js';
import { fixture } from '../../helpers/issuer-server.js';
import { MCP, goodServer, probe, refused, withPrm } from './server-fixtures.js';

const ORIGIN = 'https://mcp.example.com';

/** A façade over Entra's real tenant document, as the generated server publishes it. */
function facadeServer(facade: ServerContext['facade'] = {
  authorize: probe(400, { 'content-type': 'text/plain' }, 'Invalid authorization request', `${ORIGIN}/oauth/authorize`),
  token: probe(400, { 'content-type': 'application/json' }, '{"error":"invalid_grant","error_description":"AADSTS54005: the authorization code is not valid."}', `${ORIGIN}/oauth/token`),
}): ServerContext {
  const entra = fixture('entra-v2-tenant');
  const doc = {
    issuer: ORIGIN,
    authorization_endpoint: `${ORIGIN}/oauth/authorize`,
    token_endpoint: `${ORIGIN}/oauth/token`,
    jwks_uri: entra['jwks_uri'],
    response_types_supported: ['code'],
    code_challenge_methods_supported: ['S256'],
    scopes_supported: ['api://6f2a1e4b-8c3d-4e5f-9a0b-1c2d3e4f5a6b/mcp.tools'],
  };
  return { ...goodServer('entra-v2-tenant'), authServer: { url: ORIGIN, doc }, ...(facade ? { facade } : {}), expect: { flavor: 'azure', generated: true } };
}

describe('server.sign-in', () => {
  test('a provider that lists S256 (Auth0): pass, naming the hosts and how they register', () => {
    expect(signInCheck.run(goodServer())).toMatchObject({
      status: 'pass',
      summary: 'https://dev-ltxchcls4igzho78.us.auth0.com/ lists S256; how hosts register: ChatGPT, claude.ai and Claude Desktop, Claude Code, VS Code, Cursor by dynamic client registration',
    });
  });

  describe('how each host registers, only as CLIENTS.md says', () => {
    const withDoc = (doc: Record<string, unknown>) => {
      const ctx = goodServer();
      return { ...ctx, authServer: { url: ctx.authServer!.url, doc: { ...ctx.authServer!.doc!, ...doc } } };
    };
    const summary = (doc: Record<string, unknown>) => String(signInCheck.run(withDoc(doc)).summary).replace(/^.* lists S256; /, '');

    test('CIMD with "none": ChatGPT and claude.ai use it; no CIMD is claimed for Claude Code, VS Code or Cursor, which use DCR', () => {
      expect(summary({ client_id_metadata_document_supported: true, token_endpoint_auth_methods_supported: ['none', 'client_secret_post'] })).toBe(
        'how hosts register: ChatGPT, claude.ai and Claude Desktop with their client metadata documents (CIMD); Claude Code, VS Code, Cursor by dynamic client registration',
      );
    });

    test('CIMD without "none": only ChatGPT uses it, claude.ai registers dynamically, and the reason is named', () => {
      expect(summary({ client_id_metadata_document_supported: true, token_endpoint_auth_methods_supported: ['client_secret_basic', 'private_key_jwt'] })).toBe(
        'how hosts register: ChatGPT with its client metadata document (CIMD); claude.ai and Claude Desktop, Claude Code, VS Code, Cursor by dynamic client registration (claude.ai and Claude Desktop use CIMD only when token_endpoint_auth_methods_supported lists none)',
      );
    });

    test('CIMD alone, without "none": claude.ai needs a client by hand, and nothing is claimed for the hosts CLIENTS.md says nothing about', () => {
      expect(summary({ client_id_metadata_document_supported: true, registration_endpoint: undefined, token_endpoint_auth_methods_supported: ['client_secret_basic'] })).toBe(
        'how hosts register: ChatGPT with its client metadata document (CIMD); claude.ai and Claude Desktop with a client registered by hand at the provider; not known for Claude Code, VS Code, Cursor (claude.ai and Claude Desktop use CIMD only when token_endpoint_auth_methods_supported lists none)',
      );
    });
  });

  test.each(['entra-v2-tenant', 'cognito-userpool-with-domain'])('%s in direct sign-in: fail, naming the hosts that refuse and the façade', (name) => {
    const ctx = { ...goodServer(name), expect: { flavor: 'generic' as const, generated: true } };
    expect(signInCheck.run(ctx)).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining('lists no S256 in code_challenge_methods_supported, so ChatGPT, claude.ai and Claude Desktop, Claude Code refuse to sign in (ChatGPT already when the connector is created)'),
      fix: 'Use the façade sign-in, which publishes S256 over the provider: npx create-fastapps auth --sign-in facade, then restart the server',
    });
  });

  test('a façade whose pass-through endpoints answer: pass', () => {
    const finding = signInCheck.run(facadeServer());
    expect(finding).toMatchObject({ status: 'pass', summary: expect.stringMatching(/^A façade: https:\/\/mcp\.example\.com echoes its own issuer and lists S256 over the provider's endpoints, and its pass-through endpoints answer; how hosts register: ChatGPT, claude.ai and Claude Desktop, Claude Code, VS Code, Cursor with a client registered by hand at the provider$/) });
    expect(finding.details[0]).toBe('authorization server: https://mcp.example.com (a façade over https://login.microsoftonline.com)');
  });

  test('a façade that cannot reach the provider: fail with the relay\'s reason', () => {
    const ctx = facadeServer({ token: probe(502, { 'content-type': 'application/json' }, '{"error":"temporarily_unavailable","error_description":"Microsoft Entra ID\'s token endpoint could not be reached (ECONNREFUSED); try again."}', `${ORIGIN}/oauth/token`) });
    expect(signInCheck.run(ctx)).toMatchObject({ status: 'fail', summary: expect.stringContaining(`its token endpoint ${ORIGIN}/oauth/token could not relay a token request to the provider (HTTP 502: {"error":"temporarily_unavailable"`) });
  });

  test('a façade whose pass-through is not mounted, or not answering: fail', () => {
    expect(signInCheck.run(facadeServer({ authorize: probe(404, {}, 'Cannot GET', `${ORIGIN}/oauth/authorize`) }))).toMatchObject({ status: 'fail', summary: expect.stringContaining('answers HTTP 404: the pass-through is not mounted') });
    expect(signInCheck.run(facadeServer({ token: refused(`${ORIGIN}/oauth/token`) }))).toMatchObject({ status: 'fail', summary: expect.stringContaining('its token endpoint https://mcp.example.com/oauth/token did not answer') });
  });

  test('a façade that promises RFC 9207 iss: fail (the iss comes from the provider)', () => {
    const ctx = facadeServer();
    ctx.authServer!.doc!['authorization_response_iss_parameter_supported'] = true;
    expect(signInCheck.run(ctx)).toMatchObject({ status: 'fail', summary: expect.stringContaining('hosts will refuse every sign-in') });
  });
});

/** A broker on the MCP origin, as the generated server publishes it (its own keys, DCR and CIMD, RFC 9207 iss). */
function brokerServer(doc: Record<string, unknown> = {}, expect: ServerContext['expect'] = { flavor: 'auth0', generated: true, signIn: 'broker', hostIssuer: ORIGIN }): ServerContext {
  const metadata = {
    issuer: ORIGIN,
    authorization_endpoint: `${ORIGIN}/oauth/authorize`,
    token_endpoint: `${ORIGIN}/oauth/token`,
    registration_endpoint: `${ORIGIN}/oauth/register`,
    jwks_uri: `${ORIGIN}/oauth/jwks`,
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['none', 'client_secret_post', 'client_secret_basic'],
    client_id_metadata_document_supported: true,
    authorization_response_iss_parameter_supported: true,
    scopes_supported: ['mcp:tools'],
    ...doc,
  };
  const base = goodServer();
  const prm = { resource: MCP, authorization_servers: [ORIGIN], scopes_supported: ['mcp:tools'], bearer_methods_supported: ['header'] };
  return { ...withPrm(base, prm), authServer: { url: ORIGIN, doc: Object.fromEntries(Object.entries(metadata).filter(([, value]) => value !== undefined)) }, expect };
}

describe('server.sign-in: the broker', () => {
  test('its own authorization server with S256, RFC 9207 iss and a way to register: pass, reporting the mode', () => {
    const finding = signInCheck.run(brokerServer());
    expect(finding).toMatchObject({
      status: 'pass',
      summary: 'A broker: https://mcp.example.com is its own authorization server (S256, RFC 9207 iss); how hosts register with it: ChatGPT, claude.ai and Claude Desktop with their client metadata documents (CIMD); Claude Code, VS Code, Cursor by dynamic client registration',
    });
    expect(finding.details).toContain('sign-in detected: broker (the server is the authorization server hosts register with)');
  });

  test('detected from the metadata alone (the MCP origin as issuer, its own keys), without fastapps.json', () => {
    const ctx = brokerServer({ registration_endpoint: undefined }, { flavor: 'generic' });
    expect(detectedSignIn(ctx, ctx.authServer!.doc!)).toBe('broker');
    expect(signInCheck.run(ctx)).toMatchObject({
      status: 'pass',
      summary: 'A broker: https://mcp.example.com is its own authorization server (S256, RFC 9207 iss); how hosts register with it: ChatGPT, claude.ai and Claude Desktop with their client metadata documents (CIMD); not known for Claude Code, VS Code, Cursor',
    });
  });

  test('the other modes are reported too: direct (Auth0) and a façade', () => {
    expect(signInCheck.run(goodServer()).details).toContain('sign-in detected: direct (hosts sign in at the provider)');
    expect(signInCheck.run(facadeServer()).details).toContain('sign-in detected: facade (the server publishes metadata over the provider)');
  });

  test('no registration endpoint and no CIMD: fail, hosts cannot register', () => {
    const finding = signInCheck.run(brokerServer({ registration_endpoint: undefined, client_id_metadata_document_supported: false }));
    expect(finding).toMatchObject({
      status: 'fail',
      summary: 'The broker https://mcp.example.com is not what hosts expect of their authorization server: it offers hosts no way to register (no registration_endpoint, and client_id_metadata_document_supported is not true)',
      fix: 'Check that the server runs with OAUTH_SIGN_IN=broker and MCP_RESOURCE_URL=https://mcp.example.com/mcp (the broker\'s issuer is its origin), then restart it',
    });
  });

  test('no RFC 9207 promise: fail', () => {
    expect(signInCheck.run(brokerServer({ authorization_response_iss_parameter_supported: undefined }))).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining('authorization_response_iss_parameter_supported is not true (a broker sends its own iss, RFC 9207)'),
    });
  });

  test('without S256: fail, with the broker\'s fix rather than the façade', () => {
    const finding = signInCheck.run(brokerServer({ code_challenge_methods_supported: undefined }));
    expect(finding).toMatchObject({ status: 'fail', summary: expect.stringContaining('lists no S256 in code_challenge_methods_supported'), fix: expect.stringContaining('OAUTH_SIGN_IN=broker') });
    expect(finding.fix).not.toContain('--sign-in facade');
  });

  test('an issuer that is not the origin byte for byte (a trailing slash) in a broker project: fail', () => {
    const finding = signInCheck.run(brokerServer({ issuer: `${ORIGIN}/` }));
    expect(finding).toMatchObject({ status: 'fail', summary: expect.stringContaining('its issuer is "https://mcp.example.com/", not the origin of the MCP URL "https://mcp.example.com" byte for byte') });
    expect(finding.details).toContain('sign-in detected: broker (the server is the authorization server hosts register with)');
  });

  test('a broker project whose server signs in directly at the provider: fail, saying what fastapps.json expects', () => {
    const ctx = { ...goodServer(), expect: { flavor: 'auth0' as const, generated: true, signIn: 'broker' as const, hostIssuer: ORIGIN } };
    const finding = signInCheck.run(ctx);
    expect(finding).toMatchObject({ status: 'fail', summary: expect.stringContaining('its issuer is "https://dev-ltxchcls4igzho78.us.auth0.com/", not the origin of the MCP URL') });
  });

  test('its protected resource metadata must name the server\'s origin, as with the façade', () => {
    expect(prmAuthorizationServersCheck.run(brokerServer())).toMatchObject({ status: 'pass' });
    const pointingAtAuth0 = { ...goodServer(), expect: { flavor: 'auth0' as const, generated: true, signIn: 'broker' as const, issuer: 'https://dev-ltxchcls4igzho78.us.auth0.com/', hostIssuer: ORIGIN } };
    expect(prmAuthorizationServersCheck.run(pointingAtAuth0)).toMatchObject({ status: 'fail', summary: expect.stringContaining(`but the configured issuer is "${ORIGIN}"`) });
  });
});
