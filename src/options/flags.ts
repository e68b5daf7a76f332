/** The flags of SPEC §3, shared by `create`, `doctor` and `auth` (names are part of the interface). */
import { Option, type Command } from 'commander';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function providerOptions(command: Command): Command {
  return command
    .option('--provider <id>', 'identity provider: local, auth0, okta, azure, cognito, oidc, keycloak, workos, google, github')
    .option('--domain <domain>', 'Auth0, Okta, Keycloak, AuthKit or GitHub Enterprise domain, e.g. acme.us.auth0.com')
    .option('--auth-server <id>', 'Okta custom authorization server id (default: default)')
    .option('--tenant <tenant>', 'Entra tenant id or verified domain')
    .option('--client-id <id>', 'Entra: the API app\'s client id; Cognito: an allowed app client id (repeatable)', collect)
    .option('--region <region>', 'Cognito region (default: from the user pool id)')
    .option('--user-pool <id>', 'Cognito user pool id, e.g. eu-west-1_AbC123')
    .option('--realm <realm>', 'Keycloak realm, e.g. main')
    .option('--allow <list>', 'Google: who may sign in, email addresses and Workspace domains, e.g. example.com,jane@gmail.com; GitHub: logins and org:<name> (repeatable)', collect)
    .option('--issuer <url>', 'issuer URL (required for oidc; overrides the built issuer for others)')
    .option('--resource <url>', 'public URL of the MCP endpoint (default: http://localhost:3000/mcp)')
    .option('--audience <aud>', 'aud value tokens carry (default per provider; Entra: the Application ID URI)')
    .option('--scopes <scopes>', 'scopes a token needs, comma or space separated (default per provider)')
    .option('--auth-mode <mode>', 'required (every request needs a token) or mixed (public tools work anonymously)')
    .option('--timeout <ms>', 'timeout for each network request, in milliseconds (default: 5000)');
}

/** How hosts sign users in, and the broker's own client: `create` and `auth` (SPEC §9). */
export function signInOption(command: Command): Command {
  return command
    .option(
      '--sign-in <mode>',
      'how hosts sign users in: direct (at the provider), facade (the server publishes S256 metadata over the provider; default for azure and cognito) or broker (the server is the authorization server hosts register with; auth0, okta, azure, cognito, oidc)',
    )
    .option('--broker-client-id <id>', 'broker sign-in: the client id of the server\'s own confidential client at the provider (its secret: OAUTH_BROKER_CLIENT_SECRET in the environment, or asked)');
}

/** `create`'s options: the provider's, then what only `create` has. */
export function createOptions(command: Command): Command {
  return signInOption(providerOptions(command))
    .addOption(new Option('--skip-issuer-check', 'write the project even if the issuer cannot be checked now (recorded as owed)'))
    .option('--no-install', 'do not install dependencies')
    .option('--no-git', 'do not run git init')
    .option('--pm <name>', 'package manager: npm, pnpm, yarn, bun (default: the one running this command)')
    .option('--force', 'write into an existing, non-empty folder (nothing is deleted)')
    .option('-y, --yes', 'accept defaults; never ask');
}

