/**
 * `--sign-in broker` through the built CLI, for what the CLI itself writes: the broker keys in .env
 * (the secret only there: not in fastapps.json, .env.example, any other file, stdout or stderr),
 * brokerClientId in fastapps.json, the refusals (no client id, no secret without a terminal, a
 * provider without broker, a provider that cannot sign users in for it), and `auth` switching a
 * direct project to broker and re-running on it without losing the secret. The broker's runtime in
 * the generated project is tested end to end in test/e2e/broker.test.ts.
 */
import { appendFileSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cliEnv, runCli, tempDir, type CliResult } from '../helpers/cli.js';
import { startIssuerServer, type IssuerServer } from '../helpers/issuer-server.js';

const SECRET = 'brk-SECRET-9f8e7d6c5b4a';
const STACK = /\n\s+at .+:\d+:\d+/;
const AUTH0 = ['--provider', 'auth0', '--domain', 'acme.us.auth0.com', '--resource', 'https://mcp.acme.dev/mcp'];
const withSecret = (secret = SECRET) => cliEnv({ OAUTH_BROKER_CLIENT_SECRET: secret });

const read = (dir: string, file: string) => readFileSync(path.join(dir, file), 'utf8');

/** The dotenv file as key → value (uncommented lines; what the server reads). */
function parseEnv(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match) values[match[1]!] = match[2]!.replace(/^(['"])(.*)\1$/, '$2');
  }
  return values;
}

/** Every file under `dir` (relative paths) whose content contains `needle`. */
function filesContaining(dir: string, needle: string, root = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return filesContaining(full, needle, root);
    return readFileSync(full, 'utf8').includes(needle) ? [path.relative(root, full)] : [];
  });
}

function neverPrinted(result: CliResult, secret = SECRET): void {
  expect(result.stdout).not.toContain(secret);
  expect(result.stderr).not.toContain(secret);
}

async function expectRefused(args: string[], env: Record<string, string | undefined>, code: 1 | 2, pattern: RegExp): Promise<CliResult> {
  const cwd = tempDir('fastapps-broker-');
  const result = await runCli(args, { cwd, env });
  expect(result.exitCode, result.stderr + result.stdout).toBe(code);
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr).not.toMatch(STACK);
  expect(readdirSync(cwd), 'nothing is written').toEqual([]);
  neverPrinted(result);
  return result;
}

describe('create --sign-in broker', () => {
  let cwd: string;
  let dir: string;
  let result: CliResult;

  beforeAll(async () => {
    cwd = tempDir('fastapps-broker-');
    dir = path.join(cwd, 'app');
    result = await runCli(['app', ...AUTH0, '--sign-in', 'broker', '--broker-client-id', 'brk-client-1', '--skip-issuer-check', '--no-install', '--no-git'], { cwd, env: withSecret() });
  });

  test('writes the project, printing the callback URL to allow at the provider and never the secret', () => {
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain("Allow this redirect URI on the server's own client at Auth0 (brk-client-1): https://mcp.acme.dev/oauth/callback\n");
    neverPrinted(result);
  });

  test('.env has the sign-in, the client id, the secret and the store', () => {
    expect(parseEnv(read(dir, '.env'))).toMatchObject({
      OAUTH_SIGN_IN: 'broker',
      OAUTH_BROKER_CLIENT_ID: 'brk-client-1',
      OAUTH_BROKER_CLIENT_SECRET: SECRET,
      OAUTH_BROKER_STORE: 'file:.fastapps/broker',
    });
  });

  test('fastapps.json records brokerClientId and the sign-in, and not the secret', () => {
    const manifest = JSON.parse(read(dir, 'fastapps.json'));
    expect(manifest).toMatchObject({ signIn: 'broker', brokerClientId: 'brk-client-1' });
    expect(JSON.stringify(manifest)).not.toContain(SECRET);
  });

  test('the secret is in no file but .env; .env.example has an empty placeholder', () => {
    expect(filesContaining(dir, SECRET)).toEqual(['.env']);
    expect(read(dir, '.env.example')).toMatch(/^OAUTH_BROKER_CLIENT_SECRET=$/m);
  });

  test('AUTH_SETUP.md names the one client to register, its redirect URI and where its id goes', () => {
    const checklist = read(dir, 'AUTH_SETUP.md');
    expect(checklist).toContain('**Redirect URI**, exactly: `https://mcp.acme.dev/oauth/callback`');
    expect(checklist).toContain('`OAUTH_BROKER_CLIENT_ID=brk-client-1`');
    expect(checklist).toContain('| ChatGPT | nothing to register: the host registers itself (DCR/CIMD) |');
    expect(checklist).toContain('pass `consentPage` to `startServer` (in `src/index.ts`) or `createServer`');
  });
});

describe('create --sign-in broker refuses, writing nothing', () => {
  test('without --broker-client-id: exit 2, one line with the fix', async () => {
    const result = await expectRefused(['app', ...AUTH0, '--sign-in', 'broker', '--no-install', '--no-git', '--skip-issuer-check'], withSecret(), 2, /--sign-in broker needs the client id of the server's own client at Auth0: pass --broker-client-id <id>/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('without the secret and without a terminal: exit 2, naming OAUTH_BROKER_CLIENT_SECRET', async () => {
    const result = await expectRefused(
      ['app', ...AUTH0, '--sign-in', 'broker', '--broker-client-id', 'brk-client-1', '--no-install', '--no-git', '--skip-issuer-check'],
      cliEnv(),
      2,
      /set OAUTH_BROKER_CLIENT_SECRET in the environment of this command.*Nothing was written\./,
    );
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  test.each([
    ['local', [], /--sign-in: the local provider has no broker sign-in; use direct\./],
    ['keycloak', ['--domain', 'sso.example.com', '--realm', 'main'], /--sign-in: the keycloak provider has no broker sign-in; use direct or facade\./],
  ])('on %s: exit 2, naming the modes it offers', async (provider, fields, pattern) => {
    await expectRefused(['app', '--provider', provider, ...fields, '--sign-in', 'broker', '--broker-client-id', 'brk-client-1', '--no-install', '--no-git'], withSecret(), 2, pattern);
  });

  test('--broker-client-id with another sign-in: exit 2', async () => {
    await expectRefused(['app', ...AUTH0, '--sign-in', 'direct', '--broker-client-id', 'brk-client-1', '--no-install', '--no-git', '--skip-issuer-check'], withSecret(), 2, /--broker-client-id is used only with the broker sign-in/);
  });
});

describe('the issuer check for the broker', () => {
  let noDomain: IssuerServer;
  let publicOnly: IssuerServer;
  beforeAll(async () => {
    noDomain = await startIssuerServer({ fixture: 'cognito-userpool-no-domain', jwks: 'cognito-userpool-no-domain-jwks' });
    publicOnly = await startIssuerServer({ issuerPath: '/realms/public' });
    publicOnly.document['token_endpoint_auth_methods_supported'] = ['none'];
  });
  afterAll(async () => {
    await noDomain.close();
    await publicOnly.close();
  });

  test('a provider without a token endpoint: exit 1 like every blocking failure, nothing written', async () => {
    const result = await expectRefused(['app', '--provider', 'oidc', '--issuer', noDomain.issuer, '--sign-in', 'broker', '--broker-client-id', 'brk-client-1', '--no-install', '--no-git'], withSecret(), 1, /has no token_endpoint.*Nothing was written\./);
    expect(result.stderr).not.toContain('--skip-issuer-check');
  });

  test('a token endpoint that takes no client secret: exit 1, the broker check says why', async () => {
    await expectRefused(
      ['app', '--provider', 'oidc', '--issuer', publicOnly.issuer, '--sign-in', 'broker', '--broker-client-id', 'brk-client-1', '--no-install', '--no-git'],
      withSecret(),
      1,
      /token_endpoint_auth_methods_supported is \["none"\], with neither client_secret_basic nor client_secret_post: the broker authenticates with its client secret.*Nothing was written\./,
    );
  });

  test('the same provider in direct sign-in is not refused for it', async () => {
    const cwd = tempDir('fastapps-broker-');
    const result = await runCli(['app', '--provider', 'oidc', '--issuer', publicOnly.issuer, '--no-install', '--no-git'], { cwd });
    expect(result.exitCode, result.stderr).toBe(0);
  });
});

describe('auth and the broker', () => {
  let dir: string;
  const verifier = 'src/auth/verifier.ts';

  beforeAll(async () => {
    const cwd = tempDir('fastapps-broker-auth-');
    const created = await runCli(['app', ...AUTH0, '--skip-issuer-check', '--no-install', '--no-git'], { cwd });
    expect(created.exitCode, created.stderr).toBe(0);
    dir = path.join(cwd, 'app');
    appendFileSync(path.join(dir, '.env'), 'MY_OWN_SETTING=kept\n');
    appendFileSync(path.join(dir, verifier), '\n// my verifier tweak\n');
  });

  test('auth --sign-in broker on a direct project: writes the broker keys, keeps your edits, records the client', async () => {
    const verifierBefore = read(dir, verifier);
    const result = await runCli(['auth', '--sign-in', 'broker', '--broker-client-id', 'brk-client-2', '--skip-issuer-check'], { cwd: dir, env: withSecret() });
    expect(result.exitCode, result.stderr).toBe(0);
    neverPrinted(result);
    expect(result.stdout).toContain('Changing sign-in direct → broker; broker client (none) → brk-client-2');
    expect(result.stdout).toContain("Allow this redirect URI on the server's own client at Auth0 (brk-client-2): https://mcp.acme.dev/oauth/callback");
    const env = parseEnv(read(dir, '.env'));
    expect(env).toMatchObject({ OAUTH_SIGN_IN: 'broker', OAUTH_BROKER_CLIENT_ID: 'brk-client-2', OAUTH_BROKER_CLIENT_SECRET: SECRET, OAUTH_BROKER_STORE: 'file:.fastapps/broker', MY_OWN_SETTING: 'kept' });
    expect(read(dir, verifier)).toBe(verifierBefore);
    expect(JSON.parse(read(dir, 'fastapps.json'))).toMatchObject({ signIn: 'broker', brokerClientId: 'brk-client-2' });
    expect(filesContaining(dir, SECRET)).toEqual(['.env']);
  });

  test('a re-run without the secret anywhere but .env keeps it, without asking', async () => {
    const before = read(dir, '.env');
    const same = await runCli(['auth', '--skip-issuer-check'], { cwd: dir });
    expect(same.exitCode, same.stderr).toBe(0);
    expect(same.stdout).toContain('Same answers as recorded');
    expect(read(dir, '.env')).toBe(before);

    const changed = await runCli(['auth', '--scopes', 'mcp:tools,mcp:admin', '--skip-issuer-check'], { cwd: dir });
    expect(changed.exitCode, changed.stderr).toBe(0);
    neverPrinted(changed);
    const env = parseEnv(read(dir, '.env'));
    expect(env).toMatchObject({ OAUTH_SCOPES: 'mcp:tools mcp:admin', OAUTH_BROKER_CLIENT_SECRET: SECRET, OAUTH_BROKER_CLIENT_ID: 'brk-client-2' });
    expect(read(dir, '.env')).not.toContain('# Your earlier value');
  });

  test('--dry-run never shows the secret, and a new one from the environment replaces it in place', async () => {
    const dry = await runCli(['auth', '--dry-run', '--skip-issuer-check'], { cwd: dir, env: withSecret('rotated-SECRET-1234') });
    expect(dry.exitCode, dry.stderr).toBe(0);
    neverPrinted(dry);
    neverPrinted(dry, 'rotated-SECRET-1234');
    const rotated = await runCli(['auth', '--skip-issuer-check'], { cwd: dir, env: withSecret('rotated-SECRET-1234') });
    expect(rotated.exitCode, rotated.stderr).toBe(0);
    neverPrinted(rotated, 'rotated-SECRET-1234');
    expect(parseEnv(read(dir, '.env')).OAUTH_BROKER_CLIENT_SECRET).toBe('rotated-SECRET-1234');
    expect(read(dir, '.env')).not.toContain(SECRET);
  });

  test('another broker client needs its own secret: refused without one (exit 2, nothing written), taken from the environment', async () => {
    const before = read(dir, '.env');
    const refused = await runCli(['auth', '--broker-client-id', 'brk-client-3', '--skip-issuer-check'], { cwd: dir });
    expect(refused.exitCode, refused.stdout + refused.stderr).toBe(2);
    expect(refused.stderr).toMatch(/set OAUTH_BROKER_CLIENT_SECRET in the environment of this command/);
    expect(read(dir, '.env')).toBe(before);
    const switched = await runCli(['auth', '--broker-client-id', 'brk-client-3', '--skip-issuer-check'], { cwd: dir, env: withSecret('client-3-SECRET-77') });
    expect(switched.exitCode, switched.stderr).toBe(0);
    neverPrinted(switched, 'client-3-SECRET-77');
    expect(parseEnv(read(dir, '.env'))).toMatchObject({ OAUTH_BROKER_CLIENT_ID: 'brk-client-3', OAUTH_BROKER_CLIENT_SECRET: 'client-3-SECRET-77' });
  });
});

describe('create --provider github: no discovery document, nothing to check at the issuer', () => {
  let dir: string;
  let created: CliResult;
  beforeAll(async () => {
    dir = path.join(tempDir(), 'gh');
    created = await runCli([dir, '--provider', 'github', '--allow', 'org:acme', '--broker-client-id', 'Iv1.8a61f9b3a7aba766', '--no-install', '--no-git'], { cwd: path.dirname(dir), env: withSecret() });
  });

  test('create writes the project without an issuer check, saying why, and records it as not applicable', () => {
    expect(created.exitCode, created.stdout + created.stderr).toBe(0);
    expect(created.stdout).toContain('Provider: GitHub at https://github.com, whose endpoints are fixed (https://github.com/login/oauth/authorize and /login/oauth/access_token; GitHub publishes no discovery document to check)');
    expect(JSON.parse(read(dir, 'fastapps.json'))).toMatchObject({ provider: 'github', issuer: 'https://github.com', signIn: 'broker', issuerCheck: 'not-applicable' });
    expect(read(dir, 'src/auth/issuer.ts')).toContain('/login/oauth/access_token');
    expect(filesContaining(dir, SECRET)).toEqual(['.env']);
  });

  test('doctor in the project says there is nothing at the issuer to check, and passes offline', async () => {
    const doctor = await runCli(['doctor'], { cwd: dir });
    expect(doctor.exitCode, doctor.stdout + doctor.stderr).toBe(0);
    expect(doctor.stdout).toContain('GitHub publishes no discovery document (its endpoints are fixed), so there is nothing at https://github.com to check');
  });
});
