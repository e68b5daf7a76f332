/**
 * Google: sign-in only through the broker. Google issues no JWT access tokens for a third-party
 * API, so the server signs users in with its own Google OAuth client, learns who they are from the
 * ID token (verified against Google's keys) and issues its own tokens; `--allow` (email addresses
 * and Workspace domains, Google's `hd`) decides who may get one. The issuer is fixed.
 */
import { brokerOnly } from './broker-only.js';
import { isHostname } from './validate.js';
import type { Provider } from './types.js';

export const GOOGLE_ISSUER = 'https://accounts.google.com';
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const google: Provider<'google'> = {
  id: 'google',
  name: 'Google',
  hint: 'Google accounts, through the broker (Google issues no access tokens for your API)',
  fields: [
    {
      key: 'allow',
      flag: '--allow',
      message: 'Who may sign in: email addresses and Google Workspace domains',
      example: 'example.com',
      multiple: true,
      normalize: (value) => value.trim().toLowerCase(),
      validate: (value) =>
        EMAIL.test(value) || isHostname(value) ? true : `"${value}" is neither an email address nor a domain; list who may sign in, e.g. example.com,jane@gmail.com.`,
    },
  ],
  buildIssuer: () => GOOGLE_ISSUER,
  // A loopback origin stands in for Google in local tests.
  checkIssuer: (issuer) => (issuer === GOOGLE_ISSUER || /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(issuer) ? true : `Google's issuer is ${GOOGLE_ISSUER}, exactly.`),
  ...brokerOnly,
  // As templates/providers/google/src/auth/verifier.ts asks them.
  broker: {
    scopes: () => ['openid', 'email', 'profile'],
    identity: "verifies Google's ID token (against Google's keys) to learn who signed in",
    allowHelp: "email addresses and domains (a Google Workspace domain, or a verified email's domain)",
  },
};
