/**
 * The one-line command equivalent to an interactive run, printed at the end so it can be put in a
 * script or shared (and it documents what was chosen).
 */
import { typedAudience } from '../providers/audience.js';
import { getProvider, providers } from '../providers/index.js';
import { DEFAULT_RESOURCE, type Answers } from './answers.js';

/** POSIX shell quoting, only where needed. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Each field's flag, from the provider modules. */
const FIELD_FLAG: Record<string, string> = Object.fromEntries(providers.flatMap((provider) => provider.fields).map((field) => [field.key, field.flag]));

/** The one-line command for these answers: `create` (the default) or `auth` in the project. */
export function equivalentCommand(answers: Answers, command: 'create' | 'auth' = 'create'): string {
  const provider = getProvider(answers.provider);
  const parts = command === 'auth' ? ['npx', 'create-fastapps', 'auth', '--provider', answers.provider] : ['npx', 'create-fastapps', shellQuote(answers.targetArg), '--provider', answers.provider];
  const builtIssuer = provider.id === 'local' ? answers.issuer : provider.buildIssuer(answers.providerInput);
  for (const [key, value] of Object.entries(answers.providerInput)) {
    if (key === 'clientId') continue;
    if (key === 'authServer' && value === 'default') continue;
    if (key === 'region' && answers.providerInput.userPool?.startsWith(`${value}_`)) continue;
    if (FIELD_FLAG[key] && typeof value === 'string') parts.push(FIELD_FLAG[key], shellQuote(value));
  }
  for (const clientId of answers.clientIds) parts.push('--client-id', shellQuote(clientId));
  if (provider.id !== 'oidc' && provider.id !== 'local' && answers.issuer !== builtIssuer) parts.push('--issuer', shellQuote(answers.issuer));
  if (answers.resource !== DEFAULT_RESOURCE) parts.push('--resource', shellQuote(answers.resource));
  const defaultAudiences = provider.defaultAudiences(answers.providerInput, answers.resource, undefined, answers.signIn);
  if (provider.acceptsAudience && answers.audiences.join() !== defaultAudiences.join()) {
    parts.push('--audience', shellQuote(typedAudience(provider, answers.audiences)!));
  }
  if (answers.scopes.join(' ') !== provider.defaultScopes(answers.providerInput, answers.resource, answers.audiences).join(' ')) {
    parts.push('--scopes', shellQuote(answers.scopes.join(',')));
  }
  if (answers.authMode !== 'required') parts.push('--auth-mode', answers.authMode);
  if (answers.signIn !== provider.signIn[0]) parts.push('--sign-in', answers.signIn);
  if (answers.signIn === 'broker' && answers.brokerClientId !== undefined) parts.push('--broker-client-id', shellQuote(answers.brokerClientId));
  if (command === 'create' && !answers.install) parts.push('--no-install');
  if (command === 'create' && !answers.git) parts.push('--no-git');
  return parts.join(' ');
}

/**
 * What the equivalent command needs from the environment, as a shell comment to print above it:
 * the broker's client secret is never part of a command line (nor printed at all).
 */
export function equivalentCommandNote(answers: Answers): string | undefined {
  return answers.signIn === 'broker' ? '# first set OAUTH_BROKER_CLIENT_SECRET=… in the environment (the client secret; never printed)' : undefined;
}
