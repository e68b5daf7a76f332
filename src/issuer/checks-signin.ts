/**
 * What the chosen sign-in mode needs from the provider (SPEC §9). Both block `create` and `auth`.
 *
 * - `facade`: the server publishes its own issuer over the provider's endpoints, so a provider that
 *   sends RFC 9207 `iss` in its authorization responses cannot sit behind it (hosts compare that
 *   `iss` with the façade's issuer and refuse the response). The way out it names comes from the
 *   sign-in modes the provider module offers (Keycloak has no broker).
 * - `broker`: the server signs users in at the provider with its own confidential client, so the
 *   provider must offer the authorization code flow (an authorization and a token endpoint, the
 *   `code` response type, the `authorization_code` grant) and accept a client secret at the token
 *   endpoint (`client_secret_basic` or `client_secret_post`; an absent list means
 *   `client_secret_basic`, RFC 8414 §2).
 */
import { SIGN_IN_BROKER, SIGN_IN_FACADE } from './check-ids.js';
import { NO_DOCUMENT, chosenDoc, defineCheck, str, strings } from './context.js';
import { familyName, fixFor } from './flavor.js';
import type { ProviderId } from './types.js';
import { getProvider } from '../providers/index.js';

export const facadeSignInCheck = defineCheck(SIGN_IN_FACADE, 'The provider can sit behind the façade sign-in', (ctx, v) => {
  if (ctx.input.signIn !== 'facade') return v.skip('Skipped: not the façade sign-in');
  const doc = chosenDoc(ctx);
  if (!doc) return v.skip(NO_DOCUMENT);
  const name = familyName(ctx.flavor);
  if (doc['authorization_response_iss_parameter_supported'] === true) {
    return v.fail(
      `${name.charAt(0).toUpperCase()}${name.slice(1)} sends iss in its authorization responses (authorization_response_iss_parameter_supported: true, RFC 9207); hosts compare it with the façade's issuer and refuse the sign-in, so it cannot sit behind a façade`,
      [`issuer: ${String(doc['issuer'])}`],
      facadeAlternative(ctx.input.provider, name, doc),
    );
  }
  return v.pass(`The façade will publish code_challenge_methods_supported ["S256"] and only this server's scopes over ${name}'s endpoints`);
});

/**
 * What to use instead of the façade, from the sign-in modes the provider module offers (no
 * provider: `oidc`, any OpenID Connect server): `direct` where the provider already publishes S256,
 * else `broker` where there is one; Keycloak, say, has no broker but publishes S256 (and offers DCR).
 */
function facadeAlternative(providerId: ProviderId | undefined, name: string, doc: Record<string, unknown>): string {
  const provider = getProvider(providerId ?? 'oidc');
  const direct = provider.signIn.includes('direct');
  const broker = provider.signIn.includes('broker');
  const s256 = strings(doc, 'code_challenge_methods_supported')?.includes('S256') === true;
  const dcr = str(doc, 'registration_endpoint') !== undefined;
  if (direct && s256) {
    return `Use --sign-in direct: ${name} already publishes code_challenge_methods_supported with S256, which is what the façade would add${dcr ? ', and a registration_endpoint hosts can register with' : ''}${broker ? '. A broker (--sign-in broker, the server as its own authorization server) also works' : ''}`;
  }
  if (broker) {
    return `Use --sign-in broker (the server as its own authorization server, sending its own iss)${direct ? ', or enable S256 in the provider’s metadata and use --sign-in direct' : ''}`;
  }
  if (direct) {
    return `Enable PKCE with S256 in ${name}'s metadata (code_challenge_methods_supported), which hosts require, and use --sign-in direct (the ${provider.id} provider has no broker sign-in)`;
  }
  return `Use --sign-in ${provider.signIn.filter((mode) => mode !== 'facade').join(' or ')}`;
}

/** The token endpoint authentication methods a broker can use: it holds a client secret. */
const SECRET_METHODS = ['client_secret_basic', 'client_secret_post'];

export const brokerSignInCheck = defineCheck(SIGN_IN_BROKER, 'The provider can sign users in for the broker', (ctx, v) => {
  if (ctx.input.signIn !== 'broker') return v.skip('Skipped: not the broker sign-in');
  const doc = chosenDoc(ctx);
  if (!doc) return v.skip(NO_DOCUMENT);
  const name = familyName(ctx.flavor);
  const Name = `${name.charAt(0).toUpperCase()}${name.slice(1)}`;
  const issuerFix = fixFor(ctx.flavor, 'broker.no-endpoints', 'Use the issuer of an OAuth 2.0 authorization server whose discovery document lists both the authorization and the token endpoint');
  // Each problem: what is missing, and the fix, on one line.
  const problems: Array<{ what: string; fix: string }> = [];
  if (!str(doc, 'authorization_endpoint')) problems.push({ what: `${Name}'s metadata has no authorization_endpoint, where the broker sends users to sign in`, fix: issuerFix });
  if (!str(doc, 'token_endpoint')) problems.push({ what: `${Name}'s metadata has no token_endpoint, where the broker redeems codes with its client secret`, fix: issuerFix });
  const responseTypes = strings(doc, 'response_types_supported');
  if (responseTypes && !responseTypes.includes('code')) {
    problems.push({ what: `response_types_supported is ${JSON.stringify(responseTypes)}, without "code": the broker uses the authorization code flow`, fix: `Enable the authorization code flow (response type code) at ${name}` });
  }
  const grants = strings(doc, 'grant_types_supported');
  if (grants && !grants.includes('authorization_code')) {
    problems.push({ what: `grant_types_supported is ${JSON.stringify(grants)}, without "authorization_code": the broker redeems authorization codes`, fix: `Allow the authorization_code grant at ${name}` });
  }
  const methods = strings(doc, 'token_endpoint_auth_methods_supported');
  if (methods && !methods.some((method) => SECRET_METHODS.includes(method))) {
    problems.push({
      what: `token_endpoint_auth_methods_supported is ${JSON.stringify(methods)}, with neither client_secret_basic nor client_secret_post: the broker authenticates with its client secret`,
      fix: `Enable client secret authentication at ${name}'s token endpoint, or use --sign-in direct or facade`,
    });
  }
  const [first, ...others] = problems;
  if (first) {
    return v.fail(
      `${first.what}${others.length > 0 ? ` (and ${others.length} more problem${others.length === 1 ? '' : 's'})` : ''}, so it cannot sign users in for the broker sign-in`,
      problems.map((problem) => `${problem.what}: ${problem.fix.charAt(0).toLowerCase()}${problem.fix.slice(1)}`),
      `${first.fix.charAt(0).toUpperCase()}${first.fix.slice(1)}`,
    );
  }
  const method = methods === undefined ? 'client_secret_basic (no token_endpoint_auth_methods_supported: the RFC 8414 default)' : SECRET_METHODS.filter((m) => methods.includes(m)).join(' or ');
  return v.pass(`${Name} offers what the broker needs: the authorization code flow, and client secret authentication (${method}) at its token endpoint`, [
    `authorization_endpoint: ${str(doc, 'authorization_endpoint')}`,
    `token_endpoint: ${str(doc, 'token_endpoint')}`,
  ]);
});
