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
import type { Provider, ProviderId } from './types.js';

export const providers: Provider[] = [local, auth0, okta, azure, cognito, oidc, keycloak, workos, google, github];
export const providerIds = providers.map((provider) => provider.id) as ProviderId[];

export function getProvider(id: ProviderId): Provider {
  const provider = providers.find((candidate) => candidate.id === id);
  if (!provider) throw new Error(`unknown provider ${id}`);
  return provider;
}

export type { Field, FieldKey, Provider, ProviderId, ProviderInput, ProviderSettings, SignIn } from './types.js';
