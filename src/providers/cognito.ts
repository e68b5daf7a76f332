/**
 * Amazon Cognito: the issuer is `https://cognito-idp.{region}.amazonaws.com/{user-pool-id}`, and the
 * pool id's prefix is its region. Access tokens have no `aud`; they are bound by `client_id`
 * (one or more app clients) and `token_use: access`.
 */
import type { Provider } from './types.js';

const POOL = /^([a-z]{2}(?:-gov)?-[a-z]+-\d)_[A-Za-z0-9]+$/;
const REGION = /^[a-z]{2}(?:-gov)?-[a-z]+-\d$/;
/** The region a pool id starts with, even when the rest of it is not valid. */
const POOL_REGION = /^([a-z]{2}(?:-gov)?-[a-z]+-\d)_/;

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

export const cognito: Provider<'cognito'> = {
  id: 'cognito',
  name: 'Amazon Cognito',
  hint: 'Amazon Cognito user pool',
  fields: [
    {
      key: 'userPool',
      buildsIssuer: true,
      flag: '--user-pool',
      message: 'Cognito user pool id',
      example: 'eu-west-1_AbCdEf123',
      normalize: (value) => value.trim(),
      validate: (value) => (POOL.test(value) ? true : `"${value}" is not a user pool id; it looks like eu-west-1_AbCdEf123 (User pools › your pool › Overview).`),
    },
    {
      key: 'region',
      buildsIssuer: true,
      flag: '--region',
      message: 'AWS region of the user pool',
      example: 'eu-west-1',
      default: (input) => POOL.exec(input.userPool ?? '')?.[1],
      derived: true,
      normalize: (value) => value.trim().toLowerCase(),
      validate: (value, input) => {
        if (!REGION.test(value)) return `"${value}" is not an AWS region such as eu-west-1.`;
        const poolRegion = POOL.exec(input.userPool ?? '')?.[1];
        if (poolRegion && poolRegion !== value) return `The user pool ${input.userPool} is in ${poolRegion}, not ${value}; drop --region or use --region ${poolRegion}.`;
        return true;
      },
    },
    {
      key: 'clientId',
      flag: '--client-id',
      message: 'App client id(s) allowed to call this server (comma separated)',
      example: '5r2ci3d4kinbd8l2fasbrc8ba1',
      multiple: true,
      normalize: (value) => value.trim(),
      validate: (value) => (/^[A-Za-z0-9]{1,128}$/.test(value) ? true : `"${value}" is not a Cognito app client id (letters and digits, from App integration › App clients).`),
    },
  ],
  buildIssuer: (input) => `https://cognito-idp.${input.region}.amazonaws.com/${input.userPool}`,
  parseIssuer(issuer) {
    const userPool = issuer.pathname.split('/')[1] ?? '';
    return { userPool, region: POOL.exec(userPool)?.[1] ?? /^cognito-idp\.([^.]+)\./.exec(issuer.hostname)?.[1] ?? '' };
  },
  defaultAudiences: () => [],
  defaultScopes: () => ['mcp/tools'],
  // AUTH_SETUP.md: the resource servers to create (resourceServers), the custom scopes to allow on
  // the app client (customScopes), and the scopes no Cognito token can carry (unknownScopes).
  templateData: ({ scopes }) => {
    const { resourceServers, custom, unknown } = cognitoScopes(scopes);
    return { resourceServers, customScopes: custom, unknownScopes: unknown };
  },
  preRegisteredClient: true,
  acceptsAudience: false,
  bindsByClientId: true,
  audienceRefusal: '--audience: Cognito access tokens have no aud claim; they are bound to your app clients with --client-id.',
  // Cognito publishes no code_challenge_methods_supported (ChatGPT and Claude refuse its metadata)
  // and advertises phone, which hosts then request: the façade by default.
  signIn: ['facade', 'direct', 'broker'],
  doctor: {
    name: 'Cognito',
    // The pool id names its region: the issuer is in that one, whatever --region says.
    suggestedIssuer: (input) => {
      const region = input.userPool ? POOL_REGION.exec(input.userPool)?.[1] : undefined;
      return region ? `https://cognito-idp.${region}.amazonaws.com/${input.userPool}` : undefined;
    },
    recognizes: (issuer) => /^cognito-idp\.[a-z0-9-]+\.amazonaws\.com$/.test(issuer.hostname),
    scopeClaims: ['scope'],
    appendOnlyDiscovery: true,
    fixes: {
      'pkce.unadvertised': ({ facade }) => `Cognito accepts S256 but doesn't advertise it, and its metadata can't be changed: ${facade} (the default for Cognito)`,
      'registration.register-client': ({ redirect }) =>
        `Create an app client (Amazon Cognito › User pools › your pool › App integration › App clients) with callback URL ${redirect}, and paste its client id and secret into the MCP client`,
      'token-auth-methods.no-public':
        'Cognito supports only client secrets: create the app client with a client secret and enter the secret in the MCP client (ChatGPT: the app’s OAuth settings)',
      'scopes.extra':
        'Allow these scopes on the app client (Amazon Cognito › App client › Login pages › OpenID Connect scopes), or serve a metadata façade with a trimmed scopes_supported',
      'discovery.not-found': 'Check the region and user pool id (Amazon Cognito › User pools › Pool ID); the issuer is https://cognito-idp.{region}.amazonaws.com/{pool-id}',
      'metadata.no-endpoints':
        'Create a Cognito domain for the user pool (Amazon Cognito › User pools › your pool › App integration › Domain); the authorize and token endpoints live on that domain',
      'broker.no-endpoints':
        'Create a Cognito domain for the user pool (Amazon Cognito › User pools › your pool › App integration › Domain): the authorize and token endpoints live on that domain',
      'token-lifetime.long':
        'Lower the app client’s access token expiration to 60 minutes or less (Amazon Cognito › User pools › App clients › your client › Edit › Token expiration)',
      'token-scopes.missing':
        'Add the scope to the resource server (Amazon Cognito › User pools › your pool › Domain › Resource servers) and allow it on the app client (Login pages › Custom scopes); Cognito puts scopes in scope',
    },
  },
};
