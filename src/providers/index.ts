/** The providers, in menu order (local first: it needs no account). */
import { auth0 } from './auth0.js';
import { azure } from './azure.js';
import { cognito } from './cognito.js';
import { github } from './github.js';
import { google } from './google.js';
import { local } from './local.js';
import { oidc } from './oidc.js';
import { keycloak } from './keycloak.js';
import { okta } from './okta.js';
import { workos } from './workos.js';
import type { Provider } from './types.js';

/** The list, as written: each module's type carries its id. */
const list = [local, auth0, okta, azure, cognito, oidc, keycloak, workos, google, github] as const;

/** A provider's id: one of the ids in the list, so adding a module to the list adds its id (types only: nothing runs). */
export type ProviderId = (typeof list)[number]['id'];

export const providers: readonly Provider[] = list;
export const providerIds: readonly ProviderId[] = providers.map((provider) => provider.id);

export function getProvider(id: ProviderId): Provider {
  const provider = providers.find((candidate) => candidate.id === id);
  if (!provider) throw new Error(`unknown provider ${id}`);
  return provider;
}

export type { Field, FieldKey, Provider, ProviderInput, ProviderSettings, SignIn } from './types.js';
