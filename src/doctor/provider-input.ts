/**
 * `doctor --provider <id>` with that provider's flags (the same as `create`'s): the issuer they
 * build, and AUTH-FACTS item 2, whether the values make sense together (Cognito pool id vs
 * region, Entra tenant not a multi-tenant alias, Okta custom server, Auth0 a bare domain).
 * Missing values are usage errors; wrong ones are a failed check with the issuer to use.
 */
import { verdict } from '../issuer/context.js';
import type { Finding } from '../issuer/types.js';
import { UsageError } from '../errors.js';
import type { CreateFlags } from '../options/answers.js';
import { FIELD_FLAGS, rejectForeignFlags } from '../options/resolve.js';
import { fieldFallback, parseFieldValues, readFieldValues, requiredFieldArgs } from '../providers/fields.js';
import { getProvider, providerIds, type Provider, type ProviderId, type ProviderInput } from '../providers/index.js';
import { localIssuer } from '../providers/local.js';
import { INPUT_PROVIDER_FIELDS } from './ids.js';

/** The provider flags, as commander hands them over (the same as create's). */
export type ProviderFlags = Pick<CreateFlags, 'provider' | 'domain' | 'authServer' | 'tenant' | 'region' | 'userPool' | 'clientId' | 'realm' | 'allow' | 'issuer' | 'resource'>;

/** What the provider flags resolve to. */
export interface ProviderResolution {
  provider: Provider;
  input: ProviderInput;
  /** The issuer to check (built, or `--issuer`); undefined when the values can't build a URL. */
  issuer: string | undefined;
  /** The `input.provider-fields` finding. */
  finding: Finding;
}

const TITLE = 'Provider settings are coherent';

/** The issuer the user should use: the one the values point at, by the provider module (Cognito: the pool's own region), else the built one. */
function suggestedIssuer(provider: Provider, input: ProviderInput, built: string | undefined): string | undefined {
  return provider.doctor?.suggestedIssuer?.(input) ?? built;
}

/**
 * Resolves `--provider` and its fields. Throws `UsageError` for an unknown provider, a flag of
 * another provider, or a missing value; returns a failing finding for values that are present but
 * wrong.
 *
 * @example
 * resolveProvider({ provider: 'cognito', userPool: 'eu-west-1_AbC123', region: 'us-east-1' }, 'http://localhost:3000/mcp').finding.status // 'fail'
 */
export function resolveProvider(flags: ProviderFlags, resource: string): ProviderResolution {
  if (!providerIds.includes(flags.provider as ProviderId)) {
    throw new UsageError(`--provider: "${flags.provider}" is not a provider; use one of ${providerIds.join(', ')}.`);
  }
  const provider = getProvider(flags.provider as ProviderId);
  rejectForeignFlags(provider, flags, 'create-fastapps doctor');
  const v = verdict({ id: INPUT_PROVIDER_FIELDS, title: TITLE });
  if (provider.id === 'local') {
    if (flags.issuer !== undefined) throw new UsageError('--issuer: the local provider runs its own issuer at /oauth on the server; drop --issuer or choose --provider oidc.');
    const issuer = localIssuer(resource);
    return { provider, input: {}, issuer, finding: v.pass(`The local provider's issuer is the project's own ${issuer}`) };
  }

  const input: ProviderInput = {};
  const problems: string[] = [];
  const missing: string[] = [];
  const issuerGiven = flags.issuer !== undefined && provider.id !== 'oidc';
  for (const field of provider.fields) {
    const raw = flags[FIELD_FLAGS[field.key]] as string | string[] | undefined;
    // Read as create reads it (src/providers/fields.ts), every problem collected instead of the first thrown.
    const given = raw === undefined ? [] : readFieldValues(field, parseFieldValues(field, raw), input).given;
    const fallback = given.length === 0 ? fieldFallback(field, input) : undefined;
    if (given.length === 0 && fallback === undefined) {
      // A derived value (Cognito's region) is missing only because what it derives from is.
      if (field.buildsIssuer && !issuerGiven && !field.derived) missing.push(`${field.flag} <${field.example}>`);
      continue;
    }
    const all = given.length ? given : [fallback!].flat();
    for (const { value, message } of readFieldValues(field, all, input).problems) problems.push(`${field.flag} ${value}: ${message}`);
    if (field.key === 'clientId') input.clientId = all;
    else (input as Record<string, string>)[field.key] = all[0]!;
  }
  if (missing.length) {
    throw new UsageError(
      `--provider ${provider.id} needs ${missing.join(', ')}${provider.id === 'oidc' ? '' : ' (or --issuer)'}.`,
      `Example: npx create-fastapps doctor --provider ${provider.id} ${requiredFieldArgs(provider, { issuerOnly: true }).join(' ')}`,
    );
  }

  let issuer: string | undefined;
  if (issuerGiven) {
    issuer = flags.issuer!.trim();
    const checked = provider.checkIssuer && URL.canParse(issuer) ? provider.checkIssuer(issuer) : true;
    if (checked !== true) problems.push(`--issuer ${issuer}: ${checked}`);
  } else if (provider.fields.some((f) => f.buildsIssuer && (input as Record<string, unknown>)[f.key] === undefined)) {
    issuer = undefined; // e.g. no region derivable from an invalid pool id: nothing sensible to fetch
  } else {
    try {
      const built = provider.buildIssuer(input);
      issuer = URL.canParse(built) ? built : undefined;
    } catch (error) {
      problems.push((error as Error).message);
    }
  }

  const shown = provider.fields.filter((f) => (input as Record<string, unknown>)[f.key] !== undefined).map((f) => `${f.flag} ${String((input as Record<string, unknown>)[f.key])}`);
  const [first] = problems;
  if (first) {
    const suggestion = suggestedIssuer(provider, input, issuer);
    const fix = `${problems.map((p) => p.slice(p.indexOf(': ') + 2)).join(' ')}${suggestion && suggestion !== issuer ? ` The issuer for these values: ${suggestion}` : ''}`;
    return { provider, input, issuer, finding: v.fail(`${provider.name} settings don't fit together: ${first}`, [...problems, ...(issuer ? [`issuer these flags build: ${issuer}`] : [])], fix) };
  }
  const what = issuerGiven ? `--issuer ${issuer}` : `${shown.join(', ')} build${shown.length === 1 ? 's' : ''} the issuer ${issuer}`;
  return { provider, input, issuer, finding: v.pass(`${provider.name}: ${what}`) };
}
