/**
 * `.env` and `.env.example` from one table: in a broker project the four broker keys are set in
 * `.env` (the secret only there), documented in the example (the secret an empty placeholder, the
 * signing key commented); other projects carry no broker keys. `auth`'s merge writes them on a
 * switch, keeps a secret that is already there, and replaces it only with a new one.
 */
import { describe, expect, test } from 'vitest';
import { AUTH_ENV_KEYS, DEFAULT_BROKER_STORE, dotEnv, dotEnvExample, envValues } from '../../../src/generate/env.js';
import type { Answers } from '../../../src/options/answers.js';
import { mergeDotEnv, parseEnvValue, readEnvValue } from '../../../src/regen/env-merge.js';

const SECRET = "s3cr3t-'quoted'-value";

const direct: Answers = {
  targetDir: '/tmp/app',
  targetArg: 'app',
  projectName: 'app',
  provider: 'auth0',
  providerInput: { domain: 'acme.us.auth0.com' },
  issuer: 'https://acme.us.auth0.com/',
  resource: 'https://mcp.acme.dev/mcp',
  audiences: ['https://mcp.acme.dev/mcp'],
  clientIds: [],
  scopes: ['mcp:tools'],
  authMode: 'required',
  signIn: 'direct',
  skipIssuerCheck: true,
  install: false,
  git: false,
  pm: 'npm',
  force: false,
  timeoutMs: 5000,
};
const broker: Answers = { ...direct, signIn: 'broker', brokerClientId: 'brk-123', brokerClientSecret: SECRET };

/** The documented line above a key in `.env.example`, and the key's own line. */
function documented(example: string, key: string): { doc: string; line: string } {
  const lines = example.split('\n');
  const index = lines.findIndex((line) => line.replace(/^# /, '').startsWith(`${key}=`));
  expect(index, `${key} in .env.example`).toBeGreaterThan(0);
  return { doc: lines[index - 1]!, line: lines[index]! };
}

const pick = (values: Record<string, string>) => Object.fromEntries(Object.entries(values).filter(([key]) => (AUTH_ENV_KEYS as readonly string[]).includes(key)));

describe('a broker project', () => {
  test('.env sets the sign-in, the client id, the secret (read back byte for byte) and the store', () => {
    const env = dotEnv(broker);
    expect(env).toContain('OAUTH_SIGN_IN=broker\n');
    expect(env).toContain('OAUTH_BROKER_CLIENT_ID=brk-123\n');
    expect(env).toContain(`OAUTH_BROKER_STORE=${DEFAULT_BROKER_STORE}\n`);
    expect(DEFAULT_BROKER_STORE).toBe('file:.fastapps/broker');
    expect(readEnvValue(env, 'OAUTH_BROKER_CLIENT_SECRET')).toBe(SECRET);
    expect(env).not.toContain('OAUTH_BROKER_SIGNING_KEY');
    expect(envValues(broker)).toMatchObject({ OAUTH_SIGN_IN: 'broker', OAUTH_BROKER_CLIENT_ID: 'brk-123', OAUTH_BROKER_CLIENT_SECRET: SECRET, OAUTH_BROKER_STORE: 'file:.fastapps/broker' });
  });

  test('.env.example documents every broker key, never the secret', () => {
    const example = dotEnvExample(broker);
    expect(example).not.toContain('s3cr3t');
    expect(documented(example, 'OAUTH_BROKER_CLIENT_SECRET').line).toBe('OAUTH_BROKER_CLIENT_SECRET=');
    expect(documented(example, 'OAUTH_BROKER_CLIENT_ID')).toEqual({
      doc: "# Client id of this server's own confidential client at Auth0, with redirect URI {origin of MCP_RESOURCE_URL}/oauth/callback (see AUTH_SETUP.md).",
      line: 'OAUTH_BROKER_CLIENT_ID=brk-123',
    });
    const store = documented(example, 'OAUTH_BROKER_STORE');
    expect(store.line).toBe('OAUTH_BROKER_STORE=file:.fastapps/broker');
    expect(store.doc).toContain('memory: one process, for development');
    expect(store.doc).toContain('file:<dir>: survives restarts, one process');
    expect(store.doc).toContain('redis://host:port: any number of instances');
    const key = documented(example, 'OAUTH_BROKER_SIGNING_KEY');
    expect(key.line).toMatch(/^# OAUTH_BROKER_SIGNING_KEY=/);
    expect(key.doc).toBe('# PEM or JWK private key the broker signs its access tokens with. Unset: one is generated once and kept in OAUTH_BROKER_STORE.');
    expect(documented(example, 'OAUTH_SIGN_IN')).toMatchObject({ line: 'OAUTH_SIGN_IN=broker', doc: expect.stringContaining('broker: this server is the authorization server hosts see') });
    expect(documented(example, 'OAUTH_SIGN_IN').doc).not.toContain('a project gets it with');
  });

  test('an unknown secret (auth --dry-run) leaves the line out of .env, and the example keeps its placeholder', () => {
    const unknown = { ...broker, brokerClientSecret: undefined };
    expect(dotEnv(unknown)).not.toContain('OAUTH_BROKER_CLIENT_SECRET');
    expect(documented(dotEnvExample(unknown), 'OAUTH_BROKER_CLIENT_SECRET').line).toBe('OAUTH_BROKER_CLIENT_SECRET=');
  });

  test('the local generic provider is "your identity provider" in the docs', () => {
    const oidc = { ...broker, provider: 'oidc' as const, providerInput: { issuer: 'https://sso.example.com/' }, issuer: 'https://sso.example.com/' };
    expect(documented(dotEnvExample(oidc), 'OAUTH_BROKER_CLIENT_ID').doc).toContain('own confidential client at your identity provider,');
  });
});

describe('other projects', () => {
  test('no broker keys at all, and the sign-in doc says how to get the broker where the provider offers it', () => {
    for (const answers of [direct, { ...direct, signIn: 'facade' as const }]) {
      expect(dotEnv(answers)).not.toContain('OAUTH_BROKER');
      expect(dotEnvExample(answers)).not.toMatch(/^#? ?OAUTH_BROKER_/m);
      expect(documented(dotEnvExample(answers), 'OAUTH_SIGN_IN').doc).toContain('a project gets it with npx create-fastapps auth --sign-in broker --broker-client-id <id>');
    }
    const keycloak = { ...direct, provider: 'keycloak' as const, providerInput: { domain: 'sso.example.com', realm: 'main' }, issuer: 'https://sso.example.com/realms/main' };
    expect(documented(dotEnvExample(keycloak), 'OAUTH_SIGN_IN').doc).not.toContain('broker');
  });

  test('even when the answers carry a stray secret, a non-broker project writes it nowhere', () => {
    const stray = { ...direct, brokerClientId: 'brk-123', brokerClientSecret: SECRET };
    expect(dotEnv(stray)).not.toContain('s3cr3t');
    expect(dotEnvExample(stray)).not.toContain('s3cr3t');
  });
});

describe("auth's merge of the broker keys", () => {
  const generated = dotEnv(direct) + 'MY_OWN=1\n';

  test('direct → broker: the keys are added beside the other owned keys; your lines stay', () => {
    const result = mergeDotEnv(generated, pick(envValues(direct)), pick(envValues(broker)), AUTH_ENV_KEYS, 'Auth0');
    expect(result.set).toEqual(['OAUTH_SIGN_IN', 'OAUTH_BROKER_CLIENT_ID', 'OAUTH_BROKER_CLIENT_SECRET', 'OAUTH_BROKER_STORE']);
    expect(result.content).toContain(`OAUTH_SCOPES=mcp:tools\nOAUTH_BROKER_CLIENT_ID=brk-123\nOAUTH_BROKER_CLIENT_SECRET="${SECRET}"\nOAUTH_BROKER_STORE=file:.fastapps/broker\n`);
    expect(result.content).toContain('MY_OWN=1\n');
    expect(readEnvValue(result.content!, 'OAUTH_BROKER_CLIENT_SECRET')).toBe(SECRET);
  });

  test('a re-run with the secret already in .env changes nothing; a store of your own stays', () => {
    const text = dotEnv(broker).replace('OAUTH_BROKER_STORE=file:.fastapps/broker', 'OAUTH_BROKER_STORE=redis://cache:6379');
    const kept = readEnvValue(text, 'OAUTH_BROKER_CLIENT_SECRET');
    const again = { ...broker, brokerClientSecret: kept };
    expect(mergeDotEnv(text, pick(envValues(again)), pick(envValues(again)), AUTH_ENV_KEYS, 'Auth0').content).toBeUndefined();
  });

  test('a new secret (from the environment) replaces the old one in place, without keeping it as a comment', () => {
    const text = dotEnv(broker);
    const result = mergeDotEnv(text, pick(envValues(broker)), pick(envValues({ ...broker, brokerClientSecret: 'rotated' })), AUTH_ENV_KEYS, 'Auth0');
    expect(result.set).toEqual(['OAUTH_BROKER_CLIENT_SECRET']);
    expect(result.replacedOwn).toEqual([]);
    expect(result.content).toContain('OAUTH_BROKER_CLIENT_SECRET=rotated\n');
    expect(result.content).not.toContain('s3cr3t');
  });

  test('an empty placeholder (copied from .env.example) is filled in place', () => {
    const text = dotEnv({ ...broker, brokerClientSecret: '' });
    expect(text).toContain('OAUTH_BROKER_CLIENT_SECRET=\n');
    const result = mergeDotEnv(text, pick(envValues({ ...broker, brokerClientSecret: '' })), pick(envValues(broker)), AUTH_ENV_KEYS, 'Auth0');
    expect(result.replacedOwn).toEqual([]);
    expect(readEnvValue(result.content!, 'OAUTH_BROKER_CLIENT_SECRET')).toBe(SECRET);
  });

  test('broker → direct: the broker keys are commented out, never deleted', () => {
    const result = mergeDotEnv(dotEnv(broker), pick(envValues(broker)), pick(envValues(direct)), AUTH_ENV_KEYS, 'Auth0');
    expect(result.commented).toEqual(['OAUTH_BROKER_CLIENT_ID', 'OAUTH_BROKER_CLIENT_SECRET', 'OAUTH_BROKER_STORE']);
    expect(readEnvValue(result.content!, 'OAUTH_BROKER_CLIENT_ID')).toBeUndefined();
    expect(result.content).toContain('# OAUTH_BROKER_CLIENT_ID=brk-123');
  });

  test('readEnvValue reads what Node reads: quotes removed, the last assignment wins, commented lines ignored', () => {
    expect(readEnvValue('A=1\n# B=2\nB=3\nB="4 5"\n', 'B')).toBe('4 5');
    expect(readEnvValue('# B=2\n', 'B')).toBeUndefined();
    expect(parseEnvValue("'x y'")).toBe('x y');
  });
});
