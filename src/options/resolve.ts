/**
 * Resolves `create`'s answers once, in the order flag → default → prompt, and validates the
 * merged result before any network call or write.
 *
 * - A flag with a bad value is a usage error (exit 2), terminal or not.
 * - On a terminal (and without `--yes`/`CI`) every value a flag covers and that was not given is
 *   asked, with the default pre-filled and validation as the user types.
 * - Without a terminal nothing is asked: defaults apply, and every required value still missing is
 *   listed in one usage error.
 *
 * `create-fastapps auth` resolves the same settings (`resolveAuthSettings`) with the answers
 * recorded in `fastapps.json` as the defaults instead of the providers' own.
 */
import path from 'node:path';
import { UsageError } from '../errors.js';
import { detectPackageManager, packageManagers } from '../install/package-manager.js';
import { getProvider, providerIds, providers, type Field, type FieldKey, type Provider, type ProviderId, type ProviderInput, type SignIn } from '../providers/index.js';
import { audienceMessage, typedAudience } from '../providers/audience.js';
import { fieldFallback, parseFieldValues, requiredFieldArgs, validateFieldValues } from '../providers/fields.js';
import { localIssuer } from '../providers/local.js';
import { splitList, validateBrokerClientId, validateBrokerSecret, validateIssuerUrl, validateResourceUrl, validateScope } from '../providers/validate.js';
import { DEFAULT_RESOURCE, DEFAULT_TIMEOUT_MS, type Answers, type AuthMode, type CreateFlags, type PackageManager } from './answers.js';
import { validatePackageName } from './project-name.js';
import type { Prompter } from './prompter.js';

export interface ResolveContext {
  cwd: string;
  /** The CLI's environment: `OAUTH_BROKER_CLIENT_SECRET` (broker sign-in) is read from it. */
  env?: NodeJS.ProcessEnv;
  /** A prompter when questions may be asked; undefined when not interactive. */
  prompter?: Prompter;
  /** `npm_config_user_agent`, for the package manager default. */
  userAgent?: string;
  /** Flags the user actually typed (commander's option value source is `cli`). */
  given: ReadonlySet<string>;
}

/** The flag (as commander names it) that holds each provider field. */
export const FIELD_FLAGS = {
  domain: 'domain',
  authServer: 'authServer',
  tenant: 'tenant',
  region: 'region',
  userPool: 'userPool',
  clientId: 'clientId',
  realm: 'realm',
  allow: 'allow',
  issuer: 'issuer',
} as const satisfies Record<FieldKey, keyof CreateFlags>;

/** Every provider field's flag (`--issuer` aside: every provider takes it), read from the provider modules. */
const FLAG_NAMES: Partial<Record<keyof CreateFlags, string>> = Object.fromEntries(
  providers.flatMap((provider) => provider.fields).filter((field) => field.key !== 'issuer').map((field) => [FIELD_FLAGS[field.key], field.flag]),
);

/** Checks the folder argument: a valid package name from its last segment. */
export function validateTarget(dir: string, cwd: string): true | string {
  if (dir.trim() === '') return 'The project folder is empty.';
  const name = path.basename(path.resolve(cwd, dir));
  return validatePackageName(name);
}

function check(result: true | string, flag: string): void {
  if (result !== true) throw new UsageError(`${flag}: ${result}`);
}

/** An audience ends up in `.env` and in the docs: a URL or identifier, nothing that could break out. */
export function validateAudience(value: string): true | string {
  return /^[\x21\x23-\x2B\x2D-\x5B\x5D-\x5F\x61-\x7E]+$/.test(value.trim())
    ? true
    : `${JSON.stringify(value)} is not an audience; use the API identifier as a URL or name without spaces, quotes, commas, backslashes or backticks.`;
}

export async function resolveCreateAnswers(dirArg: string | undefined, flags: CreateFlags, ctx: ResolveContext): Promise<Answers> {
  const ask = ctx.prompter;
  const missing: string[] = [];

  // Flags with fixed choices first, so a typo is reported before anything is asked.
  const timeoutMs = checkChoiceFlags(flags);
  if (dirArg !== undefined) check(validateTarget(dirArg, ctx.cwd), 'Project folder');
  checkValueFlags(flags);

  // 1. The project folder.
  let targetArg = dirArg;
  if (targetArg === undefined) {
    if (ask) targetArg = await ask.input({ message: 'Project folder', default: 'my-mcp-app', validate: (value) => validateTarget(value, ctx.cwd) });
    else missing.push('[dir] (the project folder, e.g. my-mcp-app)');
  }

  // 2–6. Provider, its values, resource, issuer, token binding, scopes and mode.
  const settings = await resolveAuthSettings(flags, { prompter: ask, missing });
  // 6b. The broker's client secret (never a flag: flags end up in shell history and process lists).
  const brokerClientSecret = await resolveBrokerSecret(settings, { env: ctx.env ?? {}, prompter: ask });

  // 7. Install and git.
  let install = flags.install ?? true;
  if (ask && !ctx.given.has('install')) install = await ask.confirm({ message: 'Install dependencies now?', default: true });

  const targetDir = path.resolve(ctx.cwd, targetArg!);
  return {
    targetDir,
    targetArg: targetArg!,
    projectName: path.basename(targetDir),
    ...settings,
    ...(brokerClientSecret !== undefined ? { brokerClientSecret } : {}),
    skipIssuerCheck: flags.skipIssuerCheck ?? false,
    install,
    git: flags.git ?? true,
    pm: (flags.pm as PackageManager | undefined) ?? detectPackageManager(ctx.userAgent),
    force: flags.force ?? false,
    timeoutMs,
  };
}

/** Flags with fixed choices or ranges (a typo is reported before anything is asked); returns the timeout in ms. */
export function checkChoiceFlags(flags: CreateFlags): number {
  if (flags.provider !== undefined && !providerIds.includes(flags.provider as ProviderId)) {
    throw new UsageError(`--provider: "${flags.provider}" is not a provider; use one of ${providerIds.join(', ')}.`);
  }
  if (flags.authMode !== undefined && flags.authMode !== 'required' && flags.authMode !== 'mixed') {
    throw new UsageError(`--auth-mode: "${flags.authMode}" is not a mode; use required or mixed.`);
  }
  if (flags.signIn !== undefined && !SIGN_IN_MODES.includes(flags.signIn as SignIn)) {
    throw new UsageError(`--sign-in: "${flags.signIn}" is not a sign-in mode; use one of ${SIGN_IN_MODES.join(', ')}.`);
  }
  if (flags.pm !== undefined && !packageManagers.includes(flags.pm as PackageManager)) {
    throw new UsageError(`--pm: "${flags.pm}" is not a package manager; use one of ${packageManagers.join(', ')}.`);
  }
  const timeoutMs = flags.timeout === undefined ? DEFAULT_TIMEOUT_MS : Number(flags.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 600_000) {
    throw new UsageError(`--timeout: "${flags.timeout}" is not a timeout in milliseconds between 100 and 600000.`);
  }
  return timeoutMs;
}

/** Free-form flags checked before anything is asked. */
export function checkValueFlags(flags: CreateFlags): void {
  if (flags.audience !== undefined) check(validateAudience(flags.audience), '--audience');
  if (flags.resource !== undefined) check(validateResourceUrl(flags.resource), '--resource');
  if (flags.brokerClientId !== undefined) check(validateBrokerClientId(flags.brokerClientId), '--broker-client-id');
}


/** The answers that make up a project's auth configuration (what `fastapps.json` records). */
export type AuthSettings = Pick<Answers, 'provider' | 'providerInput' | 'issuer' | 'resource' | 'audiences' | 'clientIds' | 'scopes' | 'authMode' | 'signIn' | 'brokerClientId'>;

export const SIGN_IN_MODES: readonly SignIn[] = ['direct', 'facade', 'broker'];

/** One line under each sign-in choice on a terminal. */
function signInChoice(mode: SignIn, provider: Provider): string {
  switch (mode) {
    case 'direct':
      return 'hosts sign in at the provider itself';
    case 'facade':
      return 'the server publishes the metadata hosts insist on (S256, only its scopes) over the provider; no tokens of its own';
    case 'broker':
      return `this server is the authorization server hosts see: they register themselves; you register one client at ${provider.name}`;
  }
}

/** The sign-in mode: flag → recorded (same provider) → the provider's default → asked when there is a choice. */
async function resolveSignIn(provider: Provider, flags: CreateFlags, ask: Prompter | undefined, recorded: AuthSettings | undefined): Promise<SignIn> {
  const given = flags.signIn as SignIn | undefined;
  if (given !== undefined) {
    if (!provider.signIn.includes(given)) {
      throw new UsageError(
        `--sign-in: the ${provider.id} provider has no ${given} sign-in; use ${provider.signIn.join(' or ')}.`,
        provider.id === 'local' ? 'The local provider is its own authorization server and already publishes everything hosts need.' : undefined,
      );
    }
    return given;
  }
  const fallback = recorded?.signIn ?? provider.signIn[0];
  if (!ask || provider.signIn.length === 1) return fallback;
  return ask.select<SignIn>({
    message: 'Sign-in mode',
    choices: provider.signIn.map((mode) => ({ value: mode, name: mode, description: signInChoice(mode, provider) })),
    default: fallback,
  });
}

export interface SettingsContext {
  /** A prompter when questions may be asked; undefined when not interactive. */
  prompter?: Prompter | undefined;
  /**
   * The recorded answers (`auth`): they are the defaults. The provider's own values carry over
   * only while the provider stays the same; resource and auth mode always carry over; audience
   * and scopes carry over when they were customised (otherwise the new defaults apply).
   */
  base?: AuthSettings | undefined;
  /** Values already found missing (e.g. the folder): listed in the same error. */
  missing?: string[];
  /** The example command shown with the missing-values error. */
  example?: (provider: Provider) => string;
}

/** Steps 2–6 of `create`, shared with `auth`: flag → default (recorded, else the provider's) → prompt. */
export async function resolveAuthSettings(flags: CreateFlags, ctx: SettingsContext): Promise<AuthSettings> {
  const ask = ctx.prompter;
  const base = ctx.base;
  const missing = ctx.missing ?? [];

  // 2. The provider (default: the recorded one, else local, which needs no account).
  let providerId = flags.provider as ProviderId | undefined;
  if (providerId === undefined && ask) {
    providerId = await ask.select<ProviderId>({
      message: 'Identity provider',
      choices: providers.map((provider) => ({ value: provider.id, name: provider.name, description: provider.hint })),
      default: base?.provider ?? 'local',
    });
  }
  const provider = getProvider(providerId ?? base?.provider ?? 'local');
  rejectForeignFlags(provider, flags);
  // A provider's recorded values mean nothing to another provider: they do not carry over.
  const recorded = base?.provider === provider.id ? base : undefined;

  // 3. The provider's own values.
  const input: ProviderInput = {};
  const issuerGiven = flags.issuer !== undefined && provider.id !== 'oidc';
  for (const field of provider.fields) {
    if (field.buildsIssuer && issuerGiven) continue;
    const value = await resolveField(field, flags, input, ask, recorded?.providerInput[field.key]);
    if (value === undefined) missing.push(`${field.flag} <${field.example}>`);
    else if (field.key === 'clientId') input.clientId = Array.isArray(value) ? value : [value];
    else (input as Record<string, unknown>)[field.key] = value;
  }

  // 3b. How hosts sign in (asked only when the provider offers a choice), and the broker's own client.
  const signIn = missing.length > 0 ? provider.signIn[0] : await resolveSignIn(provider, flags, ask, recorded);
  if (missing.length > 0 && flags.signIn === 'broker' && flags.brokerClientId === undefined && provider.signIn.includes('broker')) {
    missing.push('--broker-client-id <id> (the server\'s own client at the provider)');
  }
  const brokerClientId = missing.length > 0 ? undefined : await resolveBrokerClientId(provider, signIn, flags, ask, recorded);

  // 4. The public URL of the MCP endpoint.
  let resource = flags.resource;
  if (resource === undefined && ask) {
    resource = await ask.input({ message: 'Public URL of the MCP endpoint', default: base?.resource ?? DEFAULT_RESOURCE, validate: validateResourceUrl });
  }
  resource ??= base?.resource ?? DEFAULT_RESOURCE;

  if (missing.length > 0) {
    const example = (ctx.example ?? exampleCommand)(provider);
    throw new UsageError(`Missing ${missing.length === 1 ? 'a value' : 'values'} for a non-interactive run: ${missing.join(', ')}.`, `Pass ${missing.length === 1 ? 'it' : 'them'} as flags, or run in a terminal to be asked. Example: ${example}`);
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
  } else if (recorded && provider.fields.every((field) => !field.buildsIssuer || sameValue(input[field.key], recorded.providerInput[field.key]))) {
    // The fields that build the issuer did not change: keep the recorded issuer (it may have been
    // given with --issuer, or adopted from the discovery document) and what was read from it.
    issuer = recorded.issuer;
    for (const [key, value] of Object.entries(recorded.providerInput)) (input as Record<string, unknown>)[key] ??= value;
  } else {
    issuer = provider.buildIssuer(input);
  }

  // 6. Token binding, scopes and mode: defaults, asked only when the user wants to customise.
  if (flags.audience !== undefined && !provider.acceptsAudience) {
    throw new UsageError(provider.audienceRefusal ?? `--audience: the ${provider.id} provider has no use for it; drop --audience.`);
  }
  const carried = carriedOver(base, recorded, provider);
  let audience = flags.audience?.trim();
  let scopesText = flags.scopes;
  let authMode = flags.authMode as AuthMode | undefined;
  const customisable = audience === undefined || scopesText === undefined || authMode === undefined;
  if (ask && customisable && (await ask.confirm({ message: 'Customise audience, scopes and auth mode?', default: false }))) {
    if (audience === undefined && provider.acceptsAudience) {
      const fallback = provider.defaultAudiences(input, resource, carried.audience, signIn);
      audience = await ask.input({ message: audienceMessage(provider), default: typedAudience(provider, fallback), validate: validateAudience });
    }
    if (scopesText === undefined) {
      const fallback = carried.scopes ?? provider.defaultScopes(input, resource, provider.defaultAudiences(input, resource, audience ?? carried.audience, signIn));
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
      default: carried.authMode ?? 'required',
    });
  }
  if (audience !== undefined && audience === '') throw new UsageError('--audience is empty.');
  if (provider.acceptsAudience) audience ??= carried.audience;
  const audiences = provider.defaultAudiences(input, resource, audience, signIn);
  const typed = scopesText === undefined ? (carried.scopes ?? provider.defaultScopes(input, resource, audiences)) : splitList(scopesText);
  // One stored form (Entra: qualified), also for scopes recorded by an older version (auth migrates them).
  const scopes = provider.normalizeScopes?.(typed, audiences) ?? typed;
  for (const scope of scopes) check(validateScope(scope), '--scopes');
  if (scopes.length === 0) throw new UsageError('--scopes: give at least one scope, e.g. --scopes mcp:tools.');

  return {
    provider: provider.id,
    providerInput: input,
    issuer,
    resource,
    audiences,
    clientIds: input.clientId ?? [],
    scopes,
    authMode: authMode ?? carried.authMode ?? 'required',
    signIn,
    ...(brokerClientId !== undefined ? { brokerClientId } : {}),
  };
}

/**
 * The broker's own client id: flag → recorded (same provider) → asked on a terminal; required for
 * `broker` sign-in and refused with any other.
 */
async function resolveBrokerClientId(provider: Provider, signIn: SignIn, flags: CreateFlags, ask: Prompter | undefined, recorded: AuthSettings | undefined): Promise<string | undefined> {
  if (signIn !== 'broker') {
    if (flags.brokerClientId !== undefined) {
      throw new UsageError(`--broker-client-id is used only with the broker sign-in, and this is ${signIn}.`, 'Drop --broker-client-id, or add --sign-in broker.');
    }
    return undefined;
  }
  if (flags.brokerClientId !== undefined) return flags.brokerClientId.trim();
  const previous = recorded?.signIn === 'broker' ? recorded.brokerClientId : undefined;
  if (ask) {
    const answer = await ask.input({ message: `Client id of this server's own client at ${provider.name} (broker sign-in)`, default: previous, validate: validateBrokerClientId });
    return answer.trim();
  }
  if (previous !== undefined) return previous;
  throw new UsageError(
    `--sign-in broker needs the client id of the server's own client at ${provider.name}: pass --broker-client-id <id> (AUTH_SETUP.md says how to register that client).`,
  );
}

/** Where `resolveBrokerSecret` may find the broker's client secret. */
export interface SecretSources {
  /** The CLI's environment (`OAUTH_BROKER_CLIENT_SECRET`). */
  env: NodeJS.ProcessEnv;
  /** Asks (masked) when there is neither. */
  prompter?: Prompter | undefined;
  /** The non-empty value already in the project's `.env` (`auth`): kept without asking. */
  existing?: string | undefined;
  /** `auth --dry-run`: never asks, and an unknown secret is no error (nothing is written). */
  dryRun?: boolean;
}

/** The variable the broker's client secret is read from, in the CLI's environment as in the server's. */
export const BROKER_SECRET_ENV = 'OAUTH_BROKER_CLIENT_SECRET';

/**
 * The broker's client secret: `OAUTH_BROKER_CLIENT_SECRET` in this process's environment (also how
 * `auth` replaces one), else the one already in `.env` (`auth`), else a masked prompt; without a
 * terminal, a usage error naming the variable. Undefined for any other sign-in. Never echoed: the
 * errors say what is wrong with it, not what it is.
 */
export async function resolveBrokerSecret(settings: Pick<AuthSettings, 'signIn' | 'provider' | 'brokerClientId'>, sources: SecretSources): Promise<string | undefined> {
  if (settings.signIn !== 'broker') return undefined;
  const fromEnv = sources.env[BROKER_SECRET_ENV];
  if (fromEnv !== undefined && fromEnv !== '') {
    const valid = validateBrokerSecret(fromEnv);
    if (valid !== true) throw new UsageError(`${BROKER_SECRET_ENV} in the environment: ${valid}`);
    return fromEnv.trim();
  }
  if (sources.existing !== undefined && sources.existing !== '') return sources.existing;
  if (sources.dryRun) return undefined;
  const name = getProvider(settings.provider).name;
  if (sources.prompter?.password) {
    const answer = await sources.prompter.password({ message: `Client secret of ${settings.brokerClientId ?? 'that client'} at ${name} (written only to .env)`, validate: validateBrokerSecret });
    return answer.trim();
  }
  throw new UsageError(
    `The broker sign-in needs the client secret of the server's own client at ${name}, and there is no terminal to ask for it: set ${BROKER_SECRET_ENV} in the environment of this command (it is written only to .env, never printed). Nothing was written.`,
  );
}

function sameValue(a: string | string[] | undefined, b: string | string[] | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/**
 * What carries over from recorded answers as defaults: a customised audience (same provider only:
 * audiences are provider-bound), customised scopes, and the auth mode. A recorded value equal to
 * the old default is not carried: the new provider's (or new resource's) default applies.
 */
function carriedOver(base: AuthSettings | undefined, recorded: AuthSettings | undefined, provider: Provider): { audience?: string; scopes?: string[]; authMode?: AuthMode } {
  if (!base) return {};
  const carried: { audience?: string; scopes?: string[]; authMode?: AuthMode } = { authMode: base.authMode };
  if (recorded && provider.acceptsAudience) {
    const defaults = provider.defaultAudiences(recorded.providerInput, recorded.resource, undefined, recorded.signIn);
    const shown = typedAudience(provider, recorded.audiences);
    if (recorded.audiences.join(',') !== defaults.join(',') && shown !== undefined) carried.audience = shown;
  }
  const previous = getProvider(base.provider);
  if (base.scopes.join(' ') !== previous.defaultScopes(base.providerInput, base.resource, base.audiences).join(' ')) carried.scopes = base.scopes;
  return carried;
}

async function resolveField(field: Field, flags: CreateFlags, input: ProviderInput, ask: Prompter | undefined, recorded?: string | string[]): Promise<string | string[] | undefined> {
  const flagValue = flags[FIELD_FLAGS[field.key]] as string | string[] | undefined;
  const parse = (value: string | string[]): string[] => parseFieldValues(field, value);
  const validateAll = (values: string[]): true | string => validateFieldValues(field, values, input);
  if (flagValue !== undefined) {
    const values = parse(flagValue);
    check(validateAll(values), field.flag);
    return field.multiple ? values : values[0];
  }
  const fallback = fieldFallback(field, input, recorded);
  if (ask && !(fallback !== undefined && field.derived)) {
    const answer = await ask.input({
      message: field.message,
      default: Array.isArray(fallback) ? fallback.join(', ') : fallback,
      validate: (value) => validateAll(parse(value)),
    });
    const values = parse(answer);
    return field.multiple ? values : values[0];
  }
  if (fallback !== undefined) return field.multiple && !Array.isArray(fallback) ? [fallback] : fallback;
  return undefined;
}


/**
 * A flag of another provider (e.g. `--tenant` with `--provider auth0`) is a usage error, not
 * silently ignored. `command` names the command whose --help lists the providers.
 */
export function rejectForeignFlags(provider: Provider, flags: CreateFlags, command = 'create-fastapps'): void {
  const own = new Set<keyof CreateFlags>(provider.fields.map((field) => FIELD_FLAGS[field.key]));
  for (const [key, name] of Object.entries(FLAG_NAMES) as Array<[keyof CreateFlags, string]>) {
    if (flags[key] !== undefined && !own.has(key)) {
      throw new UsageError(`${name} is not used by the ${provider.id} provider.`, `Drop ${name}, or choose the provider it belongs to (${command} --help lists them).`);
    }
  }
}

export function exampleCommand(provider: Provider): string {
  return ['npx create-fastapps my-mcp-app', '--provider', provider.id, ...requiredFieldArgs(provider)].join(' ');
}
