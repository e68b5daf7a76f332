/** package.json is the user's: auth merges only the entries the change of answers needs. */
import { describe, expect, test } from 'vitest';
import { packageJson } from '../../../src/generate/package-json.js';
import type { Answers } from '../../../src/options/answers.js';
import { mergePackageJson } from '../../../src/regen/package-merge.js';

const base: Answers = {
  targetDir: '/p/app',
  targetArg: 'app',
  projectName: 'app',
  provider: 'local',
  providerInput: {},
  issuer: 'http://localhost:3000/oauth',
  resource: 'http://localhost:3000/mcp',
  audiences: ['http://localhost:3000/mcp'],
  clientIds: [],
  scopes: ['mcp:tools'],
  authMode: 'required',
  signIn: 'direct',
  skipIssuerCheck: false,
  install: false,
  git: false,
  pm: 'npm',
  force: false,
  timeoutMs: 5000,
};
const local = packageJson(base);
const auth0 = packageJson({ ...base, provider: 'auth0', providerInput: { domain: 'acme.us.auth0.com' }, issuer: 'https://acme.us.auth0.com/' });
const text = (json: unknown, indent: string | number = 2) => JSON.stringify(json, null, indent) + '\n';

describe('mergePackageJson', () => {
  test('local → auth0: the local server\'s entries are listed as no longer needed, never removed', () => {
    const result = mergePackageJson(text(local), local, auth0);
    expect(result.notNeeded).toEqual(['scripts.token', 'dependencies.oidc-provider', 'devDependencies.@types/oidc-provider']);
    expect(result.updated).toEqual(['description']);
    const merged = JSON.parse(result.content!);
    expect(merged.dependencies['oidc-provider']).toBe(local.dependencies && (local.dependencies as Record<string, string>)['oidc-provider']);
    expect(merged.scripts.token).toBe('tsx scripts/token.ts');
    expect(merged.description).toBe(auth0.description);
  });

  test('auth0 → local: the entries are added, dependencies stay sorted, your own entries stay', () => {
    const sorted = (deps: Record<string, string>) => Object.fromEntries(Object.entries(deps).sort(([a], [b]) => a.localeCompare(b)));
    const mine = { ...auth0, scripts: { ...(auth0.scripts as object), lint: 'eslint .' }, dependencies: sorted({ ...(auth0.dependencies as Record<string, string>), stripe: '^17.0.0' }) };
    const result = mergePackageJson(text(mine), auth0, local);
    expect(result.added).toEqual(['scripts.token', 'dependencies.oidc-provider', 'devDependencies.@types/oidc-provider']);
    const merged = JSON.parse(result.content!);
    expect(Object.keys(merged.dependencies)).toEqual([...Object.keys(merged.dependencies)].sort((a, b) => a.localeCompare(b)));
    expect(merged.dependencies.stripe).toBe('^17.0.0');
    expect(merged.scripts.lint).toBe('eslint .');
    expect(Object.keys(merged.scripts).at(-1)).toBe('token');
  });

  test('your own value for an entry the change needs is kept and listed', () => {
    const mine = { ...auth0, description: 'My app', dependencies: { ...(auth0.dependencies as object), 'oidc-provider': '^8.0.0' } };
    const result = mergePackageJson(text(mine), auth0, local);
    expect(result.kept).toEqual(['description', 'dependencies.oidc-provider']);
    expect(JSON.parse(result.content!).dependencies['oidc-provider']).toBe('^8.0.0');
  });

  test('local → auth0 with prune: the local server\'s entries go, unless you changed one', () => {
    const result = mergePackageJson(text(local), local, auth0, { prune: true });
    expect(result.removed).toEqual(['scripts.token', 'dependencies.oidc-provider', 'devDependencies.@types/oidc-provider']);
    expect(result.notNeeded).toEqual([]);
    const merged = JSON.parse(result.content!);
    expect(merged.scripts.token).toBeUndefined();
    expect(merged.dependencies['oidc-provider']).toBeUndefined();
    expect(merged.devDependencies['@types/oidc-provider']).toBeUndefined();
    expect(merged.scripts.dev).toBe((local.scripts as Record<string, string>).dev);
    // Your own version of the token script is yours: kept, and listed.
    const mine = { ...local, scripts: { ...(local.scripts as object), token: 'tsx scripts/token.ts --ttl 60' } };
    const edited = mergePackageJson(text(mine), local, auth0, { prune: true });
    expect(edited.removed).toEqual(['dependencies.oidc-provider', 'devDependencies.@types/oidc-provider']);
    expect(edited.notNeeded).toEqual(['scripts.token']);
    expect(JSON.parse(edited.content!).scripts.token).toBe('tsx scripts/token.ts --ttl 60');
  });

  test('with prune, an entry keep names stays and is listed as in use, with or without prune', () => {
    const keep = new Set(['dependencies.oidc-provider', 'devDependencies.@types/oidc-provider']);
    const result = mergePackageJson(text(local), local, auth0, { prune: true, keep });
    expect(result.removed).toEqual(['scripts.token']);
    expect(result.inUse).toEqual(['dependencies.oidc-provider', 'devDependencies.@types/oidc-provider']);
    expect(JSON.parse(result.content!).dependencies['oidc-provider']).toBe((local.dependencies as Record<string, string>)['oidc-provider']);
    const listed = mergePackageJson(text(local), local, auth0, { keep });
    expect(listed.notNeeded).toEqual(['scripts.token']);
    expect(listed.inUse).toEqual(['dependencies.oidc-provider', 'devDependencies.@types/oidc-provider']);
  });

  test('the same answers change nothing', () => {
    expect(mergePackageJson(text(auth0), auth0, auth0)).toEqual({ content: undefined, added: [], updated: [], kept: [], notNeeded: [], removed: [], inUse: [] });
  });

  test('indentation and the final line break are kept', () => {
    const result = mergePackageJson(JSON.stringify(auth0, null, 4), auth0, local);
    expect(result.content!.startsWith('{\n    "name"')).toBe(true);
    expect(result.content!.endsWith('}')).toBe(true);
  });

  test('not a JSON object: an error for the caller to report', () => {
    expect(() => mergePackageJson('{ "name": ', auth0, local)).toThrow();
    expect(() => mergePackageJson('[]', auth0, local)).toThrow(/not a JSON object/);
  });
});
