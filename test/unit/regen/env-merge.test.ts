/** `.env` is merged per owned key: every other line stays byte for byte, nothing is deleted. */
import { describe, expect, test } from 'vitest';
import { AUTH_ENV_KEYS } from '../../../src/generate/env.js';
import { mergeDotEnv, parseEnvValue, redactDotEnv } from '../../../src/regen/env-merge.js';

const auth0 = { MCP_RESOURCE_URL: 'http://localhost:3000/mcp', AUTH_MODE: 'required', OAUTH_ISSUER: 'https://acme.us.auth0.com/', OAUTH_AUDIENCE: 'http://localhost:3000/mcp', OAUTH_SCOPES: 'mcp:tools' };
const okta = { ...auth0, OAUTH_ISSUER: 'https://acme.okta.com/oauth2/default', OAUTH_AUDIENCE: 'api://default' };
const cognito = { MCP_RESOURCE_URL: 'http://localhost:3000/mcp', AUTH_MODE: 'required', OAUTH_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123', OAUTH_CLIENT_IDS: 'abc123', OAUTH_SCOPES: 'mcp/tools' };

const generated = [
  '# Settings for app. A variable set in the environment wins over this file.',
  '# Documented in .env.example. Keep this file out of git.',
  'PORT=3000',
  'MCP_RESOURCE_URL=http://localhost:3000/mcp',
  'AUTH_MODE=required',
  'OAUTH_ISSUER=https://acme.us.auth0.com/',
  'OAUTH_AUDIENCE=http://localhost:3000/mcp',
  'OAUTH_SCOPES=mcp:tools',
  'LOG_LEVEL=info',
  '',
].join('\n');

describe('mergeDotEnv', () => {
  test('rewrites only the owned keys whose value changes, in place; every other line stays', () => {
    const mine = generated.replace('LOG_LEVEL=info', '# my notes\nLOG_LEVEL=debug\nSTRIPE_SECRET=sk_live_123');
    const result = mergeDotEnv(mine, auth0, okta, AUTH_ENV_KEYS, 'Okta');
    expect(result.set).toEqual(['OAUTH_ISSUER', 'OAUTH_AUDIENCE']);
    expect(result.content).toBe(mine.replace('OAUTH_ISSUER=https://acme.us.auth0.com/', 'OAUTH_ISSUER=https://acme.okta.com/oauth2/default').replace('OAUTH_AUDIENCE=http://localhost:3000/mcp', 'OAUTH_AUDIENCE=api://default'));
  });

  test('the same answers change nothing, even where you set your own value', () => {
    const mine = generated.replace('OAUTH_SCOPES=mcp:tools', 'OAUTH_SCOPES=mcp:tools admin');
    expect(mergeDotEnv(mine, auth0, auth0, AUTH_ENV_KEYS, 'Auth0')).toEqual({ content: undefined, set: [], commented: [], replacedOwn: [] });
  });

  test('merging twice is the same as merging once', () => {
    const once = mergeDotEnv(generated, auth0, okta, AUTH_ENV_KEYS, 'Okta').content!;
    expect(mergeDotEnv(once, okta, okta, AUTH_ENV_KEYS, 'Okta').content).toBeUndefined();
  });

  test('a value of your own is kept, commented out, above the new one', () => {
    const mine = generated.replace('OAUTH_ISSUER=https://acme.us.auth0.com/', 'OAUTH_ISSUER=https://login.acme.com/');
    const result = mergeDotEnv(mine, auth0, okta, AUTH_ENV_KEYS, 'Okta');
    expect(result.replacedOwn).toEqual(['OAUTH_ISSUER']);
    expect(result.content).toContain('# Your earlier value, replaced by create-fastapps auth:\n# OAUTH_ISSUER=https://login.acme.com/\nOAUTH_ISSUER=https://acme.okta.com/oauth2/default\n');
  });

  test('a key the new provider does not use is commented out with a note, never deleted', () => {
    const result = mergeDotEnv(generated, auth0, cognito, AUTH_ENV_KEYS, 'Amazon Cognito');
    expect(result.commented).toEqual(['OAUTH_AUDIENCE']);
    expect(result.content).toContain('# Not used with Amazon Cognito (commented out by create-fastapps auth):\n# OAUTH_AUDIENCE=http://localhost:3000/mcp\n');
  });

  test('a missing key goes beside its neighbours in create\'s order; with none there, at the end', () => {
    const withoutIssuer = generated.replace('OAUTH_ISSUER=https://acme.us.auth0.com/\n', '');
    const result = mergeDotEnv(withoutIssuer, { ...auth0, OAUTH_ISSUER: undefined as unknown as string }, okta, AUTH_ENV_KEYS, 'Okta');
    expect(result.content).toContain('AUTH_MODE=required\nOAUTH_ISSUER=https://acme.okta.com/oauth2/default\nOAUTH_AUDIENCE=api://default\n');
    const bare = mergeDotEnv('PORT=3000', {}, { OAUTH_ISSUER: 'https://x.example/' }, AUTH_ENV_KEYS, 'OpenID Connect');
    expect(bare.content).toBe('PORT=3000\n# Added by create-fastapps auth\nOAUTH_ISSUER=https://x.example/\n');
  });

  test('keeps export, spacing, quotes style of other lines and CRLF line ends', () => {
    const crlf = 'export OAUTH_ISSUER = "https://acme.us.auth0.com/"\r\nNAME="a b" # comment\r\n';
    const result = mergeDotEnv(crlf, auth0, okta, ['OAUTH_ISSUER'], 'Okta');
    expect(result.content).toBe('export OAUTH_ISSUER = https://acme.okta.com/oauth2/default\r\nNAME="a b" # comment\r\n');
  });

  test('a value that needs quoting is written quoted', () => {
    const result = mergeDotEnv('OAUTH_SCOPES=mcp:tools\n', { OAUTH_SCOPES: 'mcp:tools' }, { OAUTH_SCOPES: 'mcp:tools mcp:admin' }, AUTH_ENV_KEYS, 'Auth0');
    expect(result.content).toBe("OAUTH_SCOPES='mcp:tools mcp:admin'\n");
    expect(parseEnvValue("'mcp:tools mcp:admin'")).toBe('mcp:tools mcp:admin');
  });

  test('an empty value is filled on its own line (the line break after = is not spacing)', () => {
    const result = mergeDotEnv('OAUTH_BROKER_CLIENT_SECRET=\nPORT=3000\n', { OAUTH_BROKER_CLIENT_SECRET: '' }, { OAUTH_BROKER_CLIENT_SECRET: 'x1' }, AUTH_ENV_KEYS, 'Auth0');
    expect(result.content).toBe('OAUTH_BROKER_CLIENT_SECRET=x1\nPORT=3000\n');
  });
});

test('redactDotEnv hides secret-looking values, commented or not, and nothing else', () => {
  expect(redactDotEnv('API_SECRET=abc\n# DB_PASSWORD=hunter2\nGITHUB_TOKEN=ghp_x\nOAUTH_ISSUER=https://x/\nPORT=3000\nEMPTY_SECRET=\n')).toBe(
    'API_SECRET=<redacted>\n# DB_PASSWORD=<redacted>\nGITHUB_TOKEN=<redacted>\nOAUTH_ISSUER=https://x/\nPORT=3000\nEMPTY_SECRET=\n',
  );
});
