/**
 * Where tokens come from: the identity provider at `OAUTH_ISSUER`, whose metadata is fetched once
 * at start (and must name exactly that issuer).
 */
import type { OAuthMetadata } from '@modelcontextprotocol/server';
import type { Express } from 'express';
import { discoverAuthorizationServer } from './discovery.js';
import { ConfigError, type Config } from '../config.js';
import type { Logger } from '../log.js';

export interface IssuerSetup {
  issuer: string;
  metadata: OAuthMetadata;
  /** The provider's user API (GitHub, which is not OpenID Connect: the broker asks it who signed in). */
  userApi?: string;
  /** Loads the JWK Set; undefined means a bounded GET of `metadata.jwks_uri`. */
  loadKeys?: () => Promise<Record<string, unknown>>;
  /** Mounts an embedded authorization server on the app, before any body parser (local development only). */
  mount?: (root: Express) => void;
  /** Mints an access token with the embedded server's keys (local development only). */
  mintToken?: (input: { sub: string; scopes: string[]; ttlSeconds?: number }) => Promise<string>;
  close?: () => Promise<void>;
}

export async function remoteIssuer(config: Config, log: Logger): Promise<IssuerSetup> {
  if (!config.issuer) throw new ConfigError('OAUTH_ISSUER is not set. Set it to your identity provider\'s issuer (see AUTH_SETUP.md).');
  log.debug(`auth: fetching authorization server metadata for ${config.issuer}`);
  const metadata = await discoverAuthorizationServer(config.issuer, config.httpTimeoutMs);
  log.debug(`auth: authorization server metadata loaded; jwks_uri ${String(metadata.jwks_uri)}`);
  return { issuer: config.issuer, metadata };
}
