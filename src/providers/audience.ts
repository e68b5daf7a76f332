/**
 * The audience a user types (`--audience`, the customise prompt, the equivalent command) among
 * the ones a provider's tokens may carry: the first, unless the module's `typedAudience` says
 * which (Entra: the Application ID URI, second after the API's client id).
 */
import type { Provider } from './types.js';

/** The question that asks for it. */
const AUDIENCE_MESSAGE = 'Audience (aud) of access tokens';

/** The typed one of `audiences` (as `defaultAudiences` lists them), if there is one. */
export function typedAudience(provider: Provider, audiences: readonly string[]): string | undefined {
  return audiences[provider.typedAudience?.index ?? 0];
}

/** The prompt's question for it. */
export function audienceMessage(provider: Provider): string {
  return provider.typedAudience?.message ?? AUDIENCE_MESSAGE;
}
