/**
 * Checks on the key set: reachable and well-formed (item 18), usable signing keys and no published
 * secrets (19), kid hygiene (20), caching (21).
 */
import { JWKS_CACHING, JWKS_KIDS, JWKS_NO_SECRETS, JWKS_REACHABLE, JWKS_SIGNING_KEYS } from './check-ids.js';
import { NO_DOCUMENT, chosenDoc, defineCheck, type CheckContext } from './context.js';
import { fixFor } from './flavor.js';
import type { IgnoredKey, JwksFetch, KeyClassification } from './jwks.js';

const NO_JWKS = 'Skipped: the discovery document has no usable jwks_uri';

const SIGNING_KEY_FIX = 'Give the authorization server an asymmetric signing key (RS256 or ES256) and publish it at jwks_uri; HMAC-signed tokens can’t be verified by a resource server';

/** Why a JWKS check has nothing to judge, or undefined when there is an outcome. */
function skipReason(ctx: CheckContext): string | undefined {
  if (!chosenDoc(ctx)) return NO_DOCUMENT;
  if (!ctx.jwks) return NO_JWKS;
  return undefined;
}

/** The fetched and classified key set, or the reason to skip a check that needs one. */
function loaded(ctx: CheckContext): { uri: string; fetched: JwksFetch; classification: KeyClassification } | string {
  const skip = skipReason(ctx);
  if (skip) return skip;
  const { uri, fetched, classification } = ctx.jwks ?? {};
  if (!uri || !fetched || !classification) return 'Skipped: the key set could not be fetched';
  return { uri, fetched, classification };
}

function ignoredLine(k: IgnoredKey): string {
  return `${k.kid === undefined ? 'key without kid' : `kid ${k.kid}`}: ${k.reason}`;
}

/** AUTH-FACTS 18. FAIL: the JWKS can't be fetched, isn't a JWK Set, or has no keys. */
export const jwksReachableCheck = defineCheck(JWKS_REACHABLE, 'JWKS is reachable and well-formed', (ctx, v) => {
  const skip = skipReason(ctx);
  if (skip || !ctx.jwks) return v.skip(skip ?? NO_JWKS);
  const { uri, fetched, error } = ctx.jwks;
  if (error || !fetched) {
    return v.fail(
      `The key set at ${uri} can't be used: ${error?.message ?? 'it was not fetched'}`,
      [`jwks_uri: ${uri}`],
      error?.fix ?? 'Check jwks_uri',
    );
  }
  const details = fetched.redirects.map((h) => `${h.from} → HTTP ${h.status} → ${h.to}`);
  if (fetched.keys.length === 0) {
    return v.fail(`The key set at ${uri} has an empty "keys" array, so no token can be verified`, details, fixFor(ctx.flavor, 'jwks.no-signing-key', SIGNING_KEY_FIX));
  }
  return v.pass(`${uri} serves ${fetched.keys.length} key(s)`, details);
});

/** AUTH-FACTS 19. FAIL: no key can verify access tokens (RSA/EC/OKP, use sig, asymmetric alg, RSA ≥ 2048). */
export const jwksSigningKeysCheck = defineCheck(JWKS_SIGNING_KEYS, 'JWKS has a usable asymmetric signing key', (ctx, v) => {
  const set = loaded(ctx);
  if (typeof set === 'string') return v.skip(set);
  const { usable, ignored } = set.classification;
  const total = usable.length + ignored.length;
  if (total === 0) return v.skip('Skipped: the key set is empty');
  const details = ignored.map(ignoredLine);
  if (usable.length === 0) {
    const reasons = [...new Set(ignored.map((k) => k.reason.split(':')[0]))].join('; ');
    return v.fail(`None of the ${total} key(s) at ${set.uri} can verify access tokens (${reasons})`, details, fixFor(ctx.flavor, 'jwks.no-signing-key', SIGNING_KEY_FIX));
  }
  const algs = [...new Set(usable.map((k) => k.alg ?? `${k.kty} (no alg)`))].join(', ');
  return v.pass(`${usable.length} of ${total} key(s) can verify tokens (${algs})`, details);
});

/** AUTH-FACTS 19. FAIL: the key set publishes a symmetric (`oct`) key or private key members. Not blocking. */
export const jwksNoSecretsCheck = defineCheck(JWKS_NO_SECRETS, 'JWKS publishes no secret key material', (ctx, v) => {
  const set = loaded(ctx);
  if (typeof set === 'string') return v.skip(set);
  const secrets = set.classification.ignored.filter((k) => k.secret);
  if (!secrets.length) return v.pass('No symmetric or private key material is published');
  return v.fail(
    `The key set at ${set.uri} publishes secret key material (${secrets.map(ignoredLine).join('; ')}); anyone who reads it can sign tokens`,
    secrets.map(ignoredLine),
    'Remove the key from the published key set and rotate it now; verify tokens only with asymmetric keys (the generated server never accepts HS* tokens)',
  );
});

/** AUTH-FACTS 20. WARN: with several signing keys, a key lacks `kid` or kids repeat. */
export const jwksKidsCheck = defineCheck(JWKS_KIDS, 'Signing keys have unique kids', (ctx, v) => {
  const set = loaded(ctx);
  if (typeof set === 'string') return v.skip(set);
  const { usable } = set.classification;
  if (usable.length === 0) return v.skip('Skipped: no usable signing key');
  const kids = usable.map((k) => k.kid);
  const missing = kids.filter((k) => k === undefined).length;
  const duplicates = [...new Set(kids.filter((k, i) => k !== undefined && kids.indexOf(k) !== i))];
  const details = kids.some((k) => k !== undefined && /[+/=]/.test(k))
    ? ['kids contain "+", "/" or "=" (Cognito does this): compare them verbatim, never URL-decode']
    : [];
  const problems: string[] = [];
  if (missing && usable.length > 1) problems.push(`${missing} of ${usable.length} signing keys have no kid`);
  if (duplicates.length) problems.push(`kid ${duplicates.map((d) => `"${d}"`).join(', ')} appears more than once`);
  if (!problems.length) return v.pass(usable.length > 1 ? `All ${usable.length} signing keys have unique kids` : 'One signing key', details);
  return v.warn(
    `${problems.join('; ')}: verifiers can't tell which key signed a token ("multiple matching keys found")`,
    [...problems, ...details],
    'Give every signing key a unique kid (rotate keys with new kids) so verifiers can pick the right one',
  );
});

/** AUTH-FACTS 21. INFO: the key set's Cache-Control, and how the generated server caches keys. */
export const jwksCachingCheck = defineCheck(JWKS_CACHING, 'JWKS caching', (ctx, v) => {
  const set = loaded(ctx);
  if (typeof set === 'string') return v.skip(set);
  const cc = set.fetched.cacheControl;
  return v.info(
    cc ? `The key set is served with Cache-Control: ${cc}` : 'The key set is served without Cache-Control',
    ['The generated server caches the key set and refetches on an unknown kid, with a cooldown (jose createRemoteJWKSet)'],
  );
});
