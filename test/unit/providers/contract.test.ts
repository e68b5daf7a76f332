/**
 * The provider module contract: adding a provider is its module, its template folder and one line
 * in src/providers/index.ts. Every provider in the list is checked here, so one that forgets a part
 * (a template, a flag, a fix no check asks for, an issuer it does not recognise) fails.
 */
import { Command } from 'commander';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { templateContext } from '../../../src/generate/context.js';
import { inferFlavor, inferFlavorFromUrl } from '../../../src/issuer/flavor.js';
import type { Answers } from '../../../src/options/answers.js';
import { createExample, createOptions, providerOptions } from '../../../src/options/flags.js';
import { resolveCreateAnswers } from '../../../src/options/resolve.js';
import { typedAudience } from '../../../src/providers/audience.js';

/** Registers a test only where it applies to the provider: a matrix of skips would hide real ones. */
const testWhen = (applies: boolean): typeof test => (applies ? test : ((() => undefined) as unknown as typeof test));
import { getProvider, providerIds, providers, type Provider, type ProviderInput } from '../../../src/providers/index.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** Every TypeScript file under src/. */
function sources(dir = path.join(root, 'src')): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sources(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

/** The fix and hint ids the checks ask provider modules for (`fixFor(flavor, 'id', …)` and friends). */
function askedIds(): { fixes: Set<string>; hints: Set<string> } {
  const fixes = new Set<string>();
  const hints = new Set<string>();
  for (const file of sources()) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\b(fixFor|providerFix|hintFor)\([^,]+,\s*'([^']+)'/g)) (m[1] === 'hintFor' ? hints : fixes).add(m[2]!);
  }
  return { fixes, hints };
}

/** The long flags `create`, `auth` and `doctor` declare for provider fields. */
function declaredFlags(): Set<string> {
  return new Set(providerOptions(new Command()).options.map((option) => option.long).filter((flag): flag is string => flag !== undefined));
}

/** The module's fields filled with their examples (multi-value fields: one value). */
function exampleInput(provider: Provider): ProviderInput {
  const input: ProviderInput = {};
  for (const field of provider.fields) {
    if (field.multiple || field.key === 'allow' || field.key === 'clientId') (input as Record<string, unknown>)[field.key] = [field.example];
    else (input as Record<string, unknown>)[field.key] = field.example;
  }
  return input;
}

/** What create would resolve for the module's examples, in its default sign-in mode. */
function exampleAnswers(provider: Provider): Answers {
  const input = exampleInput(provider);
  const resource = 'https://mcp.example.com/mcp';
  const audiences = provider.defaultAudiences(input, resource, undefined);
  return {
    targetDir: '/tmp/app',
    targetArg: 'app',
    projectName: 'app',
    provider: provider.id,
    providerInput: input,
    issuer: provider.id === 'local' ? 'https://mcp.example.com/oauth' : provider.buildIssuer(input),
    resource,
    audiences,
    clientIds: input.clientId ?? [],
    scopes: provider.defaultScopes(input, resource, audiences),
    authMode: 'required',
    signIn: provider.signIn[0],
    skipIssuerCheck: true,
    install: false,
    git: false,
    pm: 'npm',
    force: false,
    timeoutMs: 5000,
  };
}

describe.each(providers.map((provider) => [provider.id, provider] as const))('provider %s', (id, provider) => {
  test('is found by its id, once', () => {
    expect(getProvider(id)).toBe(provider);
    expect(providerIds.filter((other) => other === id)).toHaveLength(1);
  });

  test('has its template folder with AUTH_SETUP.md.hbs', () => {
    expect(existsSync(path.join(root, 'templates', 'providers', id, 'AUTH_SETUP.md.hbs'))).toBe(true);
  });

  test('asks only for flags that flags.ts declares, each once', () => {
    const declared = declaredFlags();
    for (const field of provider.fields) expect(declared, `${id} asks for ${field.flag}`).toContain(field.flag);
    const flags = provider.fields.map((field) => field.flag);
    expect(new Set(flags).size).toBe(flags.length);
  });

  test("each field's example passes its own validation", () => {
    const input = exampleInput(provider);
    for (const field of provider.fields) {
      const value = field.normalize ? field.normalize(field.example) : field.example;
      expect(field.validate(value, input), `${id} ${field.flag} ${field.example}`).toBe(true);
    }
  });

  // Only what applies to this provider is a test: a matrix of skips would hide real ones.
  if (!provider.acceptsAudience) {
    test('says why --audience is refused', () => {
      expect(provider.audienceRefusal).toMatch(/^--audience: /);
    });
  }

  testWhen(provider.acceptsAudience)('--audience lands where typedAudience says, in every sign-in mode', () => {
    for (const signIn of provider.signIn) {
      const audiences = provider.defaultAudiences(exampleInput(provider), 'https://mcp.example.com/mcp', 'https://api.example.com/typed', signIn);
      expect(typedAudience(provider, audiences), `${id} ${signIn}`).toBe('https://api.example.com/typed');
    }
  });

  testWhen(provider.templateData !== undefined)("its templates' own data does not shadow the shared context", () => {
    const shared = Object.keys(templateContext(exampleAnswers(getProvider('local'))));
    const own = Object.keys(provider.templateData!(exampleAnswers(provider)));
    expect(own.length).toBeGreaterThan(0);
    for (const key of own) expect(shared, `${id} templateData ${key}`).not.toContain(key);
    expect(templateContext(exampleAnswers(provider))).toMatchObject(provider.templateData!(exampleAnswers(provider)));
  });

  testWhen(provider.doctor?.suggestedIssuer !== undefined)('suggests the issuer its examples build', () => {
    expect(provider.doctor!.suggestedIssuer!(exampleInput(provider))).toBe(provider.buildIssuer(exampleInput(provider)));
  });

  testWhen(provider.doctor?.tokenAudience !== undefined)("its token.audience reading lets a token for this project's audience pass", () => {
    const answers = exampleAnswers(provider);
    const expected = answers.audiences;
    const aud = [expected[0]!];
    const reading = provider.doctor!.tokenAudience!({ claims: { aud }, aud, expected, matched: expected[0], summary: 'generic', expect: { audiences: expected, resource: answers.resource } });
    expect(reading).toBeUndefined();
  });

  test("create's help example for it runs without a terminal as it stands (its secret set)", async () => {
    const { env, args } = createExample(provider);
    const command = createOptions(new Command()).argument('[dir]').exitOverride().parse(args, { from: 'user' });
    const environment = Object.fromEntries(env.map((name) => [name, 'an-example-client-secret-0123456789']));
    const answers = await resolveCreateAnswers(command.args[0], command.opts(), { cwd: '/tmp', env: environment, given: new Set() });
    expect(answers.provider).toBe(id);
  });

  testWhen(provider.doctor?.scopeClaims !== undefined)('its generated verifier reads scopes from the claims doctor reads them from', () => {
    const verifier = readFileSync(path.join(root, 'templates', 'providers', id, 'src', 'auth', 'verifier.ts'), 'utf8');
    for (const claim of provider.doctor!.scopeClaims!) expect(verifier, `${id} verifier reads ${claim}`).toContain(`scopeList(claims.${claim})`);
  });

  testWhen(provider.doctor?.roleScopes !== undefined)('its generated verifier counts the role claims doctor counts as scopes', () => {
    const verifier = readFileSync(path.join(root, 'templates', 'providers', id, 'src', 'auth', 'verifier.ts'), 'utf8');
    const claims = { realm_access: { roles: ['r'] }, resource_access: { c: { roles: ['r'] } } };
    const read = provider.doctor!.roleScopes!(claims);
    expect(read.length).toBeGreaterThan(0);
    for (const { claim } of read) expect(verifier, `${id} verifier reads ${claim}`).toContain(`claims.${claim.split('.')[0]}`);
  });

  test('offers at least one sign-in mode, and each one once', () => {
    expect(provider.signIn.length).toBeGreaterThan(0);
    expect(new Set(provider.signIn).size).toBe(provider.signIn.length);
  });

  test('names only fixes and hints that some check asks for', () => {
    const asked = askedIds();
    for (const fix of Object.keys(provider.doctor?.fixes ?? {})) expect(asked.fixes, `${id} fix ${fix}`).toContain(fix);
    for (const hint of Object.keys(provider.doctor?.hints ?? {})) expect(asked.hints, `${id} hint ${hint}`).toContain(hint);
  });

  if (provider.doctor !== undefined) {
    test('is the family doctor words findings for when chosen', () => {
      expect(inferFlavor(id, 'https://unrelated.example.com')).toBe(id);
    });
  }

  if (provider.doctor?.recognizes !== undefined) {
    test('recognises the issuer built from its examples, given as oidc', () => {
      const issuer = provider.buildIssuer(exampleInput(provider));
      expect(inferFlavorFromUrl(issuer)).toBe(id);
      expect(inferFlavor('oidc', issuer)).toBe(id);
    });
  }
});

test('every fix and hint id a check asks for is a real id (the compiler checks the rest)', () => {
  // A typo in a check's id fails to compile; this guards the scan above against missing calls.
  const asked = askedIds();
  expect(asked.fixes.size).toBeGreaterThan(10);
  expect(asked.hints.size).toBeGreaterThan(0);
});
