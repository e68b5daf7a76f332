/**
 * What the providers that sign in only through the broker (Google, GitHub) share: they issue no
 * tokens for this server, so the tokens hosts use are the broker's, bound to the MCP URL; the
 * broker's own client is registered by hand at the provider.
 */
import type { Provider } from './types.js';

export const brokerOnly = {
  defaultAudiences: () => [],
  defaultScopes: () => ['mcp:tools'],
  preRegisteredClient: true,
  acceptsAudience: false,
  audienceRefusal: "--audience: hosts use the broker's tokens, which are bound to --resource; drop --audience.",
  signIn: ['broker'],
} as const satisfies Partial<Provider>;
