/**
 * Which provider family an issuer belongs to, so fixes can name the provider's own settings. The
 * family is a provider module with doctor knowledge (`Provider.doctor`, src/providers/doctor.ts):
 * the chosen provider when it has some, otherwise the first module that recognises the issuer
 * (`--provider oidc`, `local`, or none), otherwise `generic`. Checks hold the generic wording and
 * ask the family's module for its own with `fixFor` and `hintFor`.
 */
import { getProvider, providers } from '../providers/index.js';
import type { Provider } from '../providers/types.js';
import type { DoctorFixId, DoctorFixVars, DoctorHintId, DoctorHintVars, ProviderDoctor } from '../providers/doctor.js';
import type { Flavor, ProviderId } from './types.js';

/** How findings name an authorization server of no known family. */
const GENERIC_NAME = 'the authorization server';

/** The family's provider module, or undefined for `generic`. */
export function familyOf(flavor: Flavor): Provider | undefined {
  return flavor === 'generic' ? undefined : getProvider(flavor);
}

/** The doctor knowledge of the family, or undefined for `generic` (and providers with none). */
export function familyDoctor(flavor: Flavor): ProviderDoctor | undefined {
  return familyOf(flavor)?.doctor;
}

/** The family's name in messages ("Entra ID", "Okta"; "the authorization server" for `generic`). */
export function familyName(flavor: Flavor): string {
  if (flavor === 'generic') return GENERIC_NAME;
  const provider = getProvider(flavor);
  return provider.doctor?.name ?? provider.name;
}

/** The vars argument an id takes: none for a fixed sentence. */
type VarsArg<V> = [V] extends [undefined] ? [] : [vars: V];

function word<V>(text: string | ((vars: V) => string) | undefined, vars: V): string | undefined {
  return typeof text === 'function' ? text(vars) : text;
}

/** The family's own wording of fix `id`, or undefined when it has none. */
export function providerFix<K extends DoctorFixId>(flavor: Flavor, id: K, ...vars: VarsArg<DoctorFixVars[K]>): string | undefined {
  const text = familyDoctor(flavor)?.fixes?.[id] as string | ((vars: DoctorFixVars[K]) => string) | undefined;
  return word(text, vars[0] as DoctorFixVars[K]);
}

/** The family's own wording of fix `id`, else the check's `generic` one. */
export function fixFor<K extends DoctorFixId>(flavor: Flavor, id: K, generic: string, ...vars: VarsArg<DoctorFixVars[K]>): string {
  return providerFix(flavor, id, ...vars) ?? generic;
}

/** The family's hint `id`, or undefined when it has none. */
export function hintFor<K extends DoctorHintId>(flavor: Flavor, id: K, ...vars: VarsArg<DoctorHintVars[K]>): string | undefined {
  const text = familyDoctor(flavor)?.hints?.[id] as string | ((vars: DoctorHintVars[K]) => string) | undefined;
  return word(text, vars[0] as DoctorHintVars[K]);
}

/**
 * The family that recognises the issuer's host and path (each module's `doctor.recognizes`: Auth0's
 * *.auth0.com, Keycloak's `/realms/` path, …), or `generic`.
 *
 * @example inferFlavorFromUrl('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC') // 'cognito'
 */
export function inferFlavorFromUrl(issuer: string): Flavor {
  if (!URL.canParse(issuer.trim())) return 'generic';
  const url = new URL(issuer.trim());
  return providers.find((provider) => provider.doctor?.recognizes?.(url) === true)?.id ?? 'generic';
}

/**
 * The family to word fixes for: the chosen provider when its module has doctor knowledge,
 * otherwise inferred from the issuer (`oidc`, `local`, Google, GitHub or no provider).
 */
export function inferFlavor(provider: ProviderId | undefined, issuer: string): Flavor {
  if (provider !== undefined && getProvider(provider).doctor !== undefined) return provider;
  return inferFlavorFromUrl(issuer);
}
