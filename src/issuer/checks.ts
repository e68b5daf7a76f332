/**
 * The issuer check engine shared by `create` (pre-write check), `doctor` and `auth`:
 * `checkIssuer` fetches what the checks need — all discovery candidates at once, then the JWKS
 * (and the opt-in registration probe) as soon as the document is known — and runs every check
 * (AUTH-FACTS doctor items 1 and 3–21) over the result. Nothing here prints.
 */
import { brokerSignInCheck, facadeSignInCheck } from './checks-signin.js';
import { issuerUrlCheck, oktaOrgServerCheck } from './checks-issuer.js';
import {
  discoveryContentTypeCheck,
  discoveryLatencyCheck,
  discoveryRedirectsCheck,
  discoveryResolutionCheck,
} from './checks-discovery.js';
import { endpointUrlsCheck, issuerEchoCheck, multiTenantPlaceholderCheck, requiredFieldsCheck } from './checks-metadata.js';
import {
  issParameterCheck,
  pkceCheck,
  redirectUrisCheck,
  registrationCheck,
  registrationProbeCheck,
  scopesCheck,
  tokenAuthMethodsCheck,
} from './checks-client.js';
import {
  jwksCachingCheck,
  jwksKidsCheck,
  jwksNoSecretsCheck,
  jwksReachableCheck,
  jwksSigningKeysCheck,
} from './checks-jwks.js';
import type { Check, CheckContext, JwksOutcome } from './context.js';
import { startDiscovery, type PrefetchedDiscovery } from './discovery.js';
import { inferFlavor } from './flavor.js';
import { NetError } from './http.js';
import { parseIssuer } from './issuer-url.js';
import { classifyKeys, fetchJwks } from './jwks.js';
import { probeRegistration, type ProbeOutcome } from './registration-probe.js';
import type { CheckIssuerInput, Finding, IssuerReport, NetOptions } from './types.js';

export * from './check-ids.js';
export { blockingFailures, isBlocking, renderIssuerFailure } from './render.js';
export type { Check, CheckContext } from './context.js';

/** Every check, in report order (the order of `CHECK_IDS`). */
export const CHECKS: readonly Check[] = [
  issuerUrlCheck,
  oktaOrgServerCheck,
  discoveryResolutionCheck,
  discoveryRedirectsCheck,
  discoveryContentTypeCheck,
  discoveryLatencyCheck,
  multiTenantPlaceholderCheck,
  issuerEchoCheck,
  requiredFieldsCheck,
  endpointUrlsCheck,
  pkceCheck,
  registrationCheck,
  registrationProbeCheck,
  redirectUrisCheck,
  tokenAuthMethodsCheck,
  scopesCheck,
  issParameterCheck,
  facadeSignInCheck,
  brokerSignInCheck,
  jwksReachableCheck,
  jwksSigningKeysCheck,
  jwksNoSecretsCheck,
  jwksKidsCheck,
  jwksCachingCheck,
];

/** Fetches and classifies the key set named by the document's `jwks_uri`. */
async function loadJwks(doc: Record<string, unknown>, net: NetOptions): Promise<JwksOutcome | undefined> {
  const uri = doc['jwks_uri'];
  if (typeof uri !== 'string' || uri === '') return undefined;
  try {
    const fetched = await fetchJwks(uri, net);
    return { uri, fetched, classification: await classifyKeys(fetched.keys) };
  } catch (err) {
    if (!(err instanceof NetError)) throw err;
    return { uri, error: err };
  }
}

async function maybeProbe(doc: Record<string, unknown>, input: CheckIssuerInput, net: NetOptions): Promise<ProbeOutcome | undefined> {
  const endpoint = doc['registration_endpoint'];
  // Behind the broker, hosts register with the broker, not at the provider.
  if (!input.probeRegistration || input.signIn === 'broker' || typeof endpoint !== 'string') return undefined;
  return probeRegistration(endpoint, net);
}

/**
 * Collects everything the checks look at. Discovery candidates are fetched concurrently; the JWKS
 * and the registration probe start the moment the chosen document is known, so the total time is
 * about the longest dependent chain, not the sum of all requests.
 */
export async function collectContext(input: CheckIssuerInput, prefetched?: PrefetchedDiscovery): Promise<CheckContext> {
  const syntax = parseIssuer(input.issuer);
  const base: CheckContext = { input, flavor: inferFlavor(input.provider, input.issuer), syntax };
  if (!syntax.fetchable) return base;
  const net: NetOptions = { timeoutMs: input.timeoutMs, ...(input.signal ? { signal: input.signal } : {}) };
  // Discovery doctor started for this very issuer and timeout while it loaded, or a new one.
  const inFlight = prefetched && prefetched.issuer === input.issuer && prefetched.timeoutMs === input.timeoutMs ? prefetched.inFlight : startDiscovery(input.issuer, net);
  const dependent = inFlight.chosen.then(
    (chosen): Promise<[JwksOutcome | undefined, ProbeOutcome | undefined]> =>
      chosen ? Promise.all([loadJwks(chosen.doc, net), maybeProbe(chosen.doc, input, net)]) : Promise.resolve([undefined, undefined]),
  );
  const [discovery, [jwks, probe]] = await Promise.all([inFlight.done, dependent]);
  return { ...base, discovery, ...(jwks ? { jwks } : {}), ...(probe ? { probe } : {}) };
}

/** Runs every check over a collected context (pure; handy for tests of single verdicts). */
export function runChecks(ctx: CheckContext, checks: readonly Check[] = CHECKS): Finding[] {
  return checks.map((check) => check.run(ctx));
}

/** Failures that mean no answer came back at all, as opposed to a wrong one. */
const TRANSPORT_KINDS: ReadonlySet<string> = new Set(['dns', 'refused', 'reset', 'tls', 'timeout', 'network']);

/** Builds the report from a context and its findings. */
function toReport(ctx: CheckContext, findings: Finding[]): IssuerReport {
  const chosen = ctx.discovery?.chosen;
  const c = ctx.jwks?.classification;
  const report: IssuerReport = { issuer: ctx.input.issuer, findings, ok: !findings.some((f) => f.status === 'fail') };
  if (chosen) report.discovery = { url: chosen.url, doc: chosen.doc };
  if (ctx.jwks?.fetched && c) {
    report.jwks = { uri: ctx.jwks.uri, usable: c.usable.length, keys: ctx.jwks.fetched.keys, ignored: c.ignored };
  }
  const attempts = ctx.discovery?.attempts ?? [];
  const discoveryUnreachable = !chosen && attempts.length > 0 && attempts.every((a) => a.error !== undefined && TRANSPORT_KINDS.has(a.error.kind));
  if (discoveryUnreachable || (ctx.jwks?.error && TRANSPORT_KINDS.has(ctx.jwks.error.kind))) report.unreachable = true;
  return report;
}

/**
 * Checks an OAuth issuer: URL syntax, discovery (all MCP client candidates), the document's issuer
 * and fields, what MCP clients need (PKCE, registration, auth methods, scopes), and the JWKS.
 * Network failures become findings; only an abort through `input.signal` rejects (with its reason).
 * `create` must stop when `blockingFailures(report)` is non-empty.
 *
 * @example
 * const report = await checkIssuer({ issuer: 'https://acme.us.auth0.com/', provider: 'auth0', timeoutMs: 5000 });
 * if (blockingFailures(report).length) throw new FailureError(...Object.values(renderIssuerFailure(report)));
 */
export async function checkIssuer(input: CheckIssuerInput): Promise<IssuerReport> {
  const ctx = await collectContext(input);
  return toReport(ctx, runChecks(ctx));
}
