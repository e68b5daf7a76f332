/**
 * Resolves `create`'s answers once, in the order flag → default → prompt, and validates the
 * merged result before any network call or write.
 *
 * - A flag with a bad value is a usage error (exit 2), terminal or not.
 * - On a terminal (and without `--yes`/`CI`) every value a flag covers and that was not given is
 *   asked, with the default pre-filled and validation as the user types.
 * - Without a terminal nothing is asked: defaults apply, and every required value still missing is
 *   listed in one usage error.
 */
import path from 'node:path';
import { UsageError } from '../errors.js';
import { detectPackageManager, packageManagers } from '../install/package-manager.js';
import { getProvider, providerIds, providers, type Field, type FieldKey, type Provider, type ProviderId, type ProviderInput } from '../providers/index.js';
import { localIssuer } from '../providers/local.js';
import { splitList, validateIssuerUrl, validateResourceUrl, validateScope } from '../providers/validate.js';
import { DEFAULT_RESOURCE, DEFAULT_TIMEOUT_MS, type Answers, type AuthMode, type CreateFlags, type PackageManager } from './answers.js';
import { validatePackageName } from './project-name.js';
import type { Prompter } from './prompter.js';

export interface ResolveContext {
  cwd: string;
  /** A prompter when questions may be asked; undefined when not interactive. */
  prompter?: Prompter;
  /** `npm_config_user_agent`, for the package manager default. */
  userAgent?: string;
  /** Flags the user actually typed (commander's option value source is `cli`). */
  given: ReadonlySet<string>;
}

const FIELD_FLAGS: Record<FieldKey, keyof CreateFlags> = {
  domain: 'domain',
  authServer: 'authServer',
  tenant: 'tenant',
  region: 'region',
  userPool: 'userPool',
  clientId: 'clientId',
  issuer: 'issuer',
};

const FLAG_NAMES: Partial<Record<keyof CreateFlags, string>> = {
  domain: '--domain',
  authServer: '--auth-server',
  tenant: '--tenant',
  region: '--region',
  userPool: '--user-pool',
  clientId: '--client-id',
};

/** Checks the folder argument: a valid package name from its last segment. */
export function validateTarget(dir: string, cwd: string): true | string {
  if (dir.trim() === '') return 'The project folder is empty.';
  const name = path.basename(path.resolve(cwd, dir));
  return validatePackageName(name);
}

function check(result: true | string, flag: string): void {
  if (result !== true) throw new UsageError(`${flag}: ${result}`);
}

/** An audience ends up in `.env` and in code: a URL or identifier, nothing that could break out. */
export function validateAudience(value: string): true | string {
  return /^[\x21\x23-\x2B\x2D-\x5B\x5D-\x7E]+$/.test(value.trim())
    ? true
    : `"${value}" is not an audience; use the API identifier as a URL or name without spaces, quotes, commas or backslashes.`;
}

export async function resolveCreateAnswers(dirArg: string | undefined, flags: CreateFlags, ctx: ResolveContext): Promise<Answers> {
  const ask = ctx.prompter;
  const missing: string[] = [];

  // Flags with fixed choices first, so a typo is reported before anything is asked.
  if (flags.provider !== undefined && !providerIds.includes(flags.provider as ProviderId)) {
    throw new UsageError(`--provider: "${flags.provider}" is not a provider; use one of ${providerIds.join(', ')}.`);
  }
  if (flags.authMode !== undefined && flags.authMode !== 'required' && flags.authMode !== 'mixed') {
    throw new UsageError(`--auth-mode: "${flags.authMode}" is not a mode; use required or mixed.`);
  }
  if (flags.pm !== undefined && !packageManagers.includes(flags.pm as PackageManager)) {
    throw new UsageError(`--pm: "${flags.pm}" is not a package manager; use one of ${packageManagers.join(', ')}.`);
  }
  const timeoutMs = flags.timeout === undefined ? DEFAULT_TIMEOUT_MS : Number(flags.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 600_000) {
    throw new UsageError(`--timeout: "${flags.timeout}" is not a timeout in milliseconds between 100 and 600000.`);
  }
  if (dirArg !== undefined) check(validateTarget(dirArg, ctx.cwd), 'Project folder');
  if (flags.audience !== undefined) check(validateAudience(flags.audience), '--audience');
  if (flags.resource !== undefined) check(validateResourceUrl(flags.resource), '--resource');

  // 1. The project folder.
  let targetArg = dirArg;
  if (targetArg === undefined) {
    if (ask) targetArg = await ask.input({ message: 'Project folder', default: 'my-mcp-app', validate: (value) => validateTarget(value, ctx.cwd) });
    else missing.push('[dir] (the project folder, e.g. my-mcp-app)');
  }

  // 2. The provider (default: local, which needs no account).
  let providerId = flags.provider as ProviderId | undefined;
  if (providerId === undefined && ask) {
    providerId = await ask.select<ProviderId>({
      message: 'Identity provider',
      choices: providers.map((provider) => ({ value: provider.id, name: provider.name, description: provider.hint })),
      default: 'local',
    });
  }
  const provider = getProvider(providerId ?? 'local');
  rejectForeignFlags(provider, flags);

  // 3. The provider's own values.
  const input: ProviderInput = {};
  const issuerGiven = flags.issuer !== undefined && provider.id !== 'oidc';
  for (const field of provider.fields) {
    if (field.buildsIssuer && issuerGiven) continue;
    const value = await resolveField(field, flags, input, ask);
    if (value === undefined) missing.push(`${field.flag} <${field.example}>`);
    else if (field.key === 'clientId') input.clientId = Array.isArray(value) ? value : [value];
    else (input as Record<string, unknown>)[field.key] = value;
  }

  // 4. The public URL of the MCP endpoint.
  let resource = flags.resource;
  if (resource === undefined && ask) {
    resource = await ask.input({ message: 'Public URL of the MCP endpoint', default: DEFAULT_RESOURCE, validate: validateResourceUrl });
  }
  resource ??= DEFAULT_RESOURCE;

  if (missing.length > 0) {
    throw new UsageError(`Missing ${missing.length === 1 ? 'a value' : 'values'} for a non-interactive run: ${missing.join(', ')}.`, `Pass ${missing.length === 1 ? 'it' : 'them'} as flags, or run in a terminal to be asked. Example: ${exampleCommand(provider)}`);
  }

  // 5. Issuer: built from the fields, or given with --issuer (checked for this provider).
  let issuer: string;
  if (provider.id === 'local') {
    if (flags.issuer !== undefined) throw new UsageError('--issuer: the local provider runs its own issuer at /oauth on the server; drop --issuer or choose --provider oidc.');
    issuer = localIssuer(resource);
  } else if (issuerGiven) {
    issuer = flags.issuer!.trim();
    check(validateIssuerUrl(issuer), '--issuer');
    if (provider.checkIssuer) check(provider.checkIssuer(issuer), '--issuer');
    // The fields the issuer was given instead of (they fill in the setup checklist).
    for (const [key, value] of Object.entries(provider.parseIssuer?.(new URL(issuer)) ?? {})) {
      (input as Record<string, unknown>)[key] ??= value;
    }
  } else {
    issuer = provider.buildIssuer(input);
  }

  // 6. Token binding, scopes and mode: defaults, asked only when the user wants to customise.
  if (flags.audience !== undefined && !provider.acceptsAudience) {
    throw new UsageError(
      provider.id === 'cognito'
        ? '--audience: Cognito access tokens have no aud claim; they are bound to your app clients with --client-id.'
        : '--audience: the local provider binds tokens to --resource; drop --audience.',
    );
  }
  let audience = flags.audience?.trim();
  let scopesText = flags.scopes;
  let authMode = flags.authMode as AuthMode | undefined;
  const customisable = audience === undefined || scopesText === undefined || authMode === undefined;
  if (ask && customisable && (await ask.confirm({ message: 'Customise audience, scopes and auth mode?', default: false }))) {
    if (audience === undefined && provider.acceptsAudience) {
      const fallback = provider.defaultAudiences(input, resource, undefined);
      const shown = provider.id === 'azure' ? fallback[1] : fallback[0];
      audience = await ask.input({ message: provider.id === 'azure' ? 'Application ID URI' : 'Audience (aud) of access tokens', default: shown, validate: validateAudience });
    }
    if (scopesText === undefined) {
      const fallback = provider.defaultScopes(input, resource, provider.defaultAudiences(input, resource, audience));
      scopesText = await ask.input({
        message: 'Scopes a token needs (space separated)',
        default: fallback.join(' '),
        validate: (value) => splitList(value).map(validateScope).find((result) => result !== true) ?? true,
      });
    }
    authMode ??= await ask.select<AuthMode>({
      message: 'Auth mode',
      choices: [
        { value: 'required', name: 'required', description: 'every request needs a signed-in user' },
        { value: 'mixed', name: 'mixed', description: 'public tools work anonymously; protected tools ask to sign in' },
      ],
      default: 'required',
    });
  }
  if (audience !== undefined && audience === '') throw new UsageError('--audience is empty.');
  const audiences = provider.defaultAudiences(input, resource, audience);
  const scopes = scopesText === undefined ? provider.defaultScopes(input, resource, audiences) : splitList(scopesText);
  for (const scope of scopes) check(validateScope(scope), '--scopes');
  if (scopes.length === 0) throw new UsageError('--scopes: give at least one scope, e.g. --scopes mcp:tools.');

  // 7. Install and git.
  let install = flags.install ?? true;
  if (ask && !ctx.given.has('install')) install = await ask.confirm({ message: 'Install dependencies now?', default: true });

  const targetDir = path.resolve(ctx.cwd, targetArg!);
  return {
    targetDir,
    targetArg: targetArg!,
    projectName: path.basename(targetDir),
    provider: provider.id,
    providerInput: input,
    issuer,
    resource,
    audiences,
    clientIds: input.clientId ?? [],
    scopes,
    authMode: authMode ?? 'required',
    skipIssuerCheck: flags.skipIssuerCheck ?? false,
    install,
    git: flags.git ?? true,
    pm: (flags.pm as PackageManager | undefined) ?? detectPackageManager(ctx.userAgent),
    force: flags.force ?? false,
    timeoutMs,
  };
}

async function resolveField(field: Field, flags: CreateFlags, input: ProviderInput, ask: Prompter | undefined): Promise<string | string[] | undefined> {
  const flagValue = flags[FIELD_FLAGS[field.key]] as string | string[] | undefined;
  const normalize = field.normalize ?? ((value: string) => value.trim());
  const validateAll = (values: string[]): true | string => {
    if (values.length === 0) return `give at least one value, e.g. ${field.example}.`;
    return values.map((value) => field.validate(value, input)).find((result) => result !== true) ?? true;
  };
  if (flagValue !== undefined) {
    const values = splitList(flagValue).map(normalize);
    check(validateAll(values), field.flag);
    return field.multiple ? values : values.length > 1 ? failMultiple(field) : values[0];
  }
  const fallback = field.default?.(input);
  if (ask && !(fallback !== undefined && field.derived)) {
    const answer = await ask.input({
      message: field.message,
      default: fallback,
      validate: (value) => validateAll(splitList(value).map(normalize)),
    });
    const values = splitList(answer).map(normalize);
    return field.multiple ? values : values[0];
  }
  if (fallback !== undefined) return field.multiple ? [fallback] : fallback;
  return undefined;
}

function failMultiple(field: Field): never {
  throw new UsageError(`${field.flag}: give one value, e.g. ${field.example}.`);
}

/** A flag of another provider (e.g. `--tenant` with `--provider auth0`) is a usage error, not silently ignored. */
function rejectForeignFlags(provider: Provider, flags: CreateFlags): void {
  const own = new Set(provider.fields.map((field) => FIELD_FLAGS[field.key]));
  for (const [key, name] of Object.entries(FLAG_NAMES) as Array<[keyof CreateFlags, string]>) {
    if (flags[key] !== undefined && !own.has(key)) {
      throw new UsageError(`${name} is not used by the ${provider.id} provider.`, `Drop ${name}, or choose the provider it belongs to (create-fastapps --help lists them).`);
    }
  }
}

export function exampleCommand(provider: Provider): string {
  const parts = ['npx create-fastapps my-mcp-app', `--provider ${provider.id}`];
  for (const field of provider.fields) if (!field.default) parts.push(`${field.flag} ${field.example}`);
  return parts.join(' ');
}
