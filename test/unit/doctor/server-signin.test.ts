/**
 * `server.sign-in` on synthetic contexts: a provider's own metadata (Auth0 lists S256; Entra and
 * Cognito do not), and a façade on the MCP origin over Entra, with its pass-through endpoints
 * answering, missing, or unable to reach the provider.
 */
import { describe, expect, test } from 'vitest';
import { signInCheck } from '../../../src/doctor/server/checks-signin.js';
import type { ServerContext } from '../../../src/doctor/server/context.js';
import { fixture } from '../../helpers/issuer-server.js';
import { goodServer, probe, refused } from './server-fixtures.js';

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
      summary: 'https://dev-ltxchcls4igzho78.us.auth0.com/ lists S256; ChatGPT, claude.ai and Claude Desktop, Claude Code, VS Code, Cursor sign in with dynamic client registration',
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
    expect(finding).toMatchObject({ status: 'pass', summary: expect.stringMatching(/^A façade: https:\/\/mcp\.example\.com echoes its own issuer and lists S256 over the provider's endpoints, and its pass-through endpoints answer; ChatGPT, .* sign in with a client registered by hand at the provider$/) });
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
