/**
 * The embedded development authorization server: the generated project runs the whole OAuth flow
 * itself (discovery, JWKS, dynamic registration, PKCE, tokens bound to the resource) at `/oauth`
 * on its own origin. For development only.
 */
import type { Provider } from './types.js';

export const local: Provider<'local'> = {
  id: 'local',
  name: 'Local development server',
  hint: 'no account needed: an embedded OAuth server for development',
  fields: [],
  buildIssuer: () => '',
  issuerNote: (issuer) => `Provider: local development server (the project runs its own OAuth issuer at ${issuer})`,
  defaultAudiences: (_input, resource) => [resource],
  defaultScopes: () => ['mcp:tools'],
  preRegisteredClient: false,
  signIn: ['direct'],
  acceptsAudience: false,
  audienceRefusal: '--audience: the local provider binds tokens to --resource; drop --audience.',
};

/** The embedded issuer lives at /oauth on the resource's origin. */
export function localIssuer(resource: string): string {
  return `${new URL(resource).origin}/oauth`;
}
