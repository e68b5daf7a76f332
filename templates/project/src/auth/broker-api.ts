/**
 * What `createAuth` and the `broker` sign-in (`src/auth/broker/`, present when the project was
 * generated with `--sign-in broker`) exchange.
 */
import type { OAuthMetadata } from '@modelcontextprotocol/server';
import type { Router } from 'express';
import type { TokenVerifier } from './access-token.js';
import type { RemoteKeySet } from './jwks.js';
import type { BrokerRules, Expectation } from './jwt.js';
import type { BrokerConfig, Config } from '../config.js';
import type { Logger } from '../log.js';

/** What the consent page shows; see `src/auth/broker/pages.ts` for the built-in one. */
export interface ConsentDetails {
  clientName: string | undefined;
  clientId: string;
  redirectHost: string;
  redirectUri: string;
  scopes: string[];
  serverName: string;
  providerName: string;
  /** Where the form posts `consent=allow` or `consent=deny`. */
  action: string;
  uid: string;
}

export interface BrokerOptions {
  config: Config;
  settings: BrokerConfig;
  log: Logger;
  /** The identity provider's metadata, keys and token rules: the broker's upstream. */
  upstream: OAuthMetadata;
  providerVerifier: TokenVerifier;
  /** The provider's signing keys (none for a provider without JWTs, such as GitHub). */
  providerKeys: RemoteKeySet | undefined;
  /** The provider's user API, when it says who signed in (GitHub). */
  userApi?: string;
  expect: Expectation;
  /** This server's scopes (scopes_supported), required scopes and their hierarchy, in their one form. */
  scopes: string[];
  required: string[];
  implies: Map<string, string[]>;
  /** Extra authorization parameters the provider needs (Auth0: `audience`). */
  authorizeParams: Record<string, string>;
  /** How the provider signs users in for the broker (`rules.broker` in src/auth/verifier.ts). */
  brokerRules?: BrokerRules;
  serverName: string;
  providerName: string;
  consentPage?: (details: ConsentDetails) => string;
}

export interface BrokerSetup {
  /** This server's issuer: the origin of MCP_RESOURCE_URL. */
  issuer: string;
  /** Its RFC 8414 metadata, as hosts see it. */
  metadata: OAuthMetadata;
  /** The public keys of its access tokens (in memory: tool calls never touch the store). */
  jwks(): Promise<{ keys: Record<string, unknown>[] }>;
  /** Its endpoints (after the MCP route: tool calls never pass through them). */
  routes(): Router;
  close(): Promise<void>;
}
