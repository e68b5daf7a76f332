/** The values templates see, derived once from the answers. */
import { getProvider } from '../providers/index.js';
import { runCommand, installCommand } from '../install/package-manager.js';
import type { Answers } from '../options/answers.js';
import { HOSTS, brokerCallbackUrl, type Host } from './hosts.js';

/** What the broker asks the provider for besides this server's scopes: who signed in (every provider offering broker has them). */
const OIDC_SCOPES = ['openid', 'profile', 'email'];

/** The scopes Cognito issues of its own: no resource server defines them. */
const COGNITO_OWN_SCOPES = new Set(['openid', 'profile', 'email', 'phone', 'aws.cognito.signin.user.admin']);

/** A Cognito resource server this project's scopes need: its identifier and its custom scopes' names. */
export interface ResourceServer {
  identifier: string;
  /** The custom scopes' names, as the console's "Scope name" takes them. */
  names: string[];
  /** The same scopes as clients request them: `{identifier}/{name}`. */
  scopes: string[];
}

/**
 * Cognito's custom scopes are `{resource-server-identifier}/{scope-name}`; the name has no `/`, the
 * identifier may (a URL), so it is split at the last one. Its own scopes (openid, email, ...) are
 * no resource server's; any other scope without a `/` is neither, and no token will carry it.
 */
export function cognitoScopes(scopes: string[]): { resourceServers: ResourceServer[]; custom: string[]; unknown: string[] } {
  const servers = new Map<string, ResourceServer>();
  const custom: string[] = [];
  const unknown: string[] = [];
  for (const scope of scopes) {
    const slash = scope.lastIndexOf('/');
    if (slash > 0 && slash < scope.length - 1) {
      const identifier = scope.slice(0, slash);
      const server = servers.get(identifier) ?? { identifier, names: [], scopes: [] };
      server.names.push(scope.slice(slash + 1));
      server.scopes.push(scope);
      servers.set(identifier, server);
      custom.push(scope);
    } else if (!COGNITO_OWN_SCOPES.has(scope)) {
      unknown.push(scope);
    }
  }
  return { resourceServers: [...servers.values()], custom, unknown };
}

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
  /** Cognito: the resource servers (identifier, custom scope names) this project's scopes need; empty for other providers. */
  resourceServers: ResourceServer[];
  /** Cognito: this project's custom scopes (`{identifier}/{name}`), without its OpenID Connect ones. */
  customScopes: string[];
  /** Cognito: scopes that are neither custom scopes nor Cognito's own (no token carries them). */
  unknownScopes: string[];
  /** Entra: the Application ID URI (the second audience); empty for other providers. */
  appIdUri: string;
  /** Entra: `api://{client-id}`, the Application ID URI Entra proposes and any tenant can set; empty for other providers. */
  clientAppIdUri: string;
  /** Whether the issuer check ran and passed before the project was written (false: skipped, still owed). */
  issuerChecked: boolean;
  run: { dev: string; build: string; start: string; test: string; typecheck: string; token: string; install: string };
}

/** A provider in running text ("signs users in at Auth0", "… at your identity provider"). */
export function idpName(provider: Answers['provider']): string {
  return provider === 'oidc' ? 'your identity provider' : getProvider(provider).name;
}

export function templateContext(answers: Answers, issuerCheck: 'passed' | 'skipped' | 'not-applicable' = 'passed'): TemplateContext {
  const provider = getProvider(answers.provider);
  const url = new URL(answers.resource);
  const pm = answers.pm;
  const broker = answers.signIn === 'broker';
  const cognito = answers.provider === 'cognito' ? cognitoScopes(answers.scopes) : { resourceServers: [], custom: [], unknown: [] };
  const input: Record<string, string> = {};
  for (const [key, value] of Object.entries(answers.providerInput)) input[key] = Array.isArray(value) ? value.join(', ') : String(value);
  return {
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
    resourceServers: cognito.resourceServers,
    customScopes: cognito.custom,
    unknownScopes: cognito.unknown,
    appIdUri: answers.provider === 'azure' ? (answers.audiences[1] ?? '') : '',
    clientAppIdUri: answers.provider === 'azure' ? `api://${answers.clientIds[0] ?? ''}` : '',
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
