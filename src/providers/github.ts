/**
 * GitHub (github.com or GitHub Enterprise Server): sign-in only through the broker. GitHub is not
 * OpenID Connect, publishes no discovery document and issues opaque tokens for its own API, so the
 * server signs users in with its own GitHub OAuth app, asks the user API who they are (the
 * account's numeric id is the subject) and issues its own tokens; `--allow` (logins, and
 * organisations as `org:<name>`) decides who may get one. The issuer is the GitHub origin.
 */
import { brokerOnly } from './broker-only.js';
import { isHostname, stripToHost } from './validate.js';
import type { Provider } from './types.js';

/** A GitHub login: 1 to 39 letters, digits or single hyphens, not starting or ending with one. */
const LOGIN = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,38}$/;

export const github: Provider<'github'> = {
  id: 'github',
  name: 'GitHub',
  hint: 'GitHub accounts and organisations, through the broker (GitHub is not OpenID Connect)',
  fields: [
    {
      key: 'domain',
      flag: '--domain',
      message: 'GitHub host: github.com, or your GitHub Enterprise Server host',
      example: 'github.com',
      default: () => 'github.com',
      normalize: stripToHost,
      validate: (value) => (isHostname(value) ? true : `"${value}" is not a host name; use github.com or your GitHub Enterprise Server host, e.g. github.acme.com.`),
      buildsIssuer: true,
    },
    {
      key: 'allow',
      flag: '--allow',
      message: 'Who may sign in: GitHub logins and organisations (org:<name>)',
      example: 'org:acme',
      multiple: true,
      normalize: (value) => value.trim().toLowerCase(),
      validate: (value) =>
        LOGIN.test(value.startsWith('org:') ? value.slice('org:'.length) : value)
          ? true
          : `"${value}" is neither a GitHub login nor an organisation; list who may sign in, e.g. org:acme,octocat.`,
    },
  ],
  buildIssuer: (input) => `https://${input.domain ?? 'github.com'}`,
  parseIssuer: (issuer) => ({ domain: issuer.host }),
  // The GitHub origin, nothing more (a loopback origin stands in for GitHub in local tests).
  checkIssuer: (issuer) => {
    const url = new URL(issuer);
    if (url.pathname !== '/' || url.search || url.hash) return `GitHub's issuer is its origin (https://github.com, or https://<your GitHub Enterprise Server host>), without a path.`;
    return url.protocol === 'https:' || /^(127\.0\.0\.1|localhost)$/.test(url.hostname) ? true : `GitHub is served over https: use https://${url.host}.`;
  },
  noDiscovery: true,
  issuerNote: (issuer) => `Provider: GitHub at ${issuer}, whose endpoints are fixed (${issuer}/login/oauth/authorize and /login/oauth/access_token; GitHub publishes no discovery document to check)`,
  ...brokerOnly,
  // As templates/providers/github/src/auth/verifier.ts asks them.
  broker: {
    scopes: (allow) => ['read:user', ...(allow.some((entry) => entry.startsWith('org:')) ? ['read:org'] : [])],
    identity: "asks GitHub's user API who signed in (GitHub is not OpenID Connect; the account's numeric id becomes the subject)",
    allowHelp: 'GitHub logins and organisations (org:<name>, any member)',
  },
};
