/**
 * The broker sign-in's answers: the provider offers it or refuses it naming its modes, the server's
 * own client id (flag → recorded → asked; refused with another sign-in), and its secret (the CLI's
 * environment → the project's .env → a masked prompt), which never appears in an error, a question
 * or the equivalent command.
 */
import { describe, expect, test } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import type { Answers } from '../../../src/options/answers.js';
import { equivalentCommand, equivalentCommandNote } from '../../../src/options/command-line.js';
import type { PasswordQuestion, Prompter } from '../../../src/options/prompter.js';
import { resolveAuthSettings, resolveBrokerSecret, resolveCreateAnswers, type AuthSettings } from '../../../src/options/resolve.js';
import { validateBrokerClientId, validateBrokerSecret } from '../../../src/providers/validate.js';

const SECRET = 'pa$$w0rd-Very-Secret';
const ctx = (env: Record<string, string> = {}, prompter?: Prompter) => ({ cwd: '/work/projects', env, prompter, given: new Set<string>() });
const auth0 = { provider: 'auth0', domain: 'acme.us.auth0.com', resource: 'https://mcp.acme.dev/mcp' };

async function refusal(run: Promise<unknown>): Promise<UsageError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  return error as UsageError;
}

describe('which providers offer broker', () => {
  test.each([
    ['auth0', { domain: 'acme.us.auth0.com' }],
    ['okta', { domain: 'acme.okta.com' }],
    ['azure', { tenant: 'contoso.onmicrosoft.com', clientId: ['6f2a1e4b-8c3d-4e5f-9a0b-1c2d3e4f5a6b'] }],
    ['cognito', { userPool: 'eu-west-1_AbC123', clientId: ['abc123'] }],
    ['oidc', { issuer: 'https://sso.example.com/realms/main' }],
  ])('%s: offered, never the default', async (provider, fields) => {
    const answers = await resolveCreateAnswers('app', { provider, ...fields, signIn: 'broker', brokerClientId: 'brk-1' }, ctx({ OAUTH_BROKER_CLIENT_SECRET: SECRET }));
    expect(answers).toMatchObject({ signIn: 'broker', brokerClientId: 'brk-1', brokerClientSecret: SECRET });
    const plain = await resolveCreateAnswers('app', { provider, ...fields }, ctx({ OAUTH_BROKER_CLIENT_SECRET: SECRET }));
    expect(plain.signIn).not.toBe('broker');
    expect(plain).not.toHaveProperty('brokerClientId');
    expect(plain).not.toHaveProperty('brokerClientSecret');
  });

  test.each([
    ['local', {}, 'use direct.'],
    ['keycloak', { domain: 'sso.example.com', realm: 'main' }, 'use direct or facade.'],
    ['workos', { domain: 'acme.authkit.app' }, 'use direct or facade.'],
  ])('%s: refused, naming the modes it offers', async (provider, fields, offered) => {
    const error = await refusal(resolveCreateAnswers('app', { provider, ...fields, signIn: 'broker', brokerClientId: 'brk-1' }, ctx({ OAUTH_BROKER_CLIENT_SECRET: SECRET })));
    expect(error.message).toBe(`--sign-in: the ${provider} provider has no broker sign-in; ${offered}`);
  });

  test('an unknown mode lists broker among the modes', async () => {
    const error = await refusal(resolveCreateAnswers('app', { ...auth0, signIn: 'proxy' }, ctx()));
    expect(error.message).toBe('--sign-in: "proxy" is not a sign-in mode; use one of direct, facade, broker.');
  });
});

describe('the broker client id', () => {
  test('required without a terminal: one line with the fix', async () => {
    const error = await refusal(resolveCreateAnswers('app', { ...auth0, signIn: 'broker' }, ctx({ OAUTH_BROKER_CLIENT_SECRET: SECRET })));
    expect(error.message).toBe("--sign-in broker needs the client id of the server's own client at Auth0: pass --broker-client-id <id> (AUTH_SETUP.md says how to register that client).");
    expect(error.message).not.toContain('\n');
  });

  test('listed with the other missing values when some are missing', async () => {
    const error = await refusal(resolveCreateAnswers('app', { provider: 'auth0', signIn: 'broker' }, ctx()));
    expect(error.message).toMatch(/^Missing values for a non-interactive run: --domain <[^>]+>, --broker-client-id <id>/);
  });

  test('refused with another sign-in', async () => {
    const error = await refusal(resolveCreateAnswers('app', { ...auth0, signIn: 'facade', brokerClientId: 'brk-1' }, ctx()));
    expect(error.message).toBe('--broker-client-id is used only with the broker sign-in, and this is facade.');
    expect(error.hint).toBe('Drop --broker-client-id, or add --sign-in broker.');
  });

  test('checked before anything is asked: no spaces, quotes or backticks', async () => {
    for (const bad of ['my client', 'a"b', 'a`b', '', '{{x}}', '$(id)']) {
      const error = await refusal(resolveCreateAnswers('app', { ...auth0, signIn: 'broker', brokerClientId: bad }, ctx({ OAUTH_BROKER_CLIENT_SECRET: SECRET })));
      expect(error.message).toMatch(/^--broker-client-id: /);
    }
    expect(validateBrokerClientId('0oa1b2c3d4E5f6G7h8i9')).toBe(true);
    expect(validateBrokerClientId('6f2a1e4b-8c3d-4e5f-9a0b-1c2d3e4f5a6b')).toBe(true);
    expect(validateBrokerClientId('123-abc.apps.googleusercontent.com')).toBe(true);
    expect(validateBrokerClientId('https://mcp.acme.dev/oauth/client')).toBe(true);
  });

  test('auth: the recorded one is kept for the same provider, dropped for another', async () => {
    const recorded: AuthSettings = {
      provider: 'auth0',
      providerInput: { domain: 'acme.us.auth0.com' },
      issuer: 'https://acme.us.auth0.com/',
      resource: 'https://mcp.acme.dev/mcp',
      audiences: ['https://mcp.acme.dev/mcp'],
      clientIds: [],
      scopes: ['mcp:tools'],
      authMode: 'required',
      signIn: 'broker',
      brokerClientId: 'brk-recorded',
    };
    expect(await resolveAuthSettings({}, { base: recorded })).toEqual(recorded);
    expect((await resolveAuthSettings({ brokerClientId: 'brk-new' }, { base: recorded })).brokerClientId).toBe('brk-new');
    const direct = await resolveAuthSettings({ signIn: 'direct' }, { base: recorded });
    expect(direct.signIn).toBe('direct');
    expect(direct).not.toHaveProperty('brokerClientId');
    const error = await refusal(resolveAuthSettings({ provider: 'okta', domain: 'acme.okta.com', signIn: 'broker' }, { base: recorded }));
    expect(error.message).toContain('--broker-client-id <id>');
  });

  test('on a terminal: asked right after the sign-in mode, with the recorded id as the default', async () => {
    const asked: string[] = [];
    const prompter: Prompter = {
      async input(q) {
        asked.push(q.message);
        if (q.message.startsWith('Client id of')) {
          expect(q.validate!('has space')).toMatch(/is not a client id/);
          return 'brk-typed';
        }
        return q.default ?? '';
      },
      async select<T extends string>(q: { message: string; default?: T }) {
        asked.push(q.message);
        return (q.message === 'Sign-in mode' ? 'broker' : q.default) as T;
      },
      async confirm(q) {
        asked.push(q.message);
        return false;
      },
      async password(q: PasswordQuestion) {
        asked.push(q.message);
        expect(q.validate!('')).toBe('the client secret is empty.');
        return ` ${SECRET} `;
      },
    };
    const answers = await resolveCreateAnswers('app', { provider: 'auth0', domain: 'acme.us.auth0.com' }, { ...ctx({}, prompter), given: new Set(['install']) });
    expect(answers).toMatchObject({ signIn: 'broker', brokerClientId: 'brk-typed', brokerClientSecret: SECRET });
    expect(asked.slice(asked.indexOf('Sign-in mode'), asked.indexOf('Sign-in mode') + 2)).toEqual(['Sign-in mode', "Client id of this server's own client at Auth0 (broker sign-in)"]);
    expect(asked).toContain('Client secret of brk-typed at Auth0 (written only to .env)');
    for (const message of asked) expect(message).not.toContain(SECRET);
  });
});

describe('the broker client secret', () => {
  const broker = { signIn: 'broker', provider: 'auth0', brokerClientId: 'brk-1' } as const;

  test('from OAUTH_BROKER_CLIENT_SECRET in the environment, without asking', async () => {
    const prompter = { password: () => Promise.reject(new Error('asked')) } as unknown as Prompter;
    expect(await resolveBrokerSecret(broker, { env: { OAUTH_BROKER_CLIENT_SECRET: SECRET }, prompter })).toBe(SECRET);
  });

  test('auth: the one already in .env is kept without asking; one in the environment replaces it', async () => {
    const prompter = { password: () => Promise.reject(new Error('asked')) } as unknown as Prompter;
    expect(await resolveBrokerSecret(broker, { env: {}, prompter, existing: 'in-dot-env' })).toBe('in-dot-env');
    expect(await resolveBrokerSecret(broker, { env: { OAUTH_BROKER_CLIENT_SECRET: SECRET }, prompter, existing: 'in-dot-env' })).toBe(SECRET);
  });

  test('without a terminal and without the variable: one line naming it, never a value', async () => {
    const error = await refusal(resolveBrokerSecret(broker, { env: {} }));
    expect(error.message).toBe(
      "The broker sign-in needs the client secret of the server's own client at Auth0, and there is no terminal to ask for it: set OAUTH_BROKER_CLIENT_SECRET in the environment of this command (it is written only to .env, never printed). Nothing was written.",
    );
    // create: before the folder is checked or anything written.
    const create = await refusal(resolveCreateAnswers('app', { ...auth0, signIn: 'broker', brokerClientId: 'brk-1' }, ctx()));
    expect(create.message).toBe(error.message);
  });

  test('a value .env cannot hold is refused without repeating it', async () => {
    for (const bad of [`${SECRET}\nnext`, `it's "${SECRET}"`]) {
      const error = await refusal(resolveBrokerSecret(broker, { env: { OAUTH_BROKER_CLIENT_SECRET: bad } }));
      expect(error.message).toMatch(/^OAUTH_BROKER_CLIENT_SECRET in the environment: the client secret holds /);
      expect(error.message).not.toContain(SECRET);
    }
    expect(validateBrokerSecret("it's-fine")).toBe(true);
  });

  test('not needed for another sign-in, nor asked in a dry run', async () => {
    expect(await resolveBrokerSecret({ ...broker, signIn: 'direct' }, { env: { OAUTH_BROKER_CLIENT_SECRET: SECRET } })).toBeUndefined();
    expect(await resolveBrokerSecret(broker, { env: {}, dryRun: true })).toBeUndefined();
  });
});

describe('the equivalent command', () => {
  test('has --sign-in broker and --broker-client-id, never the secret, and says to set the variable', async () => {
    const answers: Answers = await resolveCreateAnswers('app', { ...auth0, signIn: 'broker', brokerClientId: 'brk-1' }, ctx({ OAUTH_BROKER_CLIENT_SECRET: SECRET }));
    const command = equivalentCommand(answers);
    expect(command).toBe('npx create-fastapps app --provider auth0 --domain acme.us.auth0.com --resource https://mcp.acme.dev/mcp --sign-in broker --broker-client-id brk-1');
    expect(equivalentCommand(answers, 'auth')).not.toContain(SECRET);
    expect(equivalentCommandNote(answers)).toBe('# first set OAUTH_BROKER_CLIENT_SECRET=… in the environment (the client secret; never printed)');
    expect(equivalentCommandNote({ ...answers, signIn: 'direct' })).toBeUndefined();
  });
});
