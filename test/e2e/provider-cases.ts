/**
 * For each provider: the discovery document it really serves (a fixture from
 * test/fixtures/discovery, rewritten to a local issuer), the flags a user passes, and the
 * shape of its access tokens. Written independently of the template's own test shapes, so the two
 * check each other.
 */
import type { JWTPayload } from 'jose';
import type { ProviderId, SignIn } from '../../src/issuer/types.js';
import { startFakeCognito, startFakeEntra, startFakeKeycloak, startFakeWorkOS, type FakeKeycloak, type FakeProvider, type FakeWorkOS } from '../helpers/fake-providers.js';
import type { HostClient } from '../helpers/strict-host.js';

export interface ProviderCase {
  provider: ProviderId;
  /** Fixture the local issuer serves; undefined for `local`. */
  fixture?: string;
  /** Flags after `--provider <id>`, given the local issuer's identifier. */
  flags(issuer: string): string[];
  /** The scopes `create` chooses by default for this provider, given the resource. */
  scopes(resource: string): string[];
  /** Claims of a valid access token. */
  claims(input: { issuer: string; resource: string; scopes: string[] }): JWTPayload;
  /** The same token bound to another API or app client. */
  wrongBinding(claims: JWTPayload): JWTPayload;
  /** The sign-in mode `create` chooses by default. */
  signIn: SignIn;
  /** A scope as the provider's console shows it, when tokens carry it in another form than requests name it (Entra). */
  portalScope?: {
    /** As typed into OAUTH_SCOPES from the portal, e.g. `Widgets.Read`. */
    bare: string;
    /** The one form the server compares and advertises, e.g. `api://…/Widgets.Read`. */
    qualified: string;
  };
  /** For a façade: a fake of the provider that refuses what it refuses, and the clients registered there for the hosts. */
  facade?: {
    start(): Promise<FakeProvider>;
    /** The hosts' requests go through the server's own endpoints (Entra: without `resource`). */
    passThrough: boolean;
    /** ChatGPT: a confidential client with its per-app redirect URI. */
    chatgpt: { client: HostClient; redirectUri: string };
    /** Claude Code: a public client on a loopback callback. */
    claudeCode: { client: HostClient; redirectUri: string };
    /** How the provider words an unknown redirect URI. */
    unknownRedirect: RegExp;
  };
  /**
   * For a direct provider with a fake: the fake set up as the project's AUTH_SETUP.md says, which
   * the project is created against and a strict host signs in at (as ChatGPT, registering itself).
   */
  direct?: {
    start(resource: string): Promise<FakeProvider>;
    /** ChatGPT's redirect URI, which the host registers. */
    redirectUri: string;
    /** One step of AUTH_SETUP.md left out at a time, and what the user then meets. */
    traps: DirectTrap[];
  };
}

/** A setup step skipped on the running fake, and the words that reach the user (and tell them the fix). */
export interface DirectTrap {
  name: string;
  /** Undoes the step on the fake; returns what redoes it. */
  skip(fake: FakeProvider): () => void;
  /** Either the host stops at sign-in with these words… */
  hostRefusal?: RegExp;
  /** …or it signs in, the server answers 401 invalid_token with this error_description, and `doctor --token` fails token.audience with this fix. */
  rejected?: { serverSays: RegExp; doctorFix: RegExp };
  /** Where the project's AUTH_SETUP.md tells the user to take that step. */
  authSetup: RegExp;
}

/** Sets one setting of a running fake; returns what puts it back (a trap's `skip`). */
function setFor<S, K extends keyof S>(settings: S, key: K, value: S[K]): () => void {
  const before = settings[key];
  settings[key] = value;
  return () => void (settings[key] = before);
}

const CHATGPT_REDIRECT = 'https://chatgpt.com/connector/oauth/c_3f9a2b7e';
/** The redirect URI hosts of the hosts that register themselves (CLIENTS.md), trusted for Keycloak's anonymous registration. */
const HOST_REDIRECT_HOSTS = ['chatgpt.com', 'claude.ai', 'claude.com', 'vscode.dev', '127.0.0.1', 'localhost'];
const MCP_URL = String.raw`http://127\.0\.0\.1:\d+/mcp`;
const CLAUDE_CODE_REDIRECT = 'http://localhost:8765/callback';

const ENTRA_API_CLIENT = '6f2a1e4b-8c3d-4e5f-9a0b-1c2d3e4f5a6b';
const ENTRA_HOSTS_CLIENT = 'b7d0c1e2-3f40-4a5b-8c6d-7e8f90a1b2c3';
const COGNITO_CLIENT = '1example23456789abcdefghij';
const COGNITO_PUBLIC_CLIENT = '2public3456789abcdefghijk';

/** Direct and façade sign-in cases; Google and GitHub sign in only through the broker (test/e2e/broker.test.ts). */
export const cases: Record<Exclude<ProviderId, 'local' | 'google' | 'github'>, ProviderCase> = {
  auth0: {
    provider: 'auth0',
    fixture: 'auth0-tenant',
    flags: (issuer) => ['--domain', 'dev-ltxchcls4igzho78.us.auth0.com', '--issuer', issuer],
    scopes: () => ['mcp:tools'],
    claims: ({ issuer, resource, scopes }) => ({
      iss: issuer,
      sub: 'auth0|65f1c0ffee',
      aud: [resource, `${issuer}userinfo`],
      azp: 'chatgpt-client',
      scope: 'openid profile email',
      permissions: scopes,
    }),
    wrongBinding: (claims) => ({ ...claims, aud: ['https://api.other.example', `${String(claims.iss)}userinfo`] }),
    signIn: 'direct',
  },
  okta: {
    provider: 'okta',
    fixture: 'okta-custom-as-default',
    flags: (issuer) => ['--domain', 'example.okta.com', '--issuer', issuer],
    scopes: () => ['mcp:tools'],
    claims: ({ issuer, scopes }) => ({ ver: 1, iss: issuer, sub: 'jane@example.com', aud: 'api://default', cid: '0oa1chatgpt', uid: '00u1', scp: ['openid', ...scopes] }),
    wrongBinding: (claims) => ({ ...claims, aud: 'api://other' }),
    signIn: 'direct',
  },
  azure: {
    provider: 'azure',
    fixture: 'entra-v2-tenant',
    flags: (issuer) => ['--client-id', ENTRA_API_CLIENT, '--issuer', issuer],
    // Requested qualified with the Application ID URI (api://{client-id} for an http resource).
    scopes: () => [`api://${ENTRA_API_CLIENT}/mcp.tools`],
    claims: ({ issuer, scopes }) => ({
      ver: '2.0',
      iss: issuer,
      sub: 'AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ',
      tid: '9a95fd9e-005d-487a-9a01-d08c1eab2757',
      aud: ENTRA_API_CLIENT,
      azp: '0a1b2c3d-0000-4000-8000-000000000001',
      // scp carries the short names, without the Application ID URI.
      scp: scopes.map((scope) => scope.slice(scope.lastIndexOf('/') + 1)).join(' '),
      name: 'Jane Doe',
    }),
    wrongBinding: (claims) => ({ ...claims, aud: '00000000-1111-2222-3333-444444444444' }),
    signIn: 'facade',
    // The portal's "Expose an API" page lists `Widgets.Read`; hosts must request `api://…/Widgets.Read`.
    portalScope: { bare: 'Widgets.Read', qualified: `api://${ENTRA_API_CLIENT}/Widgets.Read` },
    facade: {
      // One client app for the hosts: its Web redirect URIs with a secret, its mobile-and-desktop ones public.
      start: () =>
        startFakeEntra({
          apiClientId: ENTRA_API_CLIENT,
          clients: [
            { id: ENTRA_HOSTS_CLIENT, secret: 'entra-web-secret', redirectUris: [CHATGPT_REDIRECT] },
            { id: 'c8e1d2f3-4051-4b6c-9d7e-8f90a1b2c3d4', redirectUris: [CLAUDE_CODE_REDIRECT] },
          ],
        }),
      passThrough: true,
      chatgpt: { client: { id: ENTRA_HOSTS_CLIENT, secret: 'entra-web-secret', authMethod: 'client_secret_post' }, redirectUri: CHATGPT_REDIRECT },
      claudeCode: { client: { id: 'c8e1d2f3-4051-4b6c-9d7e-8f90a1b2c3d4' }, redirectUri: CLAUDE_CODE_REDIRECT },
      unknownRedirect: /AADSTS50011: The redirect URI 'https:\/\/chatgpt\.com\/connector\/oauth\/unknown' specified in the request does not match/,
    },
  },
  cognito: {
    provider: 'cognito',
    fixture: 'cognito-userpool-with-domain',
    flags: (issuer) => ['--user-pool', 'eu-west-1_ZLiEFD4b6', '--client-id', COGNITO_CLIENT, '--client-id', COGNITO_PUBLIC_CLIENT, '--issuer', issuer],
    scopes: () => ['mcp/tools'],
    claims: ({ issuer, scopes }) => ({
      iss: issuer,
      sub: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
      token_use: 'access',
      client_id: COGNITO_CLIENT,
      username: 'jane',
      scope: ['openid', ...scopes].join(' '),
    }),
    wrongBinding: (claims) => ({ ...claims, client_id: 'anotherappclient0000000000' }),
    signIn: 'facade',
    facade: {
      start: () =>
        startFakeCognito({
          clients: [
            { id: COGNITO_CLIENT, secret: 'cognito-web-secret', redirectUris: [CHATGPT_REDIRECT], allowedScopes: ['openid', 'mcp/tools'] },
            { id: COGNITO_PUBLIC_CLIENT, redirectUris: [CLAUDE_CODE_REDIRECT], allowedScopes: ['openid', 'mcp/tools'] },
          ],
        }),
      passThrough: false,
      chatgpt: { client: { id: COGNITO_CLIENT, secret: 'cognito-web-secret', authMethod: 'client_secret_basic' }, redirectUri: CHATGPT_REDIRECT },
      claudeCode: { client: { id: COGNITO_PUBLIC_CLIENT }, redirectUri: CLAUDE_CODE_REDIRECT },
      unknownRedirect: /redirect_mismatch/,
    },
  },
  keycloak: {
    provider: 'keycloak',
    fixture: 'keycloak-master-localhost',
    // The realm's document, on the local issuer: --issuer carries the local host; --realm is read from it.
    flags: (issuer) => ['--issuer', issuer],
    scopes: () => ['mcp:tools'],
    claims: ({ issuer, resource, scopes }) => ({
      iss: issuer,
      sub: '4c0a1f7e-9b2d-4e6a-8f3c-2d1e0b9a8c7d',
      aud: [resource, 'account'],
      azp: 'chatgpt',
      typ: 'Bearer',
      scope: ['openid', 'profile', ...scopes].join(' '),
      realm_access: { roles: ['default-roles-master'] },
      preferred_username: 'jane',
    }),
    wrongBinding: (claims) => ({ ...claims, aud: 'account' }),
    signIn: 'direct',
    direct: {
      // As AUTH_SETUP.md says: an Audience mapper for the MCP URL, anonymous registration for the hosts' redirect hosts.
      // Registrations come from the host's servers (ChatGPT's), not from a redirect host: 203.0.113.7 stands for them.
      start: (resource) => startFakeKeycloak({ settings: { trustedHosts: HOST_REDIRECT_HOSTS, senderMustMatch: false, senderAddress: '203.0.113.7', audienceMapper: resource } }),
      redirectUri: CHATGPT_REDIRECT,
      traps: [
        {
          name: 'no Audience mapper: the token is for account only, though the host sent resource',
          skip: (fake) => setFor((fake as FakeKeycloak).settings, 'audienceMapper', undefined),
          rejected: {
            serverSays: new RegExp(`Token audience is account \\(Keycloak's default\\); add an Audience mapper with Included Custom Audience ${MCP_URL}`),
            doctorFix: new RegExp(`^Add an Audience mapper with Included Custom Audience ${MCP_URL}`),
          },
          authSetup: new RegExp(`Mappers › By configuration ›\\s+Audience\\*: \\*\\*Included Custom Audience\\*\\* \`${MCP_URL}\``),
        },
        {
          name: 'Trusted Hosts as Keycloak ships it: the host registering (ChatGPT\'s servers) must be trusted',
          skip: (fake) => setFor((fake as FakeKeycloak).settings, 'senderMustMatch', true),
          hostRefusal: /^dynamic client registration failed: HTTP 403 .*Policy 'Trusted Hosts' rejected request to client-registration service\. Details: Host not trusted\./,
          authSetup: /turn\s+off\s+\*Host\s+Sending\s+Client\s+Registration\s+Request\s+Must\s+Match\*/,
        },
        {
          name: 'Trusted Hosts without the hosts\' redirect URI hosts',
          skip: (fake) => setFor((fake as FakeKeycloak).settings, 'trustedHosts', []),
          hostRefusal: /^dynamic client registration failed: HTTP 403 .*Policy 'Trusted Hosts' rejected request to client-registration service\. Details: URI doesn't match any trusted host or trusted domain/,
          authSetup: /list\s+the\s+hosts'\s+redirect\s+URI\s+hosts\s+\(`chatgpt\.com`/,
        },
      ],
    },
  },
  workos: {
    provider: 'workos',
    fixture: 'workos-authkit',
    flags: (issuer) => ['--domain', 'acme-mcp.authkit.app', '--issuer', issuer],
    scopes: () => ['mcp:tools'],
    claims: ({ issuer, resource, scopes }) => ({ iss: issuer, sub: 'user_01HXYZABCDEF0123456789', aud: resource, client_id: 'client_01HXYZCHATGPT', sid: 'session_01HXYZ', scope: scopes.join(' ') }),
    wrongBinding: (claims) => ({ ...claims, aud: 'https://other.example.com/mcp' }),
    signIn: 'direct',
    direct: {
      // As AUTH_SETUP.md says: the MCP URL registered as a resource indicator, Dynamic Client Registration on.
      start: (resource) => startFakeWorkOS({ settings: { resources: [resource], dcr: true } }),
      redirectUri: CHATGPT_REDIRECT,
      traps: [
        {
          name: 'the MCP URL is not a registered resource indicator',
          skip: (fake) => setFor((fake as FakeWorkOS).settings, 'resources', []),
          hostRefusal: /^the token request failed: HTTP 400 \{"error":"invalid_target"\}$/,
          authSetup: new RegExp(`add \\*\\*\`${MCP_URL}\`\\*\\* as a resource indicator[\\s\\S]*\`400 invalid_target\``),
        },
        {
          name: 'Dynamic Client Registration off',
          skip: (fake) => setFor((fake as FakeWorkOS).settings, 'dcr', false),
          hostRefusal: /no way to register a client/,
          authSetup: /turn on \*\*Dynamic Client Registration\*\*/,
        },
      ],
    },
  },
  oidc: {
    provider: 'oidc',
    fixture: 'keycloak-realm-http',
    flags: (issuer) => ['--issuer', issuer],
    scopes: () => ['mcp:tools'],
    claims: ({ issuer, resource, scopes }) => ({
      iss: issuer,
      sub: 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6',
      aud: [resource, 'account'],
      azp: 'chatgpt',
      scope: ['openid', 'profile', ...scopes].join(' '),
      preferred_username: 'jane',
    }),
    wrongBinding: (claims) => ({ ...claims, aud: 'account' }),
    signIn: 'direct',
  },
};
