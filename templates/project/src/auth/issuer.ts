/** Where tokens come from: your identity provider at `OAUTH_ISSUER`. */
export { remoteIssuer as setUpIssuer, type IssuerSetup } from './remote-issuer.js';
