/** The values templates see, derived once from the answers. */
import { getProvider } from '../providers/index.js';
import { runCommand, installCommand } from '../install/package-manager.js';
import type { Answers } from '../options/answers.js';
import { HOSTS, brokerCallbackUrl, type Host } from './hosts.js';

/** What the broker asks the provider for besides this server's scopes: who signed in (every provider offering broker has them). */
const OIDC_SCOPES = ['openid', 'profile', 'email'];

/**
 * The context every template is rendered with. A provider's own templates also see what its
 * module's `templateData` returns (Cognito: `resourceServers`, `customScopes`, `unknownScopes`;
 * Entra: `appIdUri`, `clientAppIdUri`), merged in by `templateContext`.
 */
export interface TemplateContext {
  projectName: string;
  provider: string;
  providerName: string;
  issuer: string;
  resource: string;
  resourceOrigin: string;
  resourcePath: string;
  /** Protected resource metadata, path-aware URL. */
  prmUrl: string;
  prmRootUrl: string;
  audiences: string[];
  audience: string;
  /** The (first) audience is the MCP URL itself (Auth0: the hosts' resource can select it). */
  audienceIsResource: boolean;
  clientIds: string[];
  scopes: string[];
  /** The scopes' own names (Entra: without the Application ID URI, as the portal and `scp` show them). */
  scopeNames: string[];
  scopesText: string;
  authMode: string;
  /** `direct`, `facade` or `broker` (SPEC §9). */
  signIn: string;
  facade: boolean;
  /** The server is the authorization server hosts register with, and signs users in at the provider with its own client. */
  broker: boolean;
  /** Broker: the redirect URI of the server's own client at the provider (`{origin}/oauth/callback`); empty otherwise. */
  brokerCallback: string;
  /** Broker: the client id of the server's own client (`OAUTH_BROKER_CLIENT_ID`); empty otherwise. */
  brokerClientId: string;
  /** Broker: the scopes that client must be allowed: this server's, then `openid profile email`. */
  brokerScopes: string[];
  /** Broker-only providers (Google, GitHub): how the broker learns who signed in; empty when it checks the provider's access tokens. */
  brokerIdentity: string;
  /** The provider in running text: its name, or "your identity provider" for a generic OpenID Connect server. */
  idpName: string;
  /** The authorization server hosts see: the façade's or broker's issuer (the resource's origin), else the provider's. */
  hostIssuer: string;
  /** What each host needs, for the checklists' "connect the hosts" section. */
  hosts: readonly Host[];
  https: boolean;
  input: Record<string, string>;
  /** Whether the issuer check ran and passed before the project was written (false: skipped, still owed). */
  issuerChecked: boolean;
  run: { dev: string; build: string; start: string; test: string; typecheck: string; token: string; install: string };
}

/** A provider in running text ("signs users in at Auth0", "… at your identity provider"). */
export function idpName(provider: Answers['provider']): string {
  return provider === 'oidc' ? 'your identity provider' : getProvider(provider).name;
}

/** The shared context, with the provider module's `templateData` merged in (the shared keys win). */
export function templateContext(answers: Answers, issuerCheck: 'passed' | 'skipped' | 'not-applicable' = 'passed'): TemplateContext & Record<string, unknown> {
  const provider = getProvider(answers.provider);
  const url = new URL(answers.resource);
  const pm = answers.pm;
  const broker = answers.signIn === 'broker';
  const input: Record<string, string> = {};
  for (const [key, value] of Object.entries(answers.providerInput)) input[key] = Array.isArray(value) ? value.join(', ') : String(value);
  return {
    ...provider.templateData?.(answers),
    projectName: answers.projectName,
    provider: answers.provider,
    providerName: provider.name,
    issuer: answers.issuer,
    resource: answers.resource,
    resourceOrigin: url.origin,
    resourcePath: url.pathname,
    prmUrl: `${url.origin}/.well-known/oauth-protected-resource${url.pathname}`,
    prmRootUrl: `${url.origin}/.well-known/oauth-protected-resource`,
    audiences: answers.audiences,
    audience: answers.audiences[0] ?? '',
    audienceIsResource: answers.audiences[0] === answers.resource,
    clientIds: answers.clientIds,
    scopes: answers.scopes,
    scopeNames: answers.scopes.map((scope) => (scope.includes('://') ? scope.slice(scope.lastIndexOf('/') + 1) : scope)),
    scopesText: answers.scopes.join(' '),
    authMode: answers.authMode,
    signIn: answers.signIn,
    facade: answers.signIn === 'facade',
    broker,
    brokerCallback: broker ? brokerCallbackUrl(answers.resource) : '',
    brokerClientId: broker ? (answers.brokerClientId ?? '') : '',
    brokerScopes: broker ? (provider.broker?.scopes(answers.providerInput.allow ?? []) ?? [...new Set([...answers.scopes, ...OIDC_SCOPES])]) : [],
    brokerIdentity: provider.broker?.identity ?? '',
    idpName: idpName(answers.provider),
    hostIssuer: answers.signIn === 'facade' || broker ? url.origin : answers.issuer,
    hosts: HOSTS,
    https: url.protocol === 'https:',
    input,
    issuerChecked: issuerCheck !== 'skipped',
    run: {
      dev: runCommand(pm, 'dev'),
      build: runCommand(pm, 'build'),
      start: runCommand(pm, 'start'),
      test: runCommand(pm, 'test'),
      typecheck: runCommand(pm, 'typecheck'),
      token: runCommand(pm, 'token'),
      install: installCommand(pm),
    },
  };
}
