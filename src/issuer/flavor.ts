/**
 * Which provider family an issuer belongs to, so fixes can name the provider's own settings.
 */
import type { Flavor, ProviderId } from './types.js';

/** Display names used in messages. */
export const FLAVOR_NAMES: Record<Flavor, string> = {
  auth0: 'Auth0',
  okta: 'Okta',
  azure: 'Entra ID',
  cognito: 'Cognito',
  keycloak: 'Keycloak',
  workos: 'WorkOS AuthKit',
  generic: 'the authorization server',
};

/** Text per flavor with a generic fallback. */
export type PerFlavor = Partial<Record<Flavor, string>> & { generic: string };

/** Picks the flavor's text, or the generic one. */
export function forFlavor(flavor: Flavor, texts: PerFlavor): string {
  return texts[flavor] ?? texts.generic;
}

/**
 * The family from the host and path of the issuer: *.auth0.com, *.okta.com / *.oktapreview.com /
 * *.okta-emea.com, login.microsoftonline.com / sts.windows.net, cognito-idp.<region>.amazonaws.com,
 * and any URL with a `/realms/` path segment (Keycloak).
 *
 * @example inferFlavorFromUrl('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC') // 'cognito'
 */
export function inferFlavorFromUrl(issuer: string): Flavor {
  if (!URL.canParse(issuer.trim())) return 'generic';
  const { hostname, pathname } = new URL(issuer.trim());
  const host = hostname.toLowerCase();
  if (host.endsWith('.auth0.com')) return 'auth0';
  if (/\.(okta|oktapreview|okta-emea)\.com$/.test(host)) return 'okta';
  if (host === 'login.microsoftonline.com' || host === 'sts.windows.net') return 'azure';
  if (/^cognito-idp\.[a-z0-9-]+\.amazonaws\.com$/.test(host)) return 'cognito';
  if (/\/realms\/[^/]+/.test(pathname)) return 'keycloak';
  if (host.endsWith('.authkit.app')) return 'workos';
  return 'generic';
}

/**
 * The family to word fixes for: the chosen provider when it names one, otherwise inferred from the
 * issuer (`oidc`, `local` or no provider).
 */
export function inferFlavor(provider: ProviderId | undefined, issuer: string): Flavor {
  switch (provider) {
    case 'auth0':
    case 'okta':
    case 'azure':
    case 'cognito':
    case 'keycloak':
    case 'workos':
      return provider;
    default:
      return inferFlavorFromUrl(issuer);
  }
}
