/** `auth`'s answers: flag → recorded answer → prompt, through the resolver `create` uses. */
import { describe, expect, test } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import type { InputQuestion, Prompter, SelectQuestion } from '../../../src/options/prompter.js';
import { resolveAuthSettings, type AuthSettings } from '../../../src/options/resolve.js';
import { authExample } from '../../../src/regen/auth.js';

const auth0: AuthSettings = {
  provider: 'auth0',
  providerInput: { domain: 'acme.us.auth0.com' },
  issuer: 'https://acme.us.auth0.com/',
  resource: 'https://mcp.acme.dev/mcp',
  audiences: ['https://mcp.acme.dev/mcp'],
  clientIds: [],
  scopes: ['mcp:tools'],
  authMode: 'mixed',
  signIn: 'direct',
};

const resolve = (flags: Record<string, unknown>, base: AuthSettings = auth0, prompter?: Prompter) => resolveAuthSettings(flags, { base, prompter, example: authExample });

describe('non-interactive', () => {
  test('no flags: exactly the recorded answers', async () => {
    expect(await resolve({})).toEqual(auth0);
  });

  test('a recorded issuer given with --issuer is kept while the fields that build it do not change', async () => {
    const custom = { ...auth0, issuer: 'http://127.0.0.1:4100/', providerInput: { domain: '127.0.0.1:4100' } };
    expect((await resolve({}, custom)).issuer).toBe('http://127.0.0.1:4100/');
    expect((await resolve({ domain: 'login.acme.com' }, custom)).issuer).toBe('https://login.acme.com/');
  });

  test('a new provider: the old provider\'s values do not carry over; its missing values are listed in one error', async () => {
    const error = await resolve({ provider: 'azure' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toMatch(/^Missing values for a non-interactive run: --tenant <[^>]+>, --client-id <[^>]+>\.$/);
    expect((error as UsageError).hint).toMatch(/Example: npx create-fastapps auth --provider azure --tenant /);
  });

  test('auth0 → okta: resource and auth mode carry over; audience and default scopes follow the new provider', async () => {
    const okta = await resolve({ provider: 'okta', domain: 'acme.okta.com' });
    expect(okta).toEqual({
      provider: 'okta',
      providerInput: { domain: 'acme.okta.com', authServer: 'default' },
      issuer: 'https://acme.okta.com/oauth2/default',
      resource: 'https://mcp.acme.dev/mcp',
      audiences: ['api://default'],
      clientIds: [],
      scopes: ['mcp:tools'],
      authMode: 'mixed',
      signIn: 'direct',
    });
  });

  test('customised scopes carry over to a new provider; default ones do not', async () => {
    expect((await resolve({ provider: 'cognito', userPool: 'eu-west-1_AbC123', clientId: ['abc123'] })).scopes).toEqual(['mcp/tools']);
    const custom = { ...auth0, scopes: ['read:all', 'write:all'] };
    expect((await resolve({ provider: 'cognito', userPool: 'eu-west-1_AbC123', clientId: ['abc123'] }, custom)).scopes).toEqual(['read:all', 'write:all']);
  });

  test('a customised audience carries over for the same provider; a default one follows a new --resource', async () => {
    const custom = { ...auth0, audiences: ['https://api.acme.dev'] };
    expect((await resolve({ resource: 'https://other.acme.dev/mcp' }, custom)).audiences).toEqual(['https://api.acme.dev']);
    expect((await resolve({ resource: 'https://other.acme.dev/mcp' })).audiences).toEqual(['https://other.acme.dev/mcp']);
    expect((await resolve({ provider: 'okta', domain: 'acme.okta.com' }, custom)).audiences).toEqual(['api://default']);
  });

  test('Entra scopes an older version recorded bare are migrated to the qualified form', async () => {
    const entra: AuthSettings = {
      provider: 'azure',
      providerInput: { tenant: '9a95fd9e-005d-487a-9a01-d08c1eab2757', clientId: ['6f2a1e4b-8c3d-4e5f-9a0b-1c2d3e4f5a6b'] },
      issuer: 'https://login.microsoftonline.com/9a95fd9e-005d-487a-9a01-d08c1eab2757/v2.0',
      resource: 'http://localhost:3000/mcp',
      audiences: ['6f2a1e4b-8c3d-4e5f-9a0b-1c2d3e4f5a6b', 'api://6f2a1e4b-8c3d-4e5f-9a0b-1c2d3e4f5a6b'],
      clientIds: ['6f2a1e4b-8c3d-4e5f-9a0b-1c2d3e4f5a6b'],
      scopes: ['Widgets.Read'],
      authMode: 'required',
      signIn: 'facade',
    };
    expect((await resolve({}, entra)).scopes).toEqual(['api://6f2a1e4b-8c3d-4e5f-9a0b-1c2d3e4f5a6b/Widgets.Read']);
  });

  test('recorded multi-value fields carry over (Cognito app clients)', async () => {
    const cognito: AuthSettings = {
      provider: 'cognito',
      providerInput: { userPool: 'eu-west-1_AbC123', region: 'eu-west-1', clientId: ['a1', 'b2'] },
      issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123',
      resource: 'http://localhost:3000/mcp',
      audiences: [],
      clientIds: ['a1', 'b2'],
      scopes: ['mcp/tools'],
      authMode: 'required',
      signIn: 'facade',
    };
    expect(await resolve({}, cognito)).toEqual(cognito);
    // A new pool in another region: the region follows the pool, not the record.
    expect((await resolve({ userPool: 'us-east-1_XyZ987' }, cognito)).issuer).toBe('https://cognito-idp.us-east-1.amazonaws.com/us-east-1_XyZ987');
  });

  test('flags of another provider are still refused', async () => {
    await expect(resolve({ tenant: 'contoso.onmicrosoft.com' })).rejects.toThrow(/--tenant is not used by the auth0 provider/);
  });
});

describe('on a terminal', () => {
  function scripted(answers: Record<string, string | boolean>): Prompter & { asked: Array<{ message: string; default: unknown }> } {
    const asked: Array<{ message: string; default: unknown }> = [];
    const answer = (message: string, fallback: unknown) => {
      const key = Object.keys(answers).find((match) => message.includes(match));
      return key === undefined ? fallback : answers[key];
    };
    return {
      asked,
      async input(q: InputQuestion) {
        asked.push({ message: q.message, default: q.default });
        return answer(q.message, q.default) as string;
      },
      async select<T extends string>(q: SelectQuestion<T>) {
        asked.push({ message: q.message, default: q.default });
        return answer(q.message, q.default) as T;
      },
      async confirm(q) {
        asked.push({ message: q.message, default: q.default });
        return answer(q.message, q.default) as boolean;
      },
    };
  }

  test('every question is pre-filled with the recorded answer; accepting them all changes nothing', async () => {
    const prompter = scripted({ Customise: true });
    expect(await resolve({}, auth0, prompter)).toEqual(auth0);
    expect(prompter.asked).toEqual([
      { message: 'Identity provider', default: 'auth0' },
      { message: 'Auth0 domain (tenant or custom domain)', default: 'acme.us.auth0.com' },
      { message: 'Sign-in mode', default: 'direct' },
      { message: 'Public URL of the MCP endpoint', default: 'https://mcp.acme.dev/mcp' },
      { message: 'Customise audience, scopes and auth mode?', default: false },
      { message: 'Audience (aud) of access tokens', default: 'https://mcp.acme.dev/mcp' },
      { message: 'Scopes a token needs (space separated)', default: 'mcp:tools' },
      { message: 'Auth mode', default: 'mixed' },
    ]);
  });

  test('choosing another provider asks its values with its own defaults, not the old ones', async () => {
    const prompter = scripted({ 'Identity provider': 'okta', 'Okta domain': 'acme.okta.com' });
    const settings = await resolve({}, auth0, prompter);
    expect(settings.issuer).toBe('https://acme.okta.com/oauth2/default');
    expect(prompter.asked.find((q) => q.message === 'Okta domain')!.default).toBeUndefined();
    expect(prompter.asked.find((q) => q.message === 'Okta authorization server id')!.default).toBe('default');
  });
});
