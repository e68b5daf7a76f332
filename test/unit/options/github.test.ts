/**
 * --provider github: broker only, github.com unless --domain names a GitHub Enterprise Server host,
 * an allow-list of logins and org:<name> in one (lower-case) form, refused values that are neither,
 * and an issuer that is a GitHub origin and nothing more.
 */
import { describe, expect, test } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { resolveCreateAnswers } from '../../../src/options/resolve.js';
import { github } from '../../../src/providers/github.js';

const ctx = { cwd: '/work/projects', env: { OAUTH_BROKER_CLIENT_SECRET: 'gh-secret-123' }, given: new Set<string>() };

async function refusal(run: Promise<unknown>): Promise<string> {
  const error = await run.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(UsageError);
  return (error as Error).message;
}

describe('--provider github', () => {
  test('github.com by default, the broker sign-in, the allow-list lower-cased', async () => {
    const answers = await resolveCreateAnswers('app', { provider: 'github', allow: ['org:Acme,Octocat'], brokerClientId: 'Iv1.8a61f9b3a7aba766' }, ctx);
    expect(answers).toMatchObject({ issuer: 'https://github.com', signIn: 'broker', audiences: [], scopes: ['mcp:tools'] });
    expect(answers.providerInput.allow).toEqual(['org:acme', 'octocat']);
  });

  test('--domain names a GitHub Enterprise Server host', async () => {
    const answers = await resolveCreateAnswers('app', { provider: 'github', domain: 'https://github.acme.com/', allow: ['org:platform'], brokerClientId: 'Iv1.8a61f9b3a7aba766' }, ctx);
    expect(answers.issuer).toBe('https://github.acme.com');
  });

  test('only the broker: another sign-in is refused, naming it', async () => {
    expect(await refusal(resolveCreateAnswers('app', { provider: 'github', allow: ['octocat'], signIn: 'direct' }, ctx))).toMatch(/broker/);
  });

  test('an allow entry that is neither a login nor an organisation is refused with an example', async () => {
    expect(await refusal(resolveCreateAnswers('app', { provider: 'github', allow: ['jane@example.com'], brokerClientId: 'Iv1.8a61f9b3a7aba766' }, ctx))).toContain('"jane@example.com" is neither a GitHub login nor an organisation; list who may sign in, e.g. org:acme,octocat.');
    expect(await refusal(resolveCreateAnswers('app', { provider: 'github', allow: ['org:-bad-'], brokerClientId: 'Iv1.8a61f9b3a7aba766' }, ctx))).toContain('"org:-bad-" is neither');
  });

  test('the issuer is a GitHub origin: no path, https (loopback stands in for tests)', () => {
    expect(github.checkIssuer!('https://github.com')).toBe(true);
    expect(github.checkIssuer!('https://github.acme.com')).toBe(true);
    expect(github.checkIssuer!('http://127.0.0.1:4000')).toBe(true);
    expect(github.checkIssuer!('https://github.com/login/oauth')).toMatch(/without a path/);
    expect(github.checkIssuer!('http://github.acme.com')).toBe('GitHub is served over https: use https://github.acme.com.');
  });

  test('the broker asks GitHub for read:user, and read:org only when an organisation is on the list', () => {
    expect(github.broker!.scopes(['octocat'])).toEqual(['read:user']);
    expect(github.broker!.scopes(['octocat', 'org:acme'])).toEqual(['read:user', 'read:org']);
  });
});
