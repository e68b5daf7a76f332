/**
 * The token checks (AUTH-FACTS 35–41) on tokens minted by the test issuer in each provider's shape
 * (the issuer serving that provider's discovery fixture): exact verdicts and the provider-specific
 * explanations — Entra v1 vs v2 and Graph tokens, Auth0's JWE and /userinfo-only tokens, Cognito's
 * ID token, Okta's org server, Keycloak's `account` audience; expiry and the one-hour advice.
 */
import { CompactEncrypt, generateKeyPair, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runTokenChecks } from '../../../src/doctor/token/checks.js';
import type { TokenContext, TokenExpectations } from '../../../src/doctor/token/context.js';
import { decodeToken, verifySignature } from '../../../src/doctor/token/decode.js';
import { TOKEN_IDS } from '../../../src/doctor/ids.js';
import { classifyKeys } from '../../../src/issuer/jwks.js';
import type { Finding, Flavor } from '../../../src/issuer/types.js';
import { startIssuerServer, type IssuerServer } from '../../helpers/issuer-server.js';

const RESOURCE = 'https://mcp.example.com/mcp';
const ENTRA_API = '6f2a1e4b-8c3d-4e5f-9a0b-1c2d3e4f5a6b';
const TENANT = '9a95fd9e-005d-487a-9a01-d08c1eab2757';
const COGNITO_CLIENT = '1example23456789abcdefghij';
const now = () => Math.floor(Date.now() / 1000);

const servers: Record<string, IssuerServer> = {};
beforeAll(async () => {
  const [auth0, entra, cognito, okta, keycloak] = await Promise.all([
    startIssuerServer({ fixture: 'auth0-tenant' }),
    startIssuerServer({ fixture: 'entra-v2-tenant' }),
    startIssuerServer({ fixture: 'cognito-userpool-with-domain' }),
    startIssuerServer({ fixture: 'okta-custom-as-default' }),
    startIssuerServer({ fixture: 'keycloak-realm-http' }),
  ]);
  Object.assign(servers, { auth0, entra, cognito, okta, keycloak });
});
afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.close()));
});

/** Decodes and verifies `raw` against `srv`'s published keys, then runs every token check. */
async function check(srv: IssuerServer, raw: string, flavor: Flavor, expect: Partial<TokenExpectations> = {}): Promise<Record<string, Finding>> {
  const token = decodeToken(raw);
  const { usable } = await classifyKeys(srv.jwks);
  const ctx: TokenContext = {
    token,
    ...(token.kind === 'jws' ? { signature: await verifySignature(raw, token, usable) } : {}),
    keys: { uri: `${srv.origin}/jwks`, kids: usable.map((k) => k.kid ?? '(no kid)') },
    flavor,
    expect: { issuer: srv.issuer, ...expect },
    now: now(),
  };
  const findings = runTokenChecks(ctx);
  return Object.fromEntries(findings.map((f) => [f.id, f]));
}

const statuses = (findings: Record<string, Finding>) => Object.fromEntries(Object.values(findings).map((f) => [f.id, f.status]));

describe('Auth0', () => {
  const expectAuth0 = { audiences: [RESOURCE], scopes: ['mcp:tools'] };
  const claims = (): JWTPayload => ({ sub: 'auth0|1', aud: [RESOURCE, `${servers.auth0!.issuer}userinfo`], azp: 'c', scope: 'openid profile', permissions: ['mcp:tools'] });

  test('a token for the API: every check passes (scopes from permissions), in TOKEN_IDS order', async () => {
    const findings = await check(servers.auth0!, await servers.auth0!.mint(claims()), 'auth0', expectAuth0);
    expect(Object.keys(findings)).toEqual([...TOKEN_IDS]);
    expect(statuses(findings)).toEqual({ 'token.shape': 'pass', 'token.header': 'pass', 'token.signature': 'pass', 'token.issuer': 'pass', 'token.audience': 'pass', 'token.lifetime': 'pass', 'token.scopes': 'pass', 'token.type': 'info' });
    expect(findings['token.scopes']!.details).toEqual(['scope: openid profile', 'permissions: mcp:tools']);
  });

  test('a JWE (5 segments, no audience requested): token.shape fails with the Auth0 API fix', async () => {
    const { publicKey } = await generateKeyPair('RSA-OAEP-256');
    const jwe = await new CompactEncrypt(new TextEncoder().encode('{}')).setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM' }).encrypt(publicKey);
    const findings = await check(servers.auth0!, jwe, 'auth0', expectAuth0);
    expect(findings['token.shape']).toEqual({
      id: 'token.shape',
      title: 'Token is a signed JWT',
      status: 'fail',
      summary: "The token has 5 segments: it is encrypted (JWE, enc A256GCM), so your server can't read or verify it",
      details: ['header: {"alg":"RSA-OAEP-256","enc":"A256GCM"}'],
      fix: 'Auth0 issues a JWT access token only for a registered API: create an API whose Identifier is your MCP URL (Auth0 Dashboard › Applications › APIs) and turn on the Resource Parameter Compatibility Profile (Settings › Advanced) so the resource parameter MCP clients send selects it',
    });
    expect(statuses(findings)).toMatchObject({ 'token.header': 'skip', 'token.issuer': 'skip', 'token.audience': 'skip' });
  });

  test('a token only for /userinfo: token.audience fails with the audience / compatibility profile fix', async () => {
    const findings = await check(servers.auth0!, await servers.auth0!.mint({ ...claims(), aud: `${servers.auth0!.issuer}userinfo` }), 'auth0', expectAuth0);
    expect(findings['token.audience']).toMatchObject({
      status: 'fail',
      summary: `The token is only for Auth0's /userinfo (aud ${servers.auth0!.issuer}userinfo), not for your API`,
      fix: `Request it for your API: audience=${RESOURCE}, or enable the Resource Parameter Compatibility Profile (Auth0 Dashboard › Settings › Advanced) with an API whose Identifier is ${RESOURCE}`,
    });
  });

  test('a custom audience, but the token is for the MCP URL: the Compatibility Profile applied, named with both ways out', async () => {
    const custom = { audiences: ['https://api.acme.example'], scopes: ['mcp:tools'], resource: RESOURCE };
    const findings = await check(servers.auth0!, await servers.auth0!.mint(claims()), 'auth0', custom);
    expect(findings['token.audience']).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining(`its aud is the MCP URL, so the Resource Parameter Compatibility Profile mapped the host's resource=${RESOURCE} onto an API whose Identifier is the MCP URL, while this project expects https://api.acme.example`),
      fix: `Either turn the Resource Parameter Compatibility Profile off and make https://api.acme.example the tenant's Default Audience (Auth0 Dashboard › Settings › General › API Authorization Settings), or use that API: npx create-fastapps auth --audience ${RESOURCE}`,
    });
  });

  test('the MCP URL as audience, but the token is for the Default Audience: the profile is off, named', async () => {
    const findings = await check(servers.auth0!, await servers.auth0!.mint({ ...claims(), aud: ['https://default-api.acme.example', `${servers.auth0!.issuer}userinfo`] }), 'auth0', { ...expectAuth0, resource: RESOURCE });
    expect(findings['token.audience']).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining(`Auth0 ignored the host's resource=${RESOURCE} and used the tenant's Default Audience (https://default-api.acme.example)`),
      fix: `Turn on the Resource Parameter Compatibility Profile (Auth0 Dashboard › Settings › Advanced) and create an API whose Identifier is exactly ${RESOURCE}, so resource maps onto it`,
    });
  });

  describe('the fix names the setting this project\'s audience needs (AUTH_SETUP.md step 2)', () => {
    const CUSTOM = 'https://api.acme.example';
    const mcpUrl = { audiences: [RESOURCE], scopes: ['mcp:tools'], resource: RESOURCE };
    const custom = { audiences: [CUSTOM], scopes: ['mcp:tools'], resource: RESOURCE };
    const profile = 'Resource Parameter Compatibility Profile (Auth0 Dashboard › Settings › Advanced)';
    const defaultAudience = "tenant's Default Audience (Auth0 Dashboard › Settings › General › API Authorization Settings)";
    const jwe = async () => {
      const { publicKey } = await generateKeyPair('RSA-OAEP-256');
      return new CompactEncrypt(new TextEncoder().encode('{}')).setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM' }).encrypt(publicKey);
    };

    test('a JWE or an opaque token, the audience is the MCP URL: the Compatibility Profile', async () => {
      const fix = `Auth0 issues a JWT access token only for a registered API: create an API whose Identifier is exactly ${RESOURCE}, the MCP URL (Auth0 Dashboard › Applications › APIs), and turn on the ${profile} so the resource parameter MCP clients send selects it`;
      for (const token of [await jwe(), 'opaque-token-without-an-api']) {
        const findings = await check(servers.auth0!, token, 'auth0', mcpUrl);
        expect(findings['token.shape']).toMatchObject({ status: 'fail', fix });
        expect(findings['token.shape']!.fix).not.toContain('Default Audience');
      }
    });

    test('a JWE or an opaque token, a custom audience: the Default Audience set to that API, with the profile off', async () => {
      const fix = `Auth0 issues a JWT access token only for a registered API, and hosts send resource=${RESOURCE}, not audience: create an API whose Identifier is ${CUSTOM} (Auth0 Dashboard › Applications › APIs) and make it the ${defaultAudience}, with the Resource Parameter Compatibility Profile off (${CUSTOM} is not the MCP URL, so the profile cannot select it)`;
      for (const token of [await jwe(), 'opaque-token-without-an-api']) {
        const findings = await check(servers.auth0!, token, 'auth0', custom);
        expect(findings['token.shape']).toMatchObject({ status: 'fail', fix });
        expect(findings['token.shape']!.fix).not.toContain('your MCP URL');
      }
    });

    test('a token only for /userinfo: the profile for the MCP URL, the Default Audience for a custom audience', async () => {
      const token = await servers.auth0!.mint({ ...claims(), aud: `${servers.auth0!.issuer}userinfo` });
      const forMcpUrl = await check(servers.auth0!, token, 'auth0', mcpUrl);
      expect(forMcpUrl['token.audience']).toMatchObject({
        status: 'fail',
        summary: `The token is only for Auth0's /userinfo (aud ${servers.auth0!.issuer}userinfo), not for your API`,
        fix: `Turn on the ${profile} with an API whose Identifier is exactly ${RESOURCE}, the MCP URL: the resource hosts send then selects it`,
      });
      const forCustom = await check(servers.auth0!, token, 'auth0', custom);
      expect(forCustom['token.audience']).toMatchObject({
        status: 'fail',
        summary: `The token is only for Auth0's /userinfo (aud ${servers.auth0!.issuer}userinfo), not for your API`,
        fix: `Make ${CUSTOM} the ${defaultAudience}, with the Resource Parameter Compatibility Profile off: hosts send resource=${RESOURCE}, not audience, and ${CUSTOM} is not the MCP URL, so only the Default Audience gets them a token for it`,
      });
    });

    test('a token for no API or another one: create this project\'s API and select it the way its audience needs', async () => {
      const noAud = { ...claims() } as JWTPayload;
      delete noAud.aud;
      const forMcpUrl = await check(servers.auth0!, await servers.auth0!.mint(noAud), 'auth0', mcpUrl);
      expect(forMcpUrl['token.audience']).toMatchObject({
        status: 'fail',
        fix: `Create an API whose Identifier is exactly ${RESOURCE}, the MCP URL (Auth0 Dashboard › Applications › APIs), and turn on the ${profile}, so the resource hosts send selects it`,
      });
      const forCustom = await check(servers.auth0!, await servers.auth0!.mint({ ...claims(), aud: ['https://other-api.acme.example'] }), 'auth0', custom);
      expect(forCustom['token.audience']).toMatchObject({
        status: 'fail',
        summary: `The token's aud https://other-api.acme.example does not include ${CUSTOM}`,
        fix: `Create an API whose Identifier is ${CUSTOM} (Auth0 Dashboard › Applications › APIs) and make it the ${defaultAudience}, with the Resource Parameter Compatibility Profile off: hosts send resource=${RESOURCE}, not audience, and ${CUSTOM} is not the MCP URL`,
      });
    });
  });

  test('HS256 (an API set to a symmetric algorithm): token.header fails naming the Signing Algorithm setting', async () => {
    const findings = await check(servers.auth0!, await servers.auth0!.mint(claims(), { alg: 'HS256', key: new TextEncoder().encode('s'.repeat(32)) }), 'auth0', expectAuth0);
    expect(findings['token.header']).toMatchObject({ status: 'fail', summary: "The token is signed with HS256, a shared secret, which can't be verified with the issuer's public keys", fix: 'Switch the API to RS256 (Auth0 Dashboard › Applications › APIs › your API › Settings › Signing Algorithm)' });
    expect(findings['token.signature']!.status).toBe('skip');
  });

  test('the issuer configured without the slash: token.issuer fails, the slash named', async () => {
    const findings = await check(servers.auth0!, await servers.auth0!.mint(claims()), 'auth0', { ...expectAuth0, issuer: servers.auth0!.origin });
    expect(findings['token.issuer']).toMatchObject({
      status: 'fail',
      summary: `The token was issued by "${servers.auth0!.issuer}", not by the configured issuer "${servers.auth0!.origin}" (only a trailing "/" differs: the token has one, the configured issuer does not)`,
      fix: `Auth0 issues tokens with iss https://{domain}/ (trailing slash): configure the issuer as exactly "${servers.auth0!.issuer}"`,
    });
  });

  test('a token living 24 h: token.lifetime warns with the API lifetime setting', async () => {
    const findings = await check(servers.auth0!, await servers.auth0!.mint({ ...claims(), exp: now() + 86_400 }), 'auth0', expectAuth0);
    expect(findings['token.lifetime']).toMatchObject({
      status: 'warn',
      summary: 'The token lives 24 h (iat to exp); the FastApps guide advises at most an hour, so a leaked token stays usable for long',
      fix: 'Lower the API’s Maximum Access Token Lifetime to 3600 seconds or less (Auth0 Dashboard › Applications › APIs › your API › Settings)',
    });
  });

  test('an expired token: token.lifetime fails', async () => {
    const findings = await check(servers.auth0!, await servers.auth0!.mint({ ...claims(), iat: now() - 7200, exp: now() - 3600 }), 'auth0', expectAuth0);
    expect(findings['token.lifetime']).toMatchObject({ status: 'fail', summary: expect.stringMatching(/^The token expired at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(60 min ago\)$/), fix: 'Get a fresh token (sign in again); MCP clients renew tokens with the refresh_token grant' });
  });

  test('issued in the future and not valid yet: token.lifetime fails (clock)', async () => {
    const findings = await check(servers.auth0!, await servers.auth0!.mint({ ...claims(), nbf: now() + 600, exp: now() + 1200 }), 'auth0', expectAuth0);
    expect(findings['token.lifetime']).toMatchObject({ status: 'fail', summary: expect.stringMatching(/^The token is not valid before .+ \(10 min from now\)$/), fix: 'Synchronise the clocks (NTP) of this machine, the server and the identity provider' });
  });
});

describe('scope hierarchies (OAUTH_SCOPE_IMPLIES)', () => {
  const implies = new Map([['admin', ['write:orders']], ['write:orders', ['read:orders']]]);
  const token = () => servers.auth0!.mint({ sub: 'auth0|1', aud: RESOURCE, scope: 'admin' });

  test('a broader scope covers the narrower ones, transitively, as the server counts them', async () => {
    const findings = await check(servers.auth0!, await token(), 'auth0', { audiences: [RESOURCE], scopes: ['read:orders'], implies });
    expect(findings['token.scopes']).toMatchObject({ status: 'pass', summary: 'The token grants the required scopes read:orders' });
    expect(findings['token.scopes']!.details).toContain('implied by OAUTH_SCOPE_IMPLIES: write:orders read:orders');
  });

  test('without the hierarchy the same token lacks the scope', async () => {
    const findings = await check(servers.auth0!, await token(), 'auth0', { audiences: [RESOURCE], scopes: ['read:orders'] });
    expect(findings['token.scopes']).toMatchObject({ status: 'warn', summary: expect.stringContaining('The token lacks read:orders (it grants admin)') });
  });
});

describe('Microsoft Entra ID', () => {
  const expectEntra = { audiences: [ENTRA_API, `api://${ENTRA_API}`], scopes: [`api://${ENTRA_API}/mcp.tools`], provider: 'azure' as const };
  const v2 = (): JWTPayload => ({ ver: '2.0', sub: 's', tid: TENANT, aud: ENTRA_API, azp: 'client', scp: 'mcp.tools' });

  test('a v2 token for the API: passes, scp matched without the Application ID URI', async () => {
    const findings = await check(servers.entra!, await servers.entra!.mint(v2()), 'azure', expectEntra);
    expect(statuses(findings)).toMatchObject({ 'token.issuer': 'pass', 'token.audience': 'pass', 'token.scopes': 'pass', 'token.signature': 'pass' });
  });

  test('a v1 token (sts.windows.net issuer, App ID URI audience): issuer and audience fail naming requestedAccessTokenVersion', async () => {
    const findings = await check(servers.entra!, await servers.entra!.mint({ ...v2(), ver: '1.0', iss: `https://sts.windows.net/${TENANT}/`, aud: `api://${ENTRA_API}` }), 'azure', expectEntra);
    const fix = 'Set "requestedAccessTokenVersion": 2 in the API app\'s manifest (Entra admin center › App registrations › your API › Manifest; legacy name accessTokenAcceptedVersion), then sign in again for a new token';
    expect(findings['token.issuer']).toMatchObject({ status: 'fail', summary: `The token is an Entra v1 token (issuer https://sts.windows.net/${TENANT}/); the server expects v2 tokens from ${servers.entra!.issuer}`, fix });
    expect(findings['token.audience']).toMatchObject({ status: 'fail', summary: `The token is an Entra v1 token (ver 1.0, aud api://${ENTRA_API}); the server accepts v2 tokens, whose aud is the API's client id`, fix });
  });

  test('a Microsoft Graph token (header nonce, aud 00000003-…): header and audience fail, signature not attempted', async () => {
    const graph = await servers.entra!.mint({ ...v2(), aud: '00000003-0000-0000-c000-000000000000', scp: 'User.Read openid' }, { header: { nonce: 'AQABAAAAAAD' } });
    const findings = await check(servers.entra!, graph, 'azure', expectEntra);
    const fix = "Request a token for your own API's scope ({Application ID URI}/mcp.tools, e.g. api://<api-client-id>/mcp.tools), not for Microsoft Graph (User.Read, openid): Graph tokens never verify outside Graph";
    expect(findings['token.header']).toMatchObject({ status: 'fail', summary: 'The token header has a nonce: it is a Microsoft Graph access token, which only Graph can verify (its signature never checks out elsewhere)', fix });
    expect(findings['token.signature']).toMatchObject({ status: 'skip', summary: 'Skipped: a Microsoft Graph token cannot be verified outside Graph (see token.header)' });
    expect(findings['token.audience']).toMatchObject({ status: 'fail', summary: 'The token is for Microsoft Graph (aud 00000003-0000-0000-c000-000000000000), not for your API' });
  });

  test('a token for another app: audience fails asking for a scope of this API', async () => {
    const findings = await check(servers.entra!, await servers.entra!.mint({ ...v2(), aud: '00000000-1111-2222-3333-444444444444' }), 'azure', expectEntra);
    expect(findings['token.audience']!.fix).toBe(`Request a scope of your API ({Application ID URI}/mcp.tools): its v2 tokens carry the API's client id ${ENTRA_API} in aud`);
  });
});

describe('Amazon Cognito', () => {
  const expectCognito = { clientIds: [COGNITO_CLIENT], scopes: ['mcp/tools'], provider: 'cognito' as const };
  const access = (): JWTPayload => ({ sub: 's', token_use: 'access', client_id: COGNITO_CLIENT, username: 'jane', scope: 'openid mcp/tools' });

  test('an access token for an allowed app client: passes (no aud needed)', async () => {
    const findings = await check(servers.cognito!, await servers.cognito!.mint(access()), 'cognito', expectCognito);
    expect(findings['token.audience']).toMatchObject({ status: 'pass', summary: `A Cognito access token for the allowed app client ${COGNITO_CLIENT} (Cognito access tokens have no aud)` });
    expect(statuses(findings)).toMatchObject({ 'token.scopes': 'pass', 'token.signature': 'pass', 'token.issuer': 'pass' });
  });

  test('an ID token: audience fails, send the access token', async () => {
    const findings = await check(servers.cognito!, await servers.cognito!.mint({ sub: 's', token_use: 'id', aud: COGNITO_CLIENT, email: 'j@example.com' }), 'cognito', expectCognito);
    expect(findings['token.audience']).toMatchObject({
      status: 'fail',
      summary: 'The token is a Cognito ID token (token_use: id); the server needs the access token',
      fix: 'Send the access_token from the token response, not the id_token (MCP clients such as ChatGPT do this by themselves)',
    });
  });

  test('an access token of another app client: audience fails naming it', async () => {
    const findings = await check(servers.cognito!, await servers.cognito!.mint({ ...access(), client_id: 'otherclient000000000000000' }), 'cognito', expectCognito);
    expect(findings['token.audience']!.summary).toBe(`The token was issued to app client otherclient000000000000000, which is not an allowed app client (${COGNITO_CLIENT})`);
  });

  test('a missing scope: warns naming where Cognito puts scopes', async () => {
    const findings = await check(servers.cognito!, await servers.cognito!.mint({ ...access(), scope: 'openid' }), 'cognito', expectCognito);
    expect(findings['token.scopes']).toMatchObject({ status: 'warn', summary: 'The token lacks mcp/tools (it grants openid); the server answers 403 insufficient_scope', fix: expect.stringContaining('Cognito puts scopes in scope') });
  });
});

describe('Okta and Keycloak', () => {
  test('Okta: a token from the org authorization server: issuer fails, use the custom server', async () => {
    const okta = servers.okta!;
    const findings = await check(okta, await okta.mint({ iss: okta.origin, aud: 'api://default', scp: ['mcp:tools'], cid: 'c' }), 'okta', { audiences: ['api://default'], scopes: ['mcp:tools'] });
    expect(findings['token.issuer']).toMatchObject({
      status: 'fail',
      summary: `The token comes from the Okta org authorization server ${okta.origin}, whose tokens are only for Okta's own APIs; the server expects ${okta.issuer}`,
      fix: `Have the client use the custom authorization server ${okta.issuer} (its /v1/authorize and /v1/token endpoints)`,
    });
    expect(findings['token.scopes']!.status).toBe('pass');
  });

  test("Okta: another audience: fails naming the authorization server's Audience setting", async () => {
    const okta = servers.okta!;
    const findings = await check(okta, await okta.mint({ aud: 'api://other', scp: ['mcp:tools'] }), 'okta', { audiences: ['api://default'] });
    expect(findings['token.audience']!.fix).toBe('Set the Audience of the authorization server to api://default (Okta Admin › Security › API › Authorization Servers › your server › Settings)');
  });

  test("Keycloak: aud only 'account': fails with the Audience mapper fix", async () => {
    const kc = servers.keycloak!;
    const findings = await check(kc, await kc.mint({ aud: 'account', azp: 'chatgpt', scope: 'openid mcp:tools' }), 'keycloak', { audiences: [RESOURCE], scopes: ['mcp:tools'] });
    expect(findings['token.audience']).toMatchObject({
      status: 'fail',
      summary: `The token's aud account does not include ${RESOURCE} (account is Keycloak's default audience)`,
      fix: `Add an Audience mapper with Included Custom Audience ${RESOURCE} on a realm default client scope (Keycloak Admin › Client scopes › Create client scope, type Default › Mappers › By configuration › Audience), so clients hosts register get it too; a client's dedicated scope reaches that client only`,
    });
  });

  test('Keycloak: a required scope granted as a realm or a client role counts, as the generated verifier counts it', async () => {
    const kc = servers.keycloak!;
    const token = await kc.mint({ aud: RESOURCE, azp: 'chatgpt', scope: 'openid profile', realm_access: { roles: ['mcp-user', 'offline_access'] }, resource_access: { 'orders-api': { roles: ['reader'] }, account: { roles: ['view-profile'] } } });
    const granted = await check(kc, token, 'keycloak', { audiences: [RESOURCE], scopes: ['mcp-user', 'orders-api:reader'] });
    expect(granted['token.scopes']).toMatchObject({
      status: 'pass',
      details: ['scope: openid profile', 'realm_access.roles: mcp-user offline_access', 'resource_access.orders-api.roles: orders-api:reader', 'resource_access.account.roles: account:view-profile'],
    });
    // A client role is {client}:{role}: the bare role name is not granted.
    const bare = await check(kc, token, 'keycloak', { audiences: [RESOURCE], scopes: ['reader'] });
    expect(bare['token.scopes']!.status).toBe('warn');
  });

  test('an ID token (nonce, at_hash): audience fails', async () => {
    const kc = servers.keycloak!;
    const findings = await check(kc, await kc.mint({ aud: 'chatgpt', nonce: 'n', at_hash: 'h' }), 'keycloak', { audiences: [RESOURCE] });
    expect(findings['token.audience']!.summary).toBe("The token looks like an ID token (it has nonce; aud chatgpt is the client's id): ID tokens are for the client, not for your API");
  });
});

describe('keys and signatures', () => {
  test('a kid the issuer does not publish: header fails; signature skipped', async () => {
    const kc = servers.keycloak!;
    const findings = await check(kc, await kc.mint({ aud: RESOURCE }, { kid: 'rotated-away' }), 'keycloak', { audiences: [RESOURCE] });
    expect(findings['token.header']).toMatchObject({ status: 'fail', summary: `The token's kid rotated-away is not among the keys at ${kc.origin}/jwks (test-rs256, test-es256): it was signed by another tenant, realm or issuer, or with a key that was rotated away` });
    expect(findings['token.signature']!.status).toBe('skip');
  });

  test('signed by another key under a published kid: signature fails', async () => {
    const kc = servers.keycloak!;
    const { privateKey } = await generateKeyPair('RS256');
    const findings = await check(kc, await kc.mint({ aud: RESOURCE }, { key: privateKey, kid: 'test-rs256' }), 'keycloak', { audiences: [RESOURCE] });
    expect(findings['token.signature']).toMatchObject({ status: 'fail', summary: `The signature does not verify with kid test-rs256 from ${kc.origin}/jwks: the token was altered (or truncated when copied), or another server signed it with the same kid` });
  });

  test('ES256 verifies with the EC key', async () => {
    const findings = await check(servers.keycloak!, await servers.keycloak!.mint({ aud: RESOURCE }, { alg: 'ES256' }), 'keycloak', { audiences: [RESOURCE] });
    expect(findings['token.signature']!.summary).toBe(`The signature verifies with kid test-es256 from ${servers.keycloak!.origin}/jwks`);
  });
});

describe('opaque tokens and unknown expectations', () => {
  test("Google's ya29. token: shape fails", async () => {
    const findings = await check(servers.keycloak!, 'ya29.a0AfH6SMBx', 'generic');
    expect(findings['token.shape']!.summary).toBe('The token starts with "ya29.": a Google access token, which is opaque and can only be checked by Google');
  });
  test("an opaque Okta token: shape fails, use a custom authorization server", async () => {
    const findings = await check(servers.okta!, 'opaque-token-from-the-org-server', 'okta');
    expect(findings['token.shape']!.fix).toBe("Okta's org authorization server issues tokens only Okta can read: use a custom authorization server (https://{domain}/oauth2/default) whose access tokens are JWTs");
  });
  test('no audience or scopes configured: info with what to pass', async () => {
    const findings = await check(servers.keycloak!, await servers.keycloak!.mint({ aud: RESOURCE, scope: 'a b' }), 'keycloak');
    expect(findings['token.audience']).toMatchObject({ status: 'info', summary: `aud is ${RESOURCE}`, fix: 'Pass --audience (the API identifier) or --resource to check it' });
    expect(findings['token.scopes']).toMatchObject({ status: 'info', summary: 'The token grants a b' });
    expect(findings['token.type']!.summary).toBe("No typ header: most providers omit it; the generated server does not require RFC 9068's at+jwt");
  });
});
