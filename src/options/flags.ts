/** The flags of SPEC §3, shared by `create`, `doctor` and `auth` (names are part of the interface). */
import { Option, type Command } from 'commander';
// On the start-up path: the provider modules are plain data and small validators (no checks, no SDK).
import { providerIds, providers, type Provider } from '../providers/index.js';
import { requiredFieldArgs } from '../providers/fields.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `a, b or c` (`conjunction` "and": `a, b and c`). */
function list(items: string[], conjunction = 'or'): string {
  return items.length > 1 ? `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}` : (items[0] ?? '');
}

/** The providers whose modules ask for `flag`, with that field. */
function usersOf(flag: string) {
  return providers.flatMap((provider) => provider.fields.filter((field) => field.flag === flag).map((field) => ({ id: provider.id, field })));
}

/**
 * A provider field's help, from the modules that ask for it: one provider's question with its
 * default (or an example), or each provider's question after its id.
 */
function fieldHelp(flag: string, extra = ''): string {
  const users = usersOf(flag);
  const [only] = users;
  if (users.length === 1 && only) {
    const fixed = only.field.derived ? undefined : only.field.default?.({});
    return `${only.id}: ${only.field.message}${fixed === undefined ? `, e.g. ${only.field.example}` : ` (default: ${fixed})`}${extra}`;
  }
  return `${users.map(({ id, field }) => `${id}: ${field.message}`).join('; ')}${extra}`;
}

/** The sign-in modes' help: which providers default to the façade, which can use a broker among other modes. */
function signInHelp(): string {
  const facadeFirst = providers.filter((provider) => provider.signIn[0] === 'facade').map((provider) => provider.id);
  const broker = providers.filter((provider) => provider.signIn.length > 1 && provider.signIn.includes('broker')).map((provider) => provider.id);
  return `how hosts sign users in: direct (at the provider), facade (the server publishes S256 metadata over the provider; default for ${list(facadeFirst, 'and')}) or broker (the server is the authorization server hosts register with; ${broker.join(', ')})`;
}

/** Which of its audiences `--audience` sets, for the providers where it is not just the `aud` value ("; azure: the Application ID URI"). */
function typedAudienceHelp(): string {
  return providers.map((provider) => (provider.typedAudience ? `; ${provider.id}: the ${provider.typedAudience.message}` : '')).join('');
}

/** A non-interactive `create` for one provider: the variables to set first, and the arguments. */
export interface CreateExample {
  env: string[];
  args: string[];
}

/**
 * What a non-interactive `create` with this provider needs, from its module: `--provider`, each field
 * without a default with its example, and where the default sign-in is the broker, the broker's
 * client (its secret from the environment, never a flag).
 */
export function createExample(provider: Provider, dir = 'my-app'): CreateExample {
  const args = [dir, '--provider', provider.id, ...requiredFieldArgs(provider)];
  const broker = provider.signIn[0] === 'broker';
  if (broker) args.push('--broker-client-id', 'your-client-id');
  return { env: broker ? ['OAUTH_BROKER_CLIENT_SECRET'] : [], args };
}

/**
 * `create`'s help examples, one command per provider that has fields (one with none, local, needs
 * only `--provider`: `demo --yes` shows the default).
 */
export function createExampleLines(): string[] {
  return providers
    .filter((provider) => provider.fields.length > 0)
    .map((provider) => {
      const { env, args } = createExample(provider);
      return `${env.map((name) => `${name}=… `).join('')}npx create-fastapps ${args.join(' ')}`;
    });
}

export function providerOptions(command: Command): Command {
  return command
    .option('--provider <id>', `identity provider: ${providerIds.join(', ')}`)
    .option('--domain <domain>', `the provider's domain or host (${list(usersOf('--domain').map((user) => user.id))}), e.g. acme.us.auth0.com`)
    .option('--auth-server <id>', fieldHelp('--auth-server'))
    .option('--tenant <tenant>', fieldHelp('--tenant'))
    .option('--client-id <id>', fieldHelp('--client-id', ' (repeatable)'), collect)
    .option('--region <region>', fieldHelp('--region', ' (default: from the user pool id)'))
    .option('--user-pool <id>', fieldHelp('--user-pool'))
    .option('--realm <realm>', fieldHelp('--realm'))
    .option('--allow <list>', fieldHelp('--allow', ' (repeatable)'), collect)
    .option('--issuer <url>', 'issuer URL (required for oidc; overrides the built issuer for others)')
    .option('--resource <url>', 'public URL of the MCP endpoint (default: http://localhost:3000/mcp)')
    .option('--audience <aud>', `aud value tokens carry (default per provider${typedAudienceHelp()})`)
    .option('--scopes <scopes>', 'scopes a token needs, comma or space separated (default per provider)')
    .option('--auth-mode <mode>', 'required (every request needs a token) or mixed (public tools work anonymously)')
    .option('--timeout <ms>', 'timeout for each network request, in milliseconds (default: 5000)');
}

/** How hosts sign users in, and the broker's own client: `create` and `auth` (SPEC §9). */
export function signInOption(command: Command): Command {
  return command
    .option(
      '--sign-in <mode>',
      signInHelp(),
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

