/**
 * What the chosen sign-in mode needs from the provider (SPEC §9). `facade`: the server publishes
 * its own issuer over the provider's endpoints, so a provider that sends RFC 9207 `iss` in its
 * authorization responses cannot sit behind it (hosts compare that `iss` with the façade's issuer
 * and refuse the response). Blocks `create` and `auth`.
 */
import { SIGN_IN_FACADE } from './check-ids.js';
import { NO_DOCUMENT, chosenDoc, defineCheck, strings } from './context.js';
import { FLAVOR_NAMES } from './flavor.js';

export const facadeSignInCheck = defineCheck(SIGN_IN_FACADE, 'The provider can sit behind the façade sign-in', (ctx, v) => {
  if (ctx.input.signIn !== 'facade') return v.skip('Skipped: not the façade sign-in');
  const doc = chosenDoc(ctx);
  if (!doc) return v.skip(NO_DOCUMENT);
  const name = FLAVOR_NAMES[ctx.flavor];
  if (doc['authorization_response_iss_parameter_supported'] === true) {
    const s256 = strings(doc, 'code_challenge_methods_supported')?.includes('S256') === true;
    return v.fail(
      `${name.charAt(0).toUpperCase()}${name.slice(1)} sends iss in its authorization responses (authorization_response_iss_parameter_supported: true, RFC 9207); hosts compare it with the façade's issuer and refuse the sign-in, so it cannot sit behind a façade`,
      [`issuer: ${String(doc['issuer'])}`],
      s256
        ? `Use --sign-in direct: ${name} already publishes code_challenge_methods_supported with S256, which is what the façade would add. A broker (--sign-in broker, the server as its own authorization server) also works once available`
        : 'Use --sign-in broker (the server as its own authorization server, sending its own iss) once available, or enable S256 in the provider’s metadata and use --sign-in direct',
    );
  }
  return v.pass(`The façade will publish code_challenge_methods_supported ["S256"] and only this server's scopes over ${name}'s endpoints`);
});
