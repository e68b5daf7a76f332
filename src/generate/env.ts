/**
 * `.env` (this project's values) and `.env.example` (every variable, documented), from one table
 * so they never disagree. `create-fastapps auth` rewrites only the keys it owns (`AUTH_ENV_KEYS`)
 * in `.env` and leaves every other line alone. The broker's keys (`OAUTH_BROKER_*`) are in broker
 * projects only: no other project has the broker that reads them. Its client secret is written to
 * `.env` and nowhere else (`.env.example` has an empty placeholder).
 */
import { getProvider } from '../providers/index.js';
import type { Answers } from '../options/answers.js';
import { idpName } from './context.js';

interface Variable {
  key: string;
  /** The value written to `.env`; undefined leaves it out of `.env` (commented in the example). */
  value: string | undefined;
  example: string;
  doc: string;
  /** A secret: `.env.example` shows an empty placeholder for it, never its value. */
  secret?: true;
}

/**
 * The keys `auth` owns in `.env`, in create's order. The broker's client secret is one of them so a
 * switch to broker writes it and a switch away comments it out; `auth` keeps the value already in
 * `.env` (it is the "before" and "after" value alike), so a re-run never blanks it.
 * `OAUTH_BROKER_SIGNING_KEY` is not: `create` never writes it, and one you set stays yours.
 */
export const AUTH_ENV_KEYS = [
  'MCP_RESOURCE_URL',
  'AUTH_MODE',
  'OAUTH_SIGN_IN',
  'OAUTH_ISSUER',
  'OAUTH_AUDIENCE',
  'OAUTH_CLIENT_IDS',
  'OAUTH_SCOPES',
  'OAUTH_BROKER_CLIENT_ID',
  'OAUTH_BROKER_CLIENT_SECRET',
  'OAUTH_BROKER_STORE',
  'OAUTH_BROKER_ALLOW',
  'OAUTH_ALGORITHMS',
] as const;

/** Where a new broker project keeps its state: survives restarts, one process (git-ignored with `.fastapps/`). */
export const DEFAULT_BROKER_STORE = 'file:.fastapps/broker';

function variables(answers: Answers): Variable[] {
  const provider = getProvider(answers.provider);
  const local = answers.provider === 'local';
  const byClient = provider.bindsByClientId === true;
  const broker = answers.signIn === 'broker';
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
        : `How hosts sign in. direct: at the provider itself. facade: this server publishes its own authorization server metadata (its origin as issuer, S256, only this server's scopes) over the provider's endpoints; the tokens stay the provider's${
            provider.signIn.includes('broker')
              ? `. broker: this server is the authorization server hosts see (they register themselves by DCR or CIMD, and approve each host once on its consent page); it signs users in at the provider with its own client (OAUTH_BROKER_*) and issues its own tokens${broker ? '' : '; a project gets it with npx create-fastapps auth --sign-in broker --broker-client-id <id>'}`
              : ''
          } (see AUTH_SETUP.md).`,
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
    ...(broker ? brokerVariables(answers) : []),
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
 * The broker's settings, documented only in broker projects: the others have no broker to read them
 * (`auth --sign-in broker` adds it, and these keys).
 */
function brokerVariables(answers: Answers): Variable[] {
  const provider = idpName(answers.provider);
  const brokerOnly = getProvider(answers.provider).broker;
  return [
    {
      key: 'OAUTH_BROKER_CLIENT_ID',
      value: answers.brokerClientId,
      example: answers.brokerClientId ?? 'your-client-id',
      doc: `Client id of this server's own confidential client at ${provider}, with redirect URI {origin of MCP_RESOURCE_URL}/oauth/callback (see AUTH_SETUP.md).`,
    },
    {
      key: 'OAUTH_BROKER_CLIENT_SECRET',
      // The secret itself only ever in .env; the example keeps an empty placeholder.
      value: answers.brokerClientSecret,
      example: '',
      secret: true,
      doc: `That client's secret. Keep it out of git (this is the only key here that is a secret); the server authenticates to ${provider} with it.`,
    },
    {
      key: 'OAUTH_BROKER_STORE',
      value: DEFAULT_BROKER_STORE,
      example: DEFAULT_BROKER_STORE,
      doc: 'Where the broker keeps registered hosts, consents, codes, refresh tokens and its signing key. memory: one process, for development (lost on restart). file:<dir>: survives restarts, one process. redis://host:port: any number of instances.',
    },
    {
      key: 'OAUTH_BROKER_ALLOW',
      value: answers.providerInput.allow?.length ? answers.providerInput.allow.join(',') : undefined,
      example: answers.providerInput.allow?.join(',') || 'example.com,jane@gmail.com',
      // A broker-only provider (Google, GitHub) says what its list holds; it is required there.
      doc: brokerOnly
        ? `Who may get a token, comma separated: ${brokerOnly.allowHelp}. Required: anyone with a ${provider} account could sign in otherwise.`
        : "Who may get a token, comma separated: email addresses and domains (a verified email's domain). Unset: whoever the provider signs in and grants this server's scopes.",
    },
    {
      key: 'OAUTH_BROKER_SIGNING_KEY',
      value: undefined,
      example: '{"kty":"EC","crv":"P-256","d":"…","x":"…","y":"…"}',
      doc: 'PEM or JWK private key the broker signs its access tokens with. Unset: one is generated once and kept in OAUTH_BROKER_STORE.',
    },
    { key: 'OAUTH_BROKER_STORE_TIMEOUT', value: undefined, example: '2000', doc: 'Time one store operation may take, in milliseconds.' },
    {
      key: 'OAUTH_BROKER_CIMD_PRIVATE_NETWORK',
      value: undefined,
      example: 'allow',
      doc: 'Development only (refused with NODE_ENV=production): let hosts use client metadata documents on private and loopback addresses.',
    },
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
    // A secret's value never lands here: the example has an empty placeholder.
    if (v.secret) lines.push(`${v.key}=`);
    else lines.push(`${v.value === undefined ? '# ' : ''}${v.key}=${envValue(v.value ?? v.example)}`);
    lines.push('');
  }
  return lines.join('\n');
}
