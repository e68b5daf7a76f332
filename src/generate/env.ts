/**
 * `.env` (this project's values) and `.env.example` (every variable, documented), from one table
 * so they never disagree. `create-fastapps auth` rewrites only the keys it owns (`AUTH_ENV_KEYS`)
 * in `.env` and leaves every other line alone.
 */
import { getProvider } from '../providers/index.js';
import type { Answers } from '../options/answers.js';

interface Variable {
  key: string;
  /** The value written to `.env`; undefined leaves it out of `.env` (commented in the example). */
  value: string | undefined;
  example: string;
  doc: string;
}

export const AUTH_ENV_KEYS = ['MCP_RESOURCE_URL', 'AUTH_MODE', 'OAUTH_SIGN_IN', 'OAUTH_ISSUER', 'OAUTH_AUDIENCE', 'OAUTH_CLIENT_IDS', 'OAUTH_SCOPES', 'OAUTH_ALGORITHMS'] as const;

function variables(answers: Answers): Variable[] {
  const provider = getProvider(answers.provider);
  const local = answers.provider === 'local';
  const byClient = provider.bindsByClientId === true;
  return [
    { key: 'PORT', value: String(new URL(answers.resource).port || 3000), example: '3000', doc: 'Port to listen on.' },
    { key: 'HOST', value: undefined, example: '127.0.0.1', doc: 'Interface to bind. The Dockerfile sets 0.0.0.0.' },
    {
      key: 'MCP_RESOURCE_URL',
      value: answers.resource,
      example: 'https://my-app.example.com/mcp',
      doc: 'Public URL of the MCP endpoint, exactly as clients use it (it is the OAuth resource; no trailing slash).',
    },
    { key: 'AUTH_MODE', value: answers.authMode, example: 'required', doc: 'required: every request needs a token. mixed: public tools work anonymously, protected tools ask to sign in.' },
    {
      key: 'OAUTH_SIGN_IN',
      value: local ? undefined : answers.signIn,
      example: local ? 'direct' : answers.signIn,
      doc: local
        ? 'Not used with the local provider: the embedded development server is the authorization server hosts sign in at.'
        : "How hosts sign in. direct: at the provider itself. facade: this server publishes its own authorization server metadata (its origin as issuer, S256, only this server's scopes) over the provider's endpoints; the tokens stay the provider's (see AUTH_SETUP.md).",
    },
    {
      key: 'OAUTH_ISSUER',
      value: local ? undefined : answers.issuer,
      example: local ? 'http://localhost:3000/oauth' : answers.issuer,
      doc: local
        ? 'Not needed with the local provider: the embedded development server is the issuer, at /oauth on this server.'
        : `${provider.name} issuer, byte for byte as its discovery document says it (see AUTH_SETUP.md).`,
    },
    {
      key: 'OAUTH_AUDIENCE',
      value: byClient || answers.audiences.length === 0 ? undefined : answers.audiences.join(','),
      example: answers.audiences.join(',') || 'https://my-app.example.com/mcp',
      doc: byClient
        ? `${provider.name} access tokens have no aud (see OAUTH_CLIENT_IDS); one that does (resource binding) must carry one of these. Defaults to MCP_RESOURCE_URL.`
        : 'Accepted aud values of access tokens, comma separated. Defaults to MCP_RESOURCE_URL.',
    },
    {
      key: 'OAUTH_CLIENT_IDS',
      value: answers.clientIds.length > 0 && byClient ? answers.clientIds.join(',') : undefined,
      example: byClient ? answers.clientIds.join(',') : 'client-id-1,client-id-2',
      doc: byClient ? `${provider.name} app client ids whose access tokens this server accepts.` : 'Only for providers that bind tokens by client id (Cognito).',
    },
    { key: 'OAUTH_SCOPES', value: answers.scopes.join(' '), example: answers.scopes.join(' '), doc: 'Scopes a token needs, space or comma separated.' },
    {
      key: 'OAUTH_SCOPE_IMPLIES',
      value: undefined,
      example: 'write:orders>read:orders,admin>write:orders',
      doc: 'Scope hierarchies: comma-separated broader>narrower pairs (transitive). A token with a broader scope may call what needs a narrower one.',
    },
    {
      key: 'OAUTH_ALGORITHMS',
      value: undefined,
      example: 'RS256',
      doc: 'Accepted signature algorithms (asymmetric only). Defaults to what the provider uses.',
    },
    { key: 'OAUTH_CLOCK_TOLERANCE', value: undefined, example: '30', doc: 'Clock skew allowed on nbf/iat, in seconds (exp is enforced exactly).' },
    {
      key: 'OAUTH_JWKS_COOLDOWN',
      value: undefined,
      example: '30',
      doc: 'Least time between two fetches of the signing keys caused by tokens with an unknown key id, in seconds (at least 1).',
    },
    { key: 'OAUTH_HTTP_TIMEOUT', value: undefined, example: '5000', doc: 'Timeout for discovery and JWKS requests, in milliseconds.' },
    { key: 'ALLOWED_HOSTS', value: undefined, example: 'my-app.example.com', doc: 'Extra Host header values to accept (the resource host and loopback are always accepted).' },
    { key: 'LOG_LEVEL', value: 'info', example: 'info', doc: 'error, warn, info or debug (debug logs every auth step, never a token).' },
  ];
}

/**
 * A value in dotenv syntax that reads back byte for byte: bare when it holds only plain characters,
 * else in single quotes (literal for Node's `loadEnvFile`, dotenv and Docker Compose: no `\n`
 * expansion, no `${…}` interpolation), else (it holds a `'`) in double quotes. Node's parser has
 * no escapes, so a value with both quote kinds, a backslash next to a `'`, or a line break cannot
 * be written; the option validators refuse such values long before this point.
 */
export function envValue(value: string): string {
  if (/[\r\n]/.test(value)) throw new Error('an environment value cannot contain a line break');
  if (/^[A-Za-z0-9_./:@%+,=-]*$/.test(value)) return value;
  if (!value.includes("'")) return `'${value}'`;
  if (!/["\\]/.test(value)) return `"${value}"`;
  throw new Error(`an environment value cannot hold both quote kinds: ${value}`);
}

export function envValues(answers: Answers): Record<string, string> {
  return Object.fromEntries(variables(answers).filter((v) => v.value !== undefined).map((v) => [v.key, v.value!]));
}

export function dotEnv(answers: Answers): string {
  const lines = [`# Settings for ${answers.projectName}. A variable set in the environment wins over this file.`, '# Documented in .env.example. Keep this file out of git.'];
  for (const [key, value] of Object.entries(envValues(answers))) lines.push(`${key}=${envValue(value)}`);
  return lines.join('\n') + '\n';
}

export function dotEnvExample(answers: Answers): string {
  const lines = ['# Every setting this server reads. Copy to .env and adjust; a variable set in the environment wins over .env.', ''];
  for (const v of variables(answers)) {
    lines.push(`# ${v.doc}`);
    lines.push(`${v.value === undefined ? '# ' : ''}${v.key}=${envValue(v.value ?? v.example)}`);
    lines.push('');
  }
  return lines.join('\n');
}
