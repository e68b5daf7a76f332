/**
 * The endpoint server checks (AUTH-FACTS 22–25, 31, 32 and token acceptance) on synthetic contexts:
 * a correct server passes; each variant gets its exact verdict and fix.
 */
import { describe, expect, test } from 'vitest';
import { badTokenCheck, insufficientScopeCheck, tokenAcceptedCheck } from '../../../src/doctor/server/checks-bearer.js';
import { challengeCheck, corsCheck, serverUrlCheck, unauthenticatedCheck } from '../../../src/doctor/server/checks-endpoint.js';
import { runServerChecks } from '../../../src/doctor/server/checks.js';
import { SERVER_IDS } from '../../../src/doctor/ids.js';
import { CHALLENGE, MCP, PRM_URL, goodServer, mixedServer, probe, refused, tool } from './server-fixtures.js';

const FIX_HEADER = `Send WWW-Authenticate: Bearer resource_metadata="${PRM_URL}", scope="mcp:tools"`;

test('a correct server: every check passes or is skipped for want of a token, in SERVER_IDS order', () => {
  const findings = runServerChecks(goodServer());
  expect(findings.map((f) => f.id)).toEqual([...SERVER_IDS]);
  expect(Object.fromEntries(findings.map((f) => [f.id, f.status]))).toEqual({
    'server.url': 'pass',
    'server.unauthenticated': 'pass',
    'server.challenge': 'pass',
    'server.cors': 'pass',
    'server.prm-reachable': 'pass',
    'server.prm-resource': 'pass',
    'server.prm-authorization-servers': 'pass',
    'server.prm-scopes': 'pass',
    'server.as-mirror': 'pass',
    'server.sign-in': 'pass',
    'server.bad-token': 'pass',
    'server.token-accepted': 'skip',
    'server.insufficient-scope': 'skip',
    'server.security-schemes': 'skip',
    'server.tool-challenge': 'skip',
  });
});

describe('server.url (22)', () => {
  const run = (url: string) => serverUrlCheck.run({ ...goodServer(), url });
  test('canonical public https: pass', () => expect(run(MCP)).toMatchObject({ status: 'pass', summary: `${MCP} is a canonical public https URL` }));
  test('a loopback URL: info, local clients such as Claude Code can use it, with how to reach ChatGPT and claude.ai', () => {
    expect(run('http://127.0.0.1:3000/mcp')).toMatchObject({
      status: 'info',
      summary: 'http://127.0.0.1:3000/mcp is a local URL: fine for clients on this machine, such as Claude Code and MCP Inspector; ChatGPT and claude.ai connect from their clouds and need a public https URL',
      fix: 'To connect ChatGPT or claude.ai, expose the server over https (a tunnel such as ngrok or cloudflared, or a deployment) and use that URL everywhere (create-fastapps projects: MCP_RESOURCE_URL)',
    });
  });
  test('plain http on a public host: warn, fix with the https URL', () => {
    expect(run('http://mcp.example.com/mcp')).toMatchObject({
      status: 'warn',
      summary: 'The MCP URL http://mcp.example.com/mcp is not a good public URL: it uses plain http on a public host: tokens would cross the network in clear text',
      fix: 'Use one canonical URL everywhere (the client, the metadata\'s resource, the token audience), e.g. https://mcp.example.com/mcp',
    });
  });
  test('trailing slash, upper-case host, bare origin, internal host: warn', () => {
    expect(run('https://mcp.example.com/mcp/').summary).toContain('it ends with a slash');
    expect(run('https://MCP.example.com/mcp').summary).toContain('it is not in canonical form (https://mcp.example.com/mcp)');
    expect(run('https://mcp.example.com').summary).toContain('it has no path');
    expect(run('https://mcp.internal/mcp')).toMatchObject({ status: 'warn', summary: expect.stringContaining("mcp.internal is an internal host name: ChatGPT and claude.ai connect from their own clouds and can't reach it (clients on your machine or network, such as Claude Code or MCP Inspector, can)") });
  });
});

describe('server.unauthenticated (23)', () => {
  test('refused: fail with the network message and fix', () => {
    expect(unauthenticatedCheck.run({ ...goodServer(), anonymous: refused() })).toEqual({
      id: 'server.unauthenticated',
      title: 'A request without a token gets 401',
      status: 'fail',
      summary: `Connection refused by mcp.example.com (${MCP})`,
      details: [`POST ${MCP} (initialize, no Authorization header)`],
      fix: 'Check the host and port; nothing is accepting connections on mcp.example.com',
    });
  });
  test('200 without protected tools: fail', () => {
    const ctx = mixedServer([tool('hello', [{ type: 'noauth' }])]);
    expect(unauthenticatedCheck.run(ctx)).toMatchObject({ status: 'fail', summary: `${MCP} answers a request without a token with 200 and no tool declares an oauth2 securitySchemes: nothing asks MCP clients to sign in` });
  });
  test('200 with a protected tool: mixed mode, pass', () => {
    const ctx = mixedServer([tool('hello', [{ type: 'noauth' }]), tool('whoami', [{ type: 'oauth2', scopes: ['mcp:tools'] }])]);
    expect(unauthenticatedCheck.run(ctx)).toMatchObject({ status: 'pass', summary: `Mixed mode: ${MCP} serves anonymous requests (200) and 1 protected tool(s) declare oauth2 securitySchemes` });
  });
  test('200 when the configuration says required: fail', () => {
    const ctx = mixedServer([tool('whoami', [{ type: 'oauth2', scopes: [] }])]);
    ctx.expect = { ...ctx.expect, authMode: 'required' };
    expect(unauthenticatedCheck.run(ctx)).toMatchObject({ status: 'fail', fix: 'Put the bearer-token gate in front of the MCP route for every request (create-fastapps projects: AUTH_MODE=required)' });
  });
  test('307 to the trailing-slash path: fail, serve the exact path', () => {
    const ctx = { ...goodServer(), anonymous: probe(307, { location: '/mcp/' }) };
    expect(unauthenticatedCheck.run(ctx)).toMatchObject({
      status: 'fail',
      summary: `${MCP} answers a request without a token with a redirect (HTTP 307) to /mcp/; MCP clients need 401 with a challenge to start sign-in`,
      fix: `Serve MCP at exactly ${MCP} (no redirect to the trailing-slash path), behind the bearer-token gate`,
    });
  });
  test('302 to a login page: fail, remove the redirect', () => {
    expect(unauthenticatedCheck.run({ ...goodServer(), anonymous: probe(302, { location: 'https://login.example.com/' }) }).fix).toBe('Remove the redirect (a login page?) from the MCP route: answer 401 with WWW-Authenticate: Bearer resource_metadata="…" instead');
  });
  test('403 Invalid Host (DNS-rebinding protection): fail naming the allowed hosts', () => {
    const ctx = { ...goodServer(), anonymous: probe(403, { 'content-type': 'application/json' }, '{"jsonrpc":"2.0","error":{"code":-32000,"message":"Invalid Host: mcp.example.com"}}') };
    expect(unauthenticatedCheck.run(ctx)).toMatchObject({
      status: 'fail',
      summary: `${MCP} answers a request without a token with HTTP 403, not 401; MCP clients start sign-in only on 401`,
      fix: 'The server rejects this Host header (DNS-rebinding protection): add the public host name to its allowed hosts (create-fastapps projects: ALLOWED_HOSTS; SDK: createMcpExpressApp({ allowedHosts }))',
    });
  });
  test('404: fail, check the path', () => {
    expect(unauthenticatedCheck.run({ ...goodServer(), anonymous: probe(404) }).fix).toBe('Check the path: the MCP endpoint (e.g. /mcp) must accept POST at exactly this URL');
  });
  test('an HTML page with 200: fail naming its title', () => {
    const ctx = { ...goodServer(), anonymous: probe(200, { 'content-type': 'text/html' }, '<html><title>Welcome</title></html>') };
    expect(unauthenticatedCheck.run(ctx).summary).toBe(`${MCP} returned an HTML page ("Welcome") instead of an MCP response`);
  });
});

describe('server.challenge (24)', () => {
  const withChallenge = (value: string | undefined) => ({ ...goodServer(), anonymous: probe(401, value === undefined ? {} : { 'www-authenticate': value }) });
  test('no header: fail with the header line to send', () => {
    expect(challengeCheck.run(withChallenge(undefined))).toMatchObject({ status: 'fail', fix: FIX_HEADER });
  });
  test('another scheme: fail', () => {
    expect(challengeCheck.run(withChallenge('Basic realm="mcp"')).summary).toBe('The 401 for a request without a token uses the Basic scheme, not Bearer');
  });
  test('unquoted URL: fail, malformed', () => {
    expect(challengeCheck.run(withChallenge(`Bearer resource_metadata=${PRM_URL}`)).summary).toBe(
      'The 401 for a request without a token has a malformed WWW-Authenticate header: resource_metadata must be a quoted string (its value has characters a bare token can\'t)',
    );
  });
  test('no resource_metadata: fail', () => {
    expect(challengeCheck.run(withChallenge('Bearer realm="mcp"')).summary).toBe('The 401 for a request without a token has no resource_metadata parameter, so clients must guess where the metadata is');
  });
  test('a relative resource_metadata: fail', () => {
    expect(challengeCheck.run(withChallenge('Bearer resource_metadata="/.well-known/oauth-protected-resource"')).summary).toBe('resource_metadata "/.well-known/oauth-protected-resource" is not an absolute URL');
  });
  test('error on a no-token 401 and no scope: warn (RFC 6750 §3.1, MCP 2025-11-25)', () => {
    const finding = challengeCheck.run(withChallenge(`Bearer error="invalid_token", error_description="Missing Authorization header", resource_metadata="${PRM_URL}"`));
    expect(finding).toMatchObject({ status: 'warn', summary: 'The 401 for a request without a token: it carries error="invalid_token" although no token was sent (RFC 6750 §3.1: no error code then)', fix: `${FIX_HEADER} (no error parameter when no token was sent)` });
    expect(finding.details).toContain('it has no scope="…": MCP 2025-11-25 clients then request every scope in scopes_supported, or none');
  });
  test('a correct challenge: pass naming the URL and scope', () => {
    expect(challengeCheck.run(withChallenge(CHALLENGE)).summary).toBe(`Bearer challenge with resource_metadata="${PRM_URL}" and scope="mcp:tools"`);
  });
  test('mixed mode: judged on the bad-token 401', () => {
    const ctx = mixedServer([tool('whoami', [{ type: 'oauth2', scopes: ['mcp:tools'] }])]);
    expect(challengeCheck.run(ctx)).toMatchObject({ status: 'pass' });
    expect(challengeCheck.run({ ...ctx, badToken: probe(401, {}) }).summary).toMatch(/^The 401 for an invalid token has no WWW-Authenticate header/);
  });
  test('no answer: skipped, pointing at server.unauthenticated', () => {
    expect(challengeCheck.run({ ...goodServer(), anonymous: refused() })).toMatchObject({ status: 'skip', summary: 'Skipped: the server did not answer (see server.unauthenticated)' });
  });
});

describe('server.cors (25)', () => {
  test('no CORS at all: warn, server-side clients unaffected', () => {
    const ctx = { ...goodServer(), preflight: probe(401, {}), anonymousWithOrigin: probe(401, { 'www-authenticate': CHALLENGE }) };
    expect(corsCheck.run(ctx)).toMatchObject({ status: 'warn', summary: `${MCP} sends no CORS headers: browser-based clients (MCP Inspector, claude.ai on the web) can't connect; ChatGPT and other server-side clients are unaffected` });
  });
  test('WWW-Authenticate not exposed: warn with the header set', () => {
    const ctx = { ...goodServer(), anonymousWithOrigin: probe(401, { 'www-authenticate': CHALLENGE, 'access-control-allow-origin': '*' }) };
    const finding = corsCheck.run(ctx);
    expect(finding.summary).toBe(`CORS on ${MCP}: Access-Control-Expose-Headers does not include WWW-Authenticate, so browser clients can't read the challenge ("Couldn't reach the MCP server" in MCP Inspector while curl works)`);
    expect(finding.fix).toContain('cors({ exposedHeaders: ["WWW-Authenticate", "Mcp-Session-Id"]');
  });
  test('preflight answered 401 by the bearer gate, and Authorization only via "*": warn', () => {
    const ctx = { ...goodServer(), preflight: probe(401, { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*' }) };
    const finding = corsCheck.run(ctx);
    expect(finding.summary).toBe(`CORS on ${MCP}: the preflight got HTTP 401, not 2xx (the bearer gate must let OPTIONS through)`);
    expect(finding.details).toContain('the preflight does not allow the Authorization header (a "*" does not cover it)');
  });
});

describe('server.bad-token (31)', () => {
  test('200 for garbage: fail, the token is not verified', () => {
    expect(badTokenCheck.run({ ...goodServer(), badToken: probe(200) })).toMatchObject({ status: 'fail', summary: `${MCP} ACCEPTED a garbage bearer token (HTTP 200): the token is not verified` });
  });
  test('500: fail with the verifier mapping fix', () => {
    expect(badTokenCheck.run({ ...goodServer(), badToken: probe(500) })).toMatchObject({
      status: 'fail',
      fix: 'Map every verifier rejection to 401 with WWW-Authenticate: Bearer error="invalid_token", error_description="…", resource_metadata="…" (SDK: throw InvalidTokenError / OAuthError(InvalidToken), never a plain Error)',
    });
  });
  test('401 without invalid_token: warn', () => {
    expect(badTokenCheck.run({ ...goodServer(), badToken: probe(401, { 'www-authenticate': CHALLENGE }) })).toMatchObject({ status: 'warn', summary: 'The 401 for an invalid token has no error parameter, not error="invalid_token"' });
  });
  test('a query-string token treated differently from none: fail', () => {
    const ctx = { ...goodServer(), queryToken: probe(401, { 'www-authenticate': `Bearer error="invalid_token", resource_metadata="${PRM_URL}"` }) };
    expect(badTokenCheck.run(ctx)).toMatchObject({ status: 'fail', fix: 'Read bearer tokens only from the Authorization header; ignore access_token in the query string and the body' });
  });
  test('mixed mode: a query token is served like no token (200): pass', () => {
    expect(badTokenCheck.run(mixedServer([])).status).toBe('pass');
  });
});

describe('server.token-accepted and server.insufficient-scope (32)', () => {
  const rejected = probe(401, { 'www-authenticate': `Bearer error="invalid_token", error_description="Token audience account does not include ${MCP}", resource_metadata="${PRM_URL}"` });
  test("a rejected token: fail with the server's own reason", () => {
    expect(tokenAcceptedCheck.run({ ...goodServer(), withToken: rejected })).toMatchObject({ status: 'fail', summary: `${MCP} rejected the token with 401: Token audience account does not include ${MCP}` });
    expect(tokenAcceptedCheck.run({ ...goodServer(), expect: { flavor: 'generic', generated: true }, withToken: rejected }).fix).toContain('compare OAUTH_ISSUER, OAUTH_AUDIENCE, OAUTH_CLIENT_IDS and OAUTH_SCOPES');
  });
  test('an accepted token: pass', () => {
    expect(tokenAcceptedCheck.run({ ...goodServer(), withToken: probe(200) }).status).toBe('pass');
  });
  const lacking = { granted: ['openid'], required: ['mcp:tools'] };
  test('a token lacking a scope answered 403 insufficient_scope with scope and resource_metadata: pass', () => {
    const withToken = probe(403, { 'www-authenticate': `Bearer error="insufficient_scope", scope="mcp:tools", resource_metadata="${PRM_URL}"` });
    expect(insufficientScopeCheck.run({ ...goodServer(), withToken, tokenScopes: lacking })).toMatchObject({ status: 'pass', summary: 'A token without mcp:tools got 403 insufficient_scope with scope="mcp:tools"' });
  });
  test('a token lacking a scope served anyway: warn with the 403 to send', () => {
    expect(insufficientScopeCheck.run({ ...goodServer(), withToken: probe(200), tokenScopes: lacking })).toEqual({
      id: 'server.insufficient-scope',
      title: 'A token without the scopes gets 403 insufficient_scope',
      status: 'warn',
      summary: `${MCP} served a token without mcp:tools (HTTP 200): spec clients can't step up to the missing scopes`,
      details: ['token lacks mcp:tools; POST initialize with it → HTTP 200'],
      fix: `Answer 403 with WWW-Authenticate: Bearer error="insufficient_scope", scope="mcp:tools", resource_metadata="${PRM_URL}" (SDK: requireBearerAuth({ requiredScopes }))`,
    });
  });
  test('a 403 whose challenge lacks scope: warn', () => {
    const withToken = probe(403, { 'www-authenticate': `Bearer error="insufficient_scope", resource_metadata="${PRM_URL}"` });
    expect(insufficientScopeCheck.run({ ...goodServer(), withToken, tokenScopes: lacking }).summary).toBe('The 403 for a token without mcp:tools lacks scope in its challenge');
  });
  test('a token with every scope: skipped, saying what would check it', () => {
    expect(insufficientScopeCheck.run({ ...goodServer(), withToken: probe(200), tokenScopes: { granted: ['mcp:tools'], required: ['mcp:tools'] } }).summary).toBe(
      'Skipped: the token has every required scope; pass one without a required scope to check the 403 path',
    );
  });
});
