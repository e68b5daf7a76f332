/**
 * GitHub's endpoints. GitHub is not an OpenID Connect provider and publishes no discovery document,
 * so they are fixed: `https://github.com/login/oauth/authorize` and `/login/oauth/access_token`,
 * the user API at `https://api.github.com` (GitHub Enterprise Server: the same paths on your host,
 * the API at `https://{host}/api/v3`). Only the broker sign-in (`OAUTH_SIGN_IN=broker`) uses them:
 * GitHub's tokens are opaque and for GitHub's API, never for yours.
 */
import type { OAuthMetadata } from '@modelcontextprotocol/server';
import type { IssuerSetup } from './remote-issuer.js';
import { ConfigError, type Config } from '../config.js';
import type { Logger } from '../log.js';

export type { IssuerSetup } from './remote-issuer.js';

export async function setUpIssuer(config: Config, log: Logger): Promise<IssuerSetup> {
  if (!config.issuer) throw new ConfigError('OAUTH_ISSUER is not set. Set it to https://github.com, or https://<your GitHub Enterprise Server host> (see AUTH_SETUP.md).');
  const origin = new URL(config.issuer).origin;
  const metadata = {
    issuer: config.issuer,
    authorization_endpoint: `${origin}/login/oauth/authorize`,
    token_endpoint: `${origin}/login/oauth/access_token`,
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    // GitHub reads the client id and secret from the form.
    token_endpoint_auth_methods_supported: ['client_secret_post'],
    scopes_supported: ['read:user', 'user:email', 'read:org'],
  } as OAuthMetadata;
  const userApi = new URL(origin).hostname === 'github.com' ? 'https://api.github.com' : `${origin}/api/v3`;
  log.debug(`auth: GitHub endpoints at ${origin}, user API ${userApi}`);
  return { issuer: config.issuer, metadata, userApi };
}
