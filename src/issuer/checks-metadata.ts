/**
 * Checks on the discovery document's identity and shape: placeholder issuers (item 9), issuer echo
 * (8), required fields (10), endpoint URL hygiene (11).
 */
import { ENDPOINT_URLS, ISSUER_ECHO, MULTI_TENANT_PLACEHOLDER, REQUIRED_FIELDS } from './check-ids.js';
import { NO_DOCUMENT, chosenDoc, defineCheck, str, strings } from './context.js';
import { fixFor, providerFix } from './flavor.js';
import { explainIssuerDifference, issuerDiffLines, type IssuerDiff } from './issuer-diff.js';
import { isLoopbackHost } from './issuer-url.js';
import type { Flavor } from './types.js';

const PLACEHOLDER = /\{[^}]*\}/;

/** AUTH-FACTS 9. FAIL: the document's issuer is a `{tenantid}` placeholder (Entra common/organizations). */
export const multiTenantPlaceholderCheck = defineCheck(
  MULTI_TENANT_PLACEHOLDER,
  'Issuer is a real issuer, not a multi-tenant placeholder',
  (ctx, v) => {
    const doc = chosenDoc(ctx);
    if (!doc) return v.skip(NO_DOCUMENT);
    const issuer = str(doc, 'issuer');
    const placeholder = issuer === undefined ? undefined : PLACEHOLDER.exec(issuer)?.[0];
    if (!issuer || !placeholder) return v.pass('The document names a concrete issuer');
    return v.fail(
      `The discovery document's issuer "${issuer}" contains the placeholder ${placeholder}: this is a multi-tenant (common/organizations/consumers) document, and tokens never carry that issuer`,
      [`issuer in the document: ${issuer}`, 'A token from tenant T has iss https://login.microsoftonline.com/T/v2.0'],
      fixFor(ctx.flavor, 'metadata.placeholder-issuer', 'Use the tenant-specific issuer, not the multi-tenant alias; the placeholder is not a value tokens carry'),
    );
  },
);

function echoFix(diff: IssuerDiff, flavor: Flavor, expected: string, actual: string): string {
  const exactly = `configure the issuer as exactly "${actual}" (byte for byte) everywhere: fastapps.json, the PRM authorization_servers and token validation`;
  const Exactly = exactly.charAt(0).toUpperCase() + exactly.slice(1);
  switch (diff.kind) {
    case 'trailing-slash-added':
    case 'trailing-slash-missing':
      return fixFor(flavor, 'issuer.trailing-slash', Exactly, { exactly });
    case 'placeholder':
      return 'Use your tenant’s own issuer, e.g. https://login.microsoftonline.com/<tenant-id>/v2.0, not common/organizations/consumers';
    case 'v2':
      return 'Use the v2.0 issuer https://login.microsoftonline.com/<tenant-id>/v2.0 and set "requestedAccessTokenVersion": 2 in the API app’s manifest (Entra admin center › App registrations › Manifest)';
    case 'case':
      return `Use the issuer exactly as the server spells it: "${actual}" (letter case included)`;
    case 'origin':
      return fixFor(flavor, 'issuer-echo.origin', `Configure the issuer as "${actual}" if that is the public URL of the authorization server; otherwise fix the server’s public URL setting so it publishes "${expected}"`);
    default:
      return Exactly;
  }
}

/** AUTH-FACTS 8. FAIL: the document's `issuer` is not byte-identical to the configured issuer. */
export const issuerEchoCheck = defineCheck(ISSUER_ECHO, 'Issuer in the discovery document matches exactly', (ctx, v) => {
  const chosen = ctx.discovery?.chosen;
  if (!chosen) return v.skip(NO_DOCUMENT);
  const expected = ctx.input.issuer;
  const actual = chosen.doc['issuer'];
  if (typeof actual !== 'string') {
    return v.fail(
      `The discovery document at ${chosen.url} has no "issuer" string, so clients can't verify where it came from`,
      [`issuer: ${JSON.stringify(actual) ?? '(missing)'}`],
      'Check that this URL belongs to an OAuth 2.0 / OpenID Connect authorization server; its metadata must name its issuer',
    );
  }
  if (actual === expected) return v.pass(`The document's issuer is exactly "${expected}"`);
  const diff = explainIssuerDifference(expected, actual);
  return v.fail(
    `The discovery document at ${chosen.url} names another issuer: expected "${expected}" but the document says "${actual}" (${diff.note})`,
    issuerDiffLines(expected, actual, diff),
    echoFix(diff, ctx.flavor, expected, actual),
  );
});

const ENDPOINT_FIELDS = ['issuer', 'authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const;

/** What is missing or malformed among the fields every MCP client needs. */
function requiredFieldProblems(doc: Record<string, unknown>): { missing: string[]; problems: string[] } {
  const missing = ENDPOINT_FIELDS.filter((f) => !str(doc, f));
  const problems = missing.map((f) => `${f} is missing`);
  for (const f of ENDPOINT_FIELDS) {
    const value = str(doc, f);
    if (value && f !== 'issuer' && !URL.canParse(value)) problems.push(`${f} "${value}" is not an absolute URL`);
  }
  const responseTypes = strings(doc, 'response_types_supported');
  if (!responseTypes) problems.push('response_types_supported is missing');
  else if (!responseTypes.includes('code')) problems.push(`response_types_supported ${JSON.stringify(responseTypes)} does not include "code"`);
  const grants = strings(doc, 'grant_types_supported');
  if (grants && !grants.includes('authorization_code')) problems.push(`grant_types_supported ${JSON.stringify(grants)} does not include "authorization_code"`);
  return { missing, problems };
}

function requiredFieldsFix(flavor: Flavor, missing: string[], problems: string[]): string {
  const endpoints = missing.includes('token_endpoint') || missing.includes('authorization_endpoint') ? providerFix(flavor, 'metadata.no-endpoints') : undefined;
  if (endpoints !== undefined) return endpoints;
  if (missing.includes('jwks_uri')) {
    return 'Give the authorization server an asymmetric signing key so it publishes jwks_uri (authentik: Provider › Signing Key)';
  }
  const list = problems.join('; ');
  return `The authorization server must publish a complete authorization-code configuration (${list}); check that the issuer is an OAuth 2.0 / OpenID Connect server with the authorization code flow enabled`;
}

/** AUTH-FACTS 10. FAIL: issuer, authorization_endpoint, token_endpoint, jwks_uri, response type `code`, grant `authorization_code`. */
export const requiredFieldsCheck = defineCheck(REQUIRED_FIELDS, 'Discovery document has the required fields', (ctx, v) => {
  const chosen = ctx.discovery?.chosen;
  if (!chosen) return v.skip(NO_DOCUMENT);
  const { missing, problems } = requiredFieldProblems(chosen.doc);
  const grants = strings(chosen.doc, 'grant_types_supported');
  const details = grants && !grants.includes('refresh_token') ? ['grant_types_supported has no refresh_token: users will re-authorize when tokens expire'] : [];
  const [first] = problems;
  if (!first) return v.pass('issuer, authorization_endpoint, token_endpoint, jwks_uri and the code flow are all published', details);
  const summary = missing.length
    ? `The discovery document at ${chosen.url} has no ${missing.join(', ')}`
    : `The discovery document at ${chosen.url} is incomplete: ${first}`;
  return v.fail(summary, [...problems, ...details], requiredFieldsFix(ctx.flavor, missing, problems));
});

const INTERNAL_SUFFIXES = ['.local', '.internal', '.lan', '.localdomain', '.svc', '.cluster.local', '.home.arpa'];

/** True for private IPv4 ranges, single-label names and internal suffixes (`.local`, `.internal`, `.svc`, …); false for loopback. */
export function isInternalHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (isLoopbackHost(host)) return false;
  if (/^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(host)) return true;
  if (!host.includes('.') && !host.startsWith('[')) return true;
  return INTERNAL_SUFFIXES.some((s) => host.endsWith(s));
}

/** Problems with one endpoint URL, relative to the issuer's URL: fail-level and warn-level. */
function endpointProblems(value: string, issuer: URL | undefined): { fail: string[]; warn: string[] } {
  const out = { fail: [] as string[], warn: [] as string[] };
  if (!URL.canParse(value)) {
    out.fail.push('not an absolute URL');
    return out;
  }
  const url = new URL(value);
  const local = isLoopbackHost(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) out.fail.push(`plain ${url.protocol.slice(0, -1)} on a non-local host`);
  if (isInternalHost(url.hostname)) out.warn.push(`internal hostname ${url.hostname}`);
  if (local && issuer && !isLoopbackHost(issuer.hostname)) out.warn.push(`points at ${url.hostname} although the issuer is on ${issuer.host}`);
  return out;
}

function andMore(items: string[]): string {
  return items.length > 1 ? `${items[0]}, and ${items.length - 1} more` : (items[0] ?? '');
}

/** AUTH-FACTS 11. FAIL: an endpoint is plain http off localhost; WARN: internal hostname, or localhost under a public issuer. */
export const endpointUrlsCheck = defineCheck(ENDPOINT_URLS, 'Endpoint URLs are public https URLs', (ctx, v) => {
  const doc = chosenDoc(ctx);
  if (!doc) return v.skip(NO_DOCUMENT);
  const fields = Object.keys(doc).filter((k) => k.endsWith('_endpoint') || k === 'jwks_uri');
  const failing: string[] = [];
  const warning: string[] = [];
  for (const field of fields) {
    const value = str(doc, field);
    if (value === undefined) continue;
    const p = endpointProblems(value, ctx.syntax.url);
    const line = `${field} ${value} (${[...p.fail, ...p.warn].join('; ')})`;
    if (p.fail.length) failing.push(line);
    else if (p.warn.length) warning.push(line);
  }
  const fix = fixFor(ctx.flavor, 'endpoints.public-url', 'Configure the authorization server’s public base URL (and, behind a proxy, forwarded headers) so every endpoint is an https URL on its public host');
  const details = [...failing, ...warning];
  if (failing.length) {
    return v.fail(`${failing.length} endpoint URL(s) can't be used by browsers or MCP clients: ${andMore(failing)}`, details, fix);
  }
  if (warning.length) return v.warn(`${warning.length} endpoint URL(s) look internal: ${andMore(warning)}`, details, fix);
  return v.pass(`All ${fields.length} endpoint URLs are usable`);
});
