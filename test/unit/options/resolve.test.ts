/** The answers resolver driven by a scripted prompter: what is asked, in which order, with which defaults and checks. */
import { describe, expect, test } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import type { CreateFlags } from '../../../src/options/answers.js';
import { equivalentCommand } from '../../../src/options/command-line.js';
import type { InputQuestion, Prompter, SelectQuestion } from '../../../src/options/prompter.js';
import { resolveAuthSettings, resolveCreateAnswers, type AuthSettings } from '../../../src/options/resolve.js';

interface Asked {
  kind: 'input' | 'select' | 'confirm';
  message: string;
  default?: unknown;
  validate?: (value: string) => true | string;
}

/** Answers questions from a list by message substring; records every question. */
function scripted(answers: Array<[string, string | boolean]>): Prompter & { asked: Asked[] } {
  const asked: Asked[] = [];
  const answer = (message: string) => {
    const index = answers.findIndex(([match]) => message.includes(match));
    if (index === -1) throw new Error(`unexpected question: ${message}`);
    const [, value] = answers.splice(index, 1)[0]!;
    return value;
  };
  return {
    asked,
    async input(q: InputQuestion) {
      asked.push({ kind: 'input', message: q.message, default: q.default, validate: q.validate });
      const value = answer(q.message) as string;
      const typed = value === '' ? (q.default ?? '') : value;
      const valid = q.validate?.(typed) ?? true;
      if (valid !== true) throw new Error(`validation rejected ${JSON.stringify(typed)}: ${valid}`);
      return typed;
    },
    async select<T extends string>(q: SelectQuestion<T>) {
      asked.push({ kind: 'select', message: q.message, default: q.default });
      return answer(q.message) as T;
    },
    async confirm(q) {
      asked.push({ kind: 'confirm', message: q.message, default: q.default });
      return answer(q.message) as boolean;
    },
  };
}

const ctx = (prompter?: Prompter, given: string[] = []) => ({ cwd: '/work/projects', prompter, given: new Set(given) });

describe('interactive', () => {
  test('asks the folder, the provider, then only that provider\'s fields, then the resource', async () => {
    const prompter = scripted([
      ['Project folder', 'my-app'],
      ['Identity provider', 'okta'],
      ['Okta domain', 'https://acme.okta.com/'],
      ['authorization server id', ''],
      ['Sign-in mode', 'direct'],
      ['Public URL', 'https://mcp.acme.dev/mcp'],
      ['Customise', false],
      ['Install dependencies', false],
    ]);
    const answers = await resolveCreateAnswers(undefined, {}, ctx(prompter));
    expect(prompter.asked.map((q) => q.message)).toEqual([
      'Project folder',
      'Identity provider',
      'Okta domain',
      'Okta authorization server id',
      'Sign-in mode',
      'Public URL of the MCP endpoint',
      'Customise audience, scopes and auth mode?',
      'Install dependencies now?',
    ]);
    expect(prompter.asked[1]!.default).toBe('local');
    expect(prompter.asked[3]!.default).toBe('default');
    // Okta publishes S256 itself: hosts can sign in there directly, so that is the default.
    expect(prompter.asked[4]!.default).toBe('direct');
    expect(answers).toMatchObject({
      targetDir: '/work/projects/my-app',
      projectName: 'my-app',
      provider: 'okta',
      providerInput: { domain: 'acme.okta.com', authServer: 'default' },
      issuer: 'https://acme.okta.com/oauth2/default',
      resource: 'https://mcp.acme.dev/mcp',
      audiences: ['api://default'],
      scopes: ['mcp:tools'],
      authMode: 'required',
      install: false,
    });
  });

  test('validation runs as the user types, with the fix in the message', async () => {
    const prompter = scripted([
      ['Identity provider', 'azure'],
      ['Entra tenant', '9a95fd9e-005d-487a-9a01-d08c1eab2757'],
      ['client) id', '6f2a1e4b-8c3d-4e5f-9a0b-1c2d3e4f5a6b'],
      ['Sign-in mode', 'facade'],
      ['Public URL', ''],
      ['Customise', false],
      ['Install', true],
    ]);
    await resolveCreateAnswers('app', {}, ctx(prompter));
    // Entra's metadata is refused by ChatGPT and Claude as it is: the façade is the default.
    expect(prompter.asked.find((q) => q.message === 'Sign-in mode')!.default).toBe('facade');
    const tenant = prompter.asked.find((q) => q.message.startsWith('Entra tenant'))!;
    expect(tenant.validate!('common')).toMatch(/multi-tenant alias.*placeholder issuer/);
    expect(tenant.validate!('not a tenant')).toMatch(/not a tenant id/);
    expect(tenant.validate!('contoso.onmicrosoft.com')).toBe(true);
    const url = prompter.asked.find((q) => q.message.startsWith('Public URL'))!;
    expect(url.validate!('https://x.example.com')).toMatch(/needs the endpoint path/);
  });

  test('customising asks audience, scopes and mode, and the equivalent command reproduces the answers', async () => {
    const prompter = scripted([
      ['Identity provider', 'auth0'],
      ['Auth0 domain', 'acme.eu.auth0.com'],
      ['Sign-in mode', 'facade'],
      ['Public URL', 'https://mcp.acme.dev/mcp'],
      ['Customise', true],
      ['Audience', 'https://api.acme.dev'],
      ['Scopes', 'read:data write:data'],
      ['Auth mode', 'mixed'],
      ['Install', true],
    ]);
    const answers = await resolveCreateAnswers('app', {}, ctx(prompter));
    expect(answers.audiences).toEqual(['https://api.acme.dev']);
    expect(answers.scopes).toEqual(['read:data', 'write:data']);
    expect(answers.authMode).toBe('mixed');
    const command = equivalentCommand(answers);
    expect(answers.signIn).toBe('facade');
    expect(command).toBe('npx create-fastapps app --provider auth0 --domain acme.eu.auth0.com --resource https://mcp.acme.dev/mcp --audience https://api.acme.dev --scopes read:data,write:data --auth-mode mixed --sign-in facade');
    // Feeding the printed flags back in gives the same answers without a single question.
    const args = command.split(' ').slice(3);
    const flags: Record<string, string> = {};
    for (let i = 0; i < args.length; i += 2) flags[args[i]!.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())] = args[i + 1]!;
    const again = await resolveCreateAnswers('app', flags as CreateFlags, ctx(undefined));
    expect({ ...again, install: true }).toEqual(answers);
  });

  test('flags that were given are not asked again', async () => {
    const prompter = scripted([['Customise', false]]);
    await resolveCreateAnswers('app', { provider: 'cognito', userPool: 'eu-west-1_AbC123', clientId: ['abc123'], resource: 'https://x.example.com/mcp', signIn: 'facade', install: false }, ctx(prompter, ['install']));
    // The region is derived from the pool id, so it is not asked either.
    expect(prompter.asked.map((q) => q.message)).toEqual(['Customise audience, scopes and auth mode?']);
  });
});

describe('non-interactive', () => {
  test('defaults to the local provider, which needs no account', async () => {
    const answers = await resolveCreateAnswers('demo', {}, ctx());
    expect(answers.provider).toBe('local');
    expect(answers.issuer).toBe('http://localhost:3000/oauth');
    expect(answers.resource).toBe('http://localhost:3000/mcp');
  });

  test('Cognito derives the region from the pool id and binds tokens by client id', async () => {
    const answers = await resolveCreateAnswers('app', { provider: 'cognito', userPool: 'ap-southeast-2_XyZ987', clientId: ['aaa111', 'bbb222'] }, ctx());
    expect(answers.issuer).toBe('https://cognito-idp.ap-southeast-2.amazonaws.com/ap-southeast-2_XyZ987');
    expect(answers.clientIds).toEqual(['aaa111', 'bbb222']);
    expect(answers.audiences).toEqual([]);
  });

  test('Auth0 keeps its trailing slash and uses the resource as the API identifier', async () => {
    const answers = await resolveCreateAnswers('app', { provider: 'auth0', domain: 'https://Acme.US.auth0.com/', resource: 'https://mcp.acme.dev/mcp' }, ctx());
    expect(answers.issuer).toBe('https://acme.us.auth0.com/');
    expect(answers.audiences).toEqual(['https://mcp.acme.dev/mcp']);
  });

  test('Entra: the client id and the Application ID URI are both accepted; scopes are qualified with the URI', async () => {
    const local = await resolveCreateAnswers('app', { provider: 'azure', tenant: 'contoso.onmicrosoft.com', clientId: ['6F2A1E4B-8C3D-4E5F-9A0B-1C2D3E4F5A6B'] }, ctx());
    expect(local.audiences).toEqual(['6f2a1e4b-8c3d-4e5f-9a0b-1c2d3e4f5a6b', 'api://6f2a1e4b-8c3d-4e5f-9a0b-1c2d3e4f5a6b']);
    expect(local.scopes).toEqual(['api://6f2a1e4b-8c3d-4e5f-9a0b-1c2d3e4f5a6b/mcp.tools']);
  });

  describe('Entra: the default Application ID URI depends on the sign-in mode', () => {
    const clientId = '6f2a1e4b-8c3d-4e5f-9a0b-1c2d3e4f5a6b';
    const deployed = { provider: 'azure', tenant: 'contoso.onmicrosoft.com', clientId: [clientId], resource: 'https://mcp.contoso.com/mcp' };

    // The façade drops the hosts' resource and the broker asks with its own client: nothing needs
    // the App ID URI to be the MCP URL, which only a verified domain could be (not a tunnel).
    test.each(['facade', 'broker'] as const)('%s on an https MCP URL: api://{client-id}', async (signIn) => {
      const settings = await resolveAuthSettings({ ...deployed, signIn, ...(signIn === 'broker' ? { brokerClientId: 'b7c0d1e2-0000-4000-8000-000000000002' } : {}) }, {});
      expect(settings.signIn).toBe(signIn);
      expect(settings.audiences).toEqual([clientId, `api://${clientId}`]);
      expect(settings.scopes).toEqual([`api://${clientId}/mcp.tools`]);
    });

    test('facade is the default, and so is its Application ID URI', async () => {
      const answers = await resolveCreateAnswers('app', deployed, ctx());
      expect(answers.signIn).toBe('facade');
      expect(answers.audiences).toEqual([clientId, `api://${clientId}`]);
      expect(equivalentCommand(answers)).not.toContain('--audience');
    });

    test('direct on an https MCP URL: the MCP URL, as Entra requires the resource hosts send to be the App ID URI', async () => {
      const answers = await resolveCreateAnswers('app', { ...deployed, signIn: 'direct' }, ctx());
      expect(answers.audiences).toEqual([clientId, 'https://mcp.contoso.com/mcp']);
      expect(answers.scopes).toEqual(['https://mcp.contoso.com/mcp/mcp.tools']);
      expect(equivalentCommand(answers)).toContain('--sign-in direct');
      expect(equivalentCommand(answers)).not.toContain('--audience');
    });

    test('an --audience is kept in every mode', async () => {
      for (const signIn of ['facade', 'direct'] as const) {
        const answers = await resolveCreateAnswers('app', { ...deployed, signIn, audience: 'api://contoso-mcp' }, ctx());
        expect(answers.audiences).toEqual([clientId, 'api://contoso-mcp']);
        expect(answers.scopes).toEqual(['api://contoso-mcp/mcp.tools']);
        expect(equivalentCommand(answers)).toContain('--audience api://contoso-mcp');
      }
    });

    // What an earlier version recorded for a façade project on an https URL: the MCP URL, then
    // the default. fastapps.json holds the values only, so it is kept like a chosen one.
    const recorded: AuthSettings = {
      provider: 'azure',
      providerInput: { tenant: '9a95fd9e-005d-487a-9a01-d08c1eab2757', clientId: [clientId] },
      issuer: 'https://login.microsoftonline.com/9a95fd9e-005d-487a-9a01-d08c1eab2757/v2.0',
      resource: 'https://mcp.contoso.com/mcp',
      audiences: [clientId, 'https://mcp.contoso.com/mcp'],
      clientIds: [clientId],
      scopes: ['https://mcp.contoso.com/mcp/mcp.tools'],
      authMode: 'required',
      signIn: 'facade',
    };

    test('auth keeps an Application ID URI recorded with the old default, also when the resource moves', async () => {
      expect(await resolveAuthSettings({}, { base: recorded })).toEqual(recorded);
      const moved = await resolveAuthSettings({ resource: 'https://mcp2.contoso.com/mcp' }, { base: recorded });
      expect(moved.audiences).toEqual(recorded.audiences);
      expect(moved.scopes).toEqual(recorded.scopes);
      // Switching to Entra's own URI is one flag.
      const switched = await resolveAuthSettings({ audience: `api://${clientId}` }, { base: recorded });
      expect(switched.audiences).toEqual([clientId, `api://${clientId}`]);
      expect(switched.scopes).toEqual([`api://${clientId}/mcp.tools`]);
    });

    test('auth on a façade project with the new default keeps it', async () => {
      const current = { ...recorded, audiences: [clientId, `api://${clientId}`], scopes: [`api://${clientId}/mcp.tools`] };
      expect(await resolveAuthSettings({}, { base: current })).toEqual(current);
      expect((await resolveAuthSettings({ resource: 'https://mcp2.contoso.com/mcp' }, { base: current })).audiences).toEqual(current.audiences);
    });
  });

  test('Entra direct sign-in: a default Application ID URI follows a new https resource', async () => {
    const direct = await resolveCreateAnswers('app', { provider: 'azure', tenant: 'contoso.onmicrosoft.com', clientId: ['6f2a1e4b-8c3d-4e5f-9a0b-1c2d3e4f5a6b'], resource: 'https://mcp.contoso.com/mcp', signIn: 'direct' }, ctx());
    const moved = await resolveAuthSettings({ resource: 'https://mcp2.contoso.com/mcp' }, { base: direct });
    expect(moved.audiences[1]).toBe('https://mcp2.contoso.com/mcp');
    expect(moved.scopes).toEqual(['https://mcp2.contoso.com/mcp/mcp.tools']);
  });

  test('Entra scopes typed as the portal shows them are stored qualified with the Application ID URI, once', async () => {
    const base = { provider: 'azure', tenant: 'contoso.onmicrosoft.com', clientId: ['6f2a1e4b-8c3d-4e5f-9a0b-1c2d3e4f5a6b'] };
    const bare = await resolveCreateAnswers('app', { ...base, scopes: 'Widgets.Read, openid' }, ctx());
    expect(bare.scopes).toEqual(['api://6f2a1e4b-8c3d-4e5f-9a0b-1c2d3e4f5a6b/Widgets.Read', 'openid']);
    const qualified = await resolveCreateAnswers('app', { ...base, scopes: 'api://6f2a1e4b-8c3d-4e5f-9a0b-1c2d3e4f5a6b/Widgets.Read openid' }, ctx());
    expect(qualified.scopes).toEqual(bare.scopes);
  });

  test('missing values are all listed together', async () => {
    const error = await resolveCreateAnswers(undefined, { provider: 'okta' }, ctx()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe('Missing values for a non-interactive run: [dir] (the project folder, e.g. my-mcp-app), --domain <acme.okta.com>.');
    expect((error as UsageError).exitCode).toBe(2);
  });

  test('the package manager comes from the user agent that ran us', async () => {
    const answers = await resolveCreateAnswers('app', {}, { ...ctx(), userAgent: 'pnpm/9.12.0 npm/? node/v22.11.0 linux x64' });
    expect(answers.pm).toBe('pnpm');
  });
});
