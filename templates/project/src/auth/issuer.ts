/**
 * Where tokens come from: the identity provider at `OAUTH_ISSUER`, whose metadata is fetched once
 * at start (and must name exactly that issuer).
 */
import type { OAuthMetadata } from '@modelcontextprotocol/server';
import type { RequestHandler } from 'express';
import { discoverAuthorizationServer } from './discovery.js';
import { ConfigError, type Config } from '../config.js';
import type { Logger } from '../log.js';

export interface IssuerSetup {
  issuer: string;
  metadata: OAuthMetadata;
  /** Loads the JWK Set; undefined means a bounded GET of `metadata.jwks_uri`. */
  loadKeys?: () => Promise<Record<string, unknown>>;
  /** An embedded authorization server to mount on this app (local development only). */
  mount?: { path: string; handler: RequestHandler };
  close?: () => Promise<void>;
}

export async function setUpIssuer(config: Config, log: Logger): Promise<IssuerSetup> {
  if (!config.issuer) throw new ConfigError('OAUTH_ISSUER is not set. Set it to your identity provider\'s issuer (see AUTH_SETUP.md).');
  log.debug(`auth: fetching authorization server metadata for ${config.issuer}`);
  const metadata = await discoverAuthorizationServer(config.issuer, config.httpTimeoutMs);
  log.debug(`auth: authorization server metadata loaded; jwks_uri ${String(metadata.jwks_uri)}`);
  return { issuer: config.issuer, metadata };
}
