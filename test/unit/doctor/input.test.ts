/**
 * Input resolution: usage errors (exit 2) before any request, AUTH-FACTS item 2 (provider
 * settings coherence) with the issuer to use, `fastapps.json`, and the token sources.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { resolveInput, parseSkip, type DoctorFlags } from '../../../src/doctor/input.js';
import { resolveProvider } from '../../../src/doctor/provider-input.js';
import { UsageError } from '../../../src/errors.js';
import { tempDir } from '../../helpers/cli.js';

const empty = () => Readable.from([]);
const resolve = (arg: string | undefined, flags: DoctorFlags, cwd = tempDir(), stdin: NodeJS.ReadableStream = empty()) => resolveInput(arg, flags, { cwd, stdin });

async function usage(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  return (error as UsageError).message;
}

describe('usage errors (exit 2)', () => {
  test('an argument and --provider together', async () => {
    expect(await usage(resolve('https://a.example/', { provider: 'auth0', domain: 'a.example' }))).toBe('Give either an issuer URL (https://a.example/) or --provider with its flags, not both.');
  });
  test('an argument and --issuer together', async () => {
    expect(await usage(resolve('https://a.example/', { issuer: 'https://b.example/' }))).toBe('Give the issuer once: as the argument (https://a.example/) or with --issuer, not both.');
  });
  test('--token and --token-file together; an unreadable token file; an empty token', async () => {
    expect(await usage(resolve('https://a.example/', { token: 'x', tokenFile: 'y' }))).toBe('--token and --token-file both give a token; use one.');
    const dir = tempDir();
    expect(await usage(resolve('https://a.example/', { tokenFile: 'missing.txt' }, dir))).toBe(`--token-file: can't read ${path.join(dir, 'missing.txt')} (no such file).`);
    expect(await usage(resolve('https://a.example/', { token: '-' }))).toBe('The token read from stdin is empty: no token to check.');
  });
  test('bad --timeout, --skip, --server, --auth-mode', async () => {
    expect(await usage(resolve('https://a.example/', { timeout: '5s' }))).toBe('--timeout: "5s" is not a timeout in milliseconds between 100 and 600000.');
    expect(await usage(resolve('https://a.example/', { skip: ['server.nope'] }))).toBe('--skip: "server.nope" is not a check id or group.');
    expect(await usage(resolve('https://a.example/', { server: 'mcp.example.com' }))).toBe('--server: "mcp.example.com" is not an http(s) URL; give e.g. https://my-app.example.com/mcp.');
    expect(await usage(resolve('https://a.example/', { authMode: 'optional' }))).toBe('--auth-mode: "optional" is not a mode; use required or mixed.');
  });
  test('--provider: unknown, a flag of another provider, missing values', async () => {
    expect(await usage(resolve(undefined, { provider: 'fusionauth' }))).toBe('--provider: "fusionauth" is not a provider; use one of local, auth0, okta, azure, cognito, oidc, keycloak, workos, google, github.');
    expect(await usage(resolve(undefined, { provider: 'auth0', domain: 'a.auth0.com', tenant: 't' }))).toBe('--tenant is not used by the auth0 provider.');
    expect(await usage(resolve(undefined, { provider: 'cognito', clientId: ['abc'] }))).toBe('--provider cognito needs --user-pool <eu-west-1_AbCdEf123> (or --issuer).');
    expect(await usage(resolve(undefined, { provider: 'cognito', userPool: 'eu-west-1_AbC', audience: 'x' }))).toBe('--audience: Cognito access tokens have no aud claim; they are bound to your app clients with --client-id.');
  });
  test('nothing to check, outside a project', async () => {
    expect(await usage(resolve(undefined, {}))).toMatch(/^Nothing to check: give an issuer URL, --provider with its flags, --server <mcp-url> or --token/);
  });
});

describe('input.provider-fields (AUTH-FACTS 2)', () => {
  const R = 'http://localhost:3000/mcp';
  test('Cognito: the pool id and region disagree: fail, with the issuer of the pool’s own region', () => {
    const r = resolveProvider({ provider: 'cognito', userPool: 'eu-west-1_AbC123', region: 'us-east-1' }, R);
    expect(r.issuer).toBe('https://cognito-idp.us-east-1.amazonaws.com/eu-west-1_AbC123');
    expect(r.finding).toEqual({
      id: 'input.provider-fields',
      title: 'Provider settings are coherent',
      status: 'fail',
      summary: 'Amazon Cognito settings don\'t fit together: --region us-east-1: The user pool eu-west-1_AbC123 is in eu-west-1, not us-east-1; drop --region or use --region eu-west-1.',
      details: ['--region us-east-1: The user pool eu-west-1_AbC123 is in eu-west-1, not us-east-1; drop --region or use --region eu-west-1.', 'issuer these flags build: https://cognito-idp.us-east-1.amazonaws.com/eu-west-1_AbC123'],
      fix: 'The user pool eu-west-1_AbC123 is in eu-west-1, not us-east-1; drop --region or use --region eu-west-1. The issuer for these values: https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123',
    });
  });
  test('Cognito: the region comes from the pool id: pass, naming the built issuer', () => {
    expect(resolveProvider({ provider: 'cognito', userPool: 'eu-west-1_AbC123', clientId: ['abc'] }, R).finding).toMatchObject({ status: 'pass', summary: 'Amazon Cognito: --user-pool eu-west-1_AbC123, --region eu-west-1, --client-id abc build the issuer https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123' });
  });
  test('Entra: a multi-tenant alias: fail, but the issuer is still checked (to show the placeholder)', () => {
    const r = resolveProvider({ provider: 'azure', tenant: 'common' }, R);
    expect(r.issuer).toBe('https://login.microsoftonline.com/common/v2.0');
    expect(r.finding.status).toBe('fail');
    expect(r.finding.fix).toBe('"common" is a multi-tenant alias whose discovery document names the placeholder issuer https://login.microsoftonline.com/{tenantid}/v2.0, which no token carries; use your directory (tenant) id from Entra admin center › Overview.');
  });
  test('Entra: the v1 issuer given with --issuer: fail', () => {
    const r = resolveProvider({ provider: 'azure', issuer: `https://sts.windows.net/${'9a95fd9e-005d-487a-9a01-d08c1eab2757'}/` }, R);
    expect(r.finding.summary).toContain('is the v1 token issuer; use the v2 issuer https://login.microsoftonline.com/<tenant-id>/v2.0 and set requestedAccessTokenVersion to 2');
  });
  test('Okta: the org server as --issuer: fail with the custom server', () => {
    expect(resolveProvider({ provider: 'okta', issuer: 'https://acme.okta.com' }, R).finding.fix).toBe("The Okta org authorization server issues tokens for Okta's own APIs, which your server cannot validate. Use a custom authorization server: https://acme.okta.com/oauth2/default.");
  });
  test('Auth0: a URL pasted as the domain is reduced to the domain', () => {
    const r = resolveProvider({ provider: 'auth0', domain: 'https://acme.us.auth0.com/' }, R);
    expect(r).toMatchObject({ issuer: 'https://acme.us.auth0.com/', finding: { status: 'pass', summary: 'Auth0: --domain acme.us.auth0.com builds the issuer https://acme.us.auth0.com/' } });
  });
  test('Auth0: a domain with a path: fail', () => {
    expect(resolveProvider({ provider: 'auth0', domain: 'acme.us.auth0.com/api' }, R).finding.status).toBe('fail');
  });
  test('local: the issuer is the project’s own /oauth', () => {
    expect(resolveProvider({ provider: 'local' }, 'http://127.0.0.1:4000/mcp').issuer).toBe('http://127.0.0.1:4000/oauth');
  });
});

describe('fastapps.json', () => {
  function project(manifest: Record<string, unknown>): string {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'fastapps.json'), JSON.stringify(manifest));
    mkdirSync(path.join(dir, 'src'));
    return path.join(dir, 'src');
  }
  const manifest = { generator: { name: 'create-fastapps', version: '0.1.0', template: 1 }, provider: 'cognito', providerInput: { userPool: 'eu-west-1_AbC123' }, issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123', resource: 'https://mcp.example.com/mcp', audiences: [], clientIds: ['abc'], scopes: ['mcp/tools'], authMode: 'mixed', issuerCheck: 'skipped' };

  test('found from a subfolder; its issuer, client ids, scopes and mode become the expectations', async () => {
    const input = await resolve(undefined, { server: 'https://mcp.example.com/mcp' }, project(manifest));
    expect(input).toMatchObject({ issuer: manifest.issuer, issuerSource: 'fastapps.json', provider: 'cognito', preRegisteredClient: true, server: 'https://mcp.example.com/mcp', expect: { resource: manifest.resource, clientIds: ['abc'], scopes: ['mcp/tools'], authMode: 'mixed' } });
    expect(input.project?.issuerCheck).toBe('skipped');
  });
  test('flags override it', async () => {
    expect((await resolve(undefined, { scopes: 'a,b', authMode: 'required' }, project(manifest))).expect).toMatchObject({ scopes: ['a', 'b'], authMode: 'required' });
  });
  test('an argument or --provider ignores it', async () => {
    expect((await resolve('https://a.example/', {}, project(manifest))).project).toBeUndefined();
  });
  test('a broken manifest is a usage error naming the member', async () => {
    expect(await usage(resolve(undefined, {}, project({ ...manifest, provider: 'nope' })))).toMatch(/fastapps\.json is damaged: "provider" is "nope", not one of local, auth0, okta, azure, cognito, oidc, keycloak, workos, google, github\.$/);
  });
});

describe('tokens', () => {
  test('from stdin, a pasted "Bearer " prefix removed and noted', async () => {
    const input = await resolve('https://a.example/', { token: '-' }, tempDir(), Readable.from(['Bearer eyJ.abc.def\n']));
    expect(input.token).toEqual({ raw: 'eyJ.abc.def', source: 'stdin', notes: ['a leading "Bearer " was removed'] });
  });
  test('from a file', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 't.txt'), 'eyJ.abc.def\n');
    expect((await resolve('https://a.example/', { tokenFile: 't.txt' }, dir)).token).toMatchObject({ raw: 'eyJ.abc.def', source: '--token-file' });
  });
  test('a token with a line break inside: usage error', async () => {
    expect(await usage(resolve('https://a.example/', { token: 'eyJ.abc\n.def' }))).toBe('--token contains spaces or line breaks inside the token.');
  });
});

test('--skip takes ids and groups', () => {
  expect([...parseSkip(['jwks', 'server.cors,token.type'])]).toEqual(['jwks.reachable', 'jwks.signing-keys', 'jwks.no-secret-keys', 'jwks.kid-hygiene', 'jwks.caching', 'server.cors', 'token.type']);
});
