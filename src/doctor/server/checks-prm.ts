/**
 * Server checks on the protected resource metadata (RFC 9728): where it is served (AUTH-FACTS 26),
 * its `resource` (27), its `authorization_servers` against the server's real issuer (28), its
 * scopes (29), and the authorization server mirror on the MCP origin (30). The document judged is
 * the one the MCP SDK's client-side discovery returns, so the verdict matches a real client.
 */
import { defineCheckOf, strings, type Verdicts } from '../../issuer/context.js';
import { explainIssuerDifference } from '../../issuer/issuer-diff.js';
import { fixFor, hintFor, inferFlavorFromUrl } from '../../issuer/flavor.js';
import type { Finding } from '../../issuer/types.js';
import { diffLines, differenceNote } from '../diff.js';
import {
  SERVER_AS_MIRROR,
  SERVER_PRM_AUTHORIZATION_SERVERS,
  SERVER_PRM_REACHABLE,
  SERVER_PRM_RESOURCE,
  SERVER_PRM_SCOPES,
  type ServerCheckId,
} from '../ids.js';
import { unreachable } from './checks-endpoint.js';
import { challengeOf, header, insertionUrl, oauthScopes, prmDoc, rootUrl, type DocProbe, type ServerContext } from './context.js';
import { param } from './www-authenticate.js';

const define = (id: ServerCheckId, title: string, run: (ctx: ServerContext, v: Verdicts) => Finding) => defineCheckOf<ServerContext, ServerCheckId>(id, title, run);

function describe(p: DocProbe | undefined, label: string): string {
  if (!p) return `${label}: not fetched`;
  if (p.doc) return `${label} ${p.url}: 200 JSON (resource ${JSON.stringify(p.doc['resource'] ?? null)})`;
  if (p.error) return `${label} ${p.url}: ${p.error.message}`;
  return `${label} ${p.url}: HTTP ${p.res?.status}`;
}

/** Stable JSON for comparing two documents regardless of member order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** AUTH-FACTS 26. FAIL: no client can load the metadata, or the challenge's URL doesn't serve it; WARN: a well-known URL missing, documents differ, no CORS. */
export const prmReachableCheck = define(SERVER_PRM_REACHABLE, 'Protected resource metadata is served', (ctx, v) => {
  const skip = unreachable(ctx);
  if (skip) return v.skip(skip);
  const { challengeUrl, challenge, insertion, root, sdk } = ctx.prm;
  const pathAware = insertionUrl(ctx.url);
  const details = [
    ...(challengeUrl ? [describe(challenge, 'challenge URL')] : []),
    describe(insertion, 'path-aware URL'),
    ...(root ? [describe(root, 'root URL')] : []),
    sdk?.doc ? 'MCP SDK discovery: found the metadata' : `MCP SDK discovery: ${sdk?.error ?? 'not run'}`,
  ];
  const fix = `Serve the metadata (GET, no authentication, Access-Control-Allow-Origin: *) at ${pathAware}${root ? ` and ${rootUrl(ctx.url)}` : ''}, and point the 401's resource_metadata at it (SDK: mcpAuthMetadataRouter + getOAuthProtectedResourceMetadataUrl)`;
  if (!sdk?.doc) {
    return v.fail(`MCP clients can't load the protected resource metadata for ${ctx.url}: ${sdk?.error ?? 'discovery failed'}`, details, fix);
  }
  if (challengeUrl && !challenge?.doc) {
    return v.fail(`The challenge's resource_metadata URL ${challengeUrl} does not serve the metadata (${challenge?.error?.message ?? `HTTP ${challenge?.res?.status}`}); clients use that URL first`, details, fix);
  }
  const warnings: string[] = [];
  if (!insertion?.doc && root) warnings.push(`nothing at the path-aware URL ${pathAware}, which MCP 2025-11-25 clients try first`);
  if (root && !root.doc) warnings.push(`nothing at the root URL ${rootUrl(ctx.url)}, which ChatGPT and older clients try`);
  const docs = [challenge, insertion, root].filter((p): p is DocProbe & { doc: Record<string, unknown> } => p?.doc !== undefined);
  const different = docs.find((p) => canonical(p.doc) !== canonical(docs[0]?.doc));
  if (different && docs[0]) warnings.push(`the documents at ${docs[0].url} and ${different.url} differ`);
  const used = challenge?.doc ? challenge : docs[0];
  if (used && header(used, 'access-control-allow-origin') === undefined) warnings.push(`${used.url} has no Access-Control-Allow-Origin, so browser clients can't read it`);
  const [first] = warnings;
  if (first) return v.warn(`The protected resource metadata is incomplete: ${first}`, [...details, ...warnings], fix);
  return v.pass(`The metadata is served at ${docs.map((d) => d.url).filter((u, i, all) => all.indexOf(u) === i).join(' and ')}`, details);
});

/** AUTH-FACTS 27. FAIL: `resource` is missing or not byte-identical to the MCP URL. */
export const prmResourceCheck = define(SERVER_PRM_RESOURCE, 'Resource metadata names this URL exactly', (ctx, v) => {
  const doc = prmDoc(ctx);
  if (!doc) return v.skip('Skipped: no protected resource metadata');
  const resource = doc['resource'];
  const configured = ctx.expect.resource;
  if (typeof resource !== 'string') {
    return v.fail(`The protected resource metadata has no "resource" string; clients must reject it (RFC 9728 §3.3)`, [`resource: ${JSON.stringify(resource) ?? '(missing)'}`], `Publish "resource": "${ctx.url}"`);
  }
  if (resource === ctx.url) {
    const details = configured && configured !== ctx.url ? [`the configuration says ${configured}; clients must connect with ${ctx.url}, the URL the metadata names`] : [];
    return v.pass(`"resource" is exactly ${ctx.url}`, details);
  }
  const sdkView = ctx.resourceSelection?.accepted
    ? 'The MCP TS SDK accepts it (same origin, path prefix), but Claude requires an exact match and ChatGPT sends it verbatim as the resource parameter'
    : `The MCP TS SDK refuses it: ${ctx.resourceSelection?.error ?? 'it does not match'}`;
  const details = [...diffLines('MCP URL', ctx.url, 'resource', resource), sdkView];
  let fix: string;
  if (configured === resource) fix = `Connect with ${resource}, the URL the server is configured for, or reconfigure the server for ${ctx.url}${ctx.expect.generated ? ' (MCP_RESOURCE_URL)' : ''}`;
  else if (resource === `${new URL(ctx.url).origin}/`) fix = `Set "resource" to "${ctx.url}" as a string, not new URL(...).href of a bare origin (it adds a trailing slash and drops the path)`;
  else fix = ctx.expect.generated ? `Set MCP_RESOURCE_URL=${ctx.url} (it is published verbatim as "resource")` : `Publish "resource": "${ctx.url}" exactly: the URL users enter`;
  return v.fail(`The metadata's resource is "${resource}" but the MCP URL is "${ctx.url}" (${differenceNote(ctx.url, resource, 'the MCP URL', 'resource')}); clients require them to be identical (RFC 9728 §3.3)`, details, fix);
});

/** AUTH-FACTS 28. FAIL: no `authorization_servers`, or its first entry is not byte-identical to that server's `issuer` (or to the configured issuer). */
export const prmAuthorizationServersCheck = define(SERVER_PRM_AUTHORIZATION_SERVERS, 'Resource metadata names the issuer exactly', (ctx, v) => {
  const doc = prmDoc(ctx);
  if (!doc) return v.skip('Skipped: no protected resource metadata');
  const list = strings(doc, 'authorization_servers') ?? [];
  // The façade sign-in names the server's own issuer; tokens still come from the provider's.
  const expected = ctx.expect.hostIssuer ?? ctx.expect.issuer;
  const [first, ...others] = list;
  if (first === undefined) {
    return v.fail('The protected resource metadata names no authorization_servers, so clients can’t find where to sign in', [], `Publish "authorization_servers": ["${expected ?? '<your issuer, exactly as its discovery document names it>'}"]`);
  }
  const details = others.length ? [`Claude uses only the first entry; also listed: ${others.join(', ')}`] : [];
  const as = ctx.authServer;
  const asIssuer = typeof as?.doc?.['issuer'] === 'string' ? (as.doc['issuer'] as string) : undefined;
  const flavor = ctx.expect.flavor !== 'generic' ? ctx.expect.flavor : inferFlavorFromUrl(asIssuer ?? first);
  const generated = ctx.expect.generated ? ` (create-fastapps projects: OAUTH_ISSUER=${asIssuer ?? expected})` : '';
  if (as?.error || !as?.doc) {
    const invalid = as?.error?.startsWith('invalid metadata');
    const fix = invalid
      ? 'Publish complete metadata: the MCP TS SDK validates an openid-configuration document against OpenID Connect Discovery (subject_types_supported and id_token_signing_alg_values_supported are required there) and an oauth-authorization-server document against RFC 8414'
      : `Name the issuer exactly as its discovery document does, and check it with: npx create-fastapps doctor ${first}`;
    return v.fail(`MCP clients can't load the authorization server metadata for authorization_servers[0] ${first}: ${as?.error ?? 'discovery failed'}`, details, fix);
  }
  if (asIssuer !== first) {
    const slash = ['trailing-slash-added', 'trailing-slash-missing'].includes(explainIssuerDifference(first, asIssuer ?? '').kind);
    const exact = `publish "authorization_servers": ["${asIssuer}"] byte for byte${generated}`;
    const verbatim = `Copy the issuer from the authorization server's metadata verbatim: ${exact}`;
    return v.fail(
      `authorization_servers[0] is "${first}" but that server's metadata says issuer "${asIssuer}" (${asIssuer === undefined ? 'no issuer' : differenceNote(first, asIssuer, 'the entry', 'the issuer')}); strict clients refuse it (the MCP TS SDK client 2.4.0, Copilot CLI 1.0.80 and later)`,
      [...(asIssuer === undefined ? [] : diffLines('authorization_servers[0]', first, 'issuer', asIssuer)), ...details],
      slash ? fixFor(flavor, 'issuer.trailing-slash', verbatim, { exactly: exact }) : verbatim,
    );
  }
  if (expected !== undefined && first !== expected) {
    return v.fail(
      `authorization_servers[0] is "${first}", but the configured issuer is "${expected}" (${differenceNote(expected, first, 'the configured issuer', 'the entry')})`,
      [...diffLines('configured issuer', expected, 'authorization_servers[0]', first), ...details],
      `Publish the issuer the server verifies tokens against first: "authorization_servers": ["${expected}"]${generated}`,
    );
  }
  return v.pass(`authorization_servers[0] "${first}" is exactly the issuer its metadata names`, details);
});

const OMNIBUS = new Set(['*', 'all']);
const OIDC = new Set(['openid', 'profile', 'email', 'offline_access']);

/** AUTH-FACTS 29. WARN: `scopes_supported` missing, with `offline_access` or an omnibus scope, not covering the challenge/tool/configured scopes; Entra scopes unqualified; query bearer method. */
export const prmScopesCheck = define(SERVER_PRM_SCOPES, 'Resource metadata advertises the scopes', (ctx, v) => {
  const doc = prmDoc(ctx);
  if (!doc) return v.skip('Skipped: no protected resource metadata');
  const advertised = strings(doc, 'scopes_supported');
  const challenge = challengeOf(ctx.anonymous);
  const asked = (challenge ? param(challenge, 'scope') : undefined)?.split(' ').filter(Boolean) ?? [];
  const toolScopes = new Map<string, string[]>();
  for (const tool of ctx.tools?.list ?? []) toolScopes.set(tool.name, oauthScopes(tool) ?? []);
  const wanted = [...new Set([...(ctx.expect.scopes ?? []), ...asked, ...[...toolScopes.values()].flat()])].filter((s) => s !== 'offline_access');
  const problems: string[] = [];
  if (!advertised?.length) problems.push('it has no scopes_supported: clients then request no scope (or their own default), and tokens may lack the scopes the server requires');
  const have = new Set(advertised ?? []);
  if (advertised?.length) {
    if (have.has('offline_access')) problems.push('it advertises offline_access (MCP 2026-07-28: a resource SHOULD NOT)');
    const omnibus = advertised.filter((s) => OMNIBUS.has(s));
    if (omnibus.length) problems.push(`it advertises the omnibus scope ${omnibus.join(', ')}; advertise the minimal set`);
    const missingAsked = asked.filter((s) => !have.has(s));
    if (missingAsked.length) problems.push(`the 401 asks for ${missingAsked.join(' ')}, which scopes_supported lacks`);
    for (const [tool, scopes] of toolScopes) {
      const missing = scopes.filter((s) => !have.has(s));
      if (missing.length) problems.push(`tool ${tool} declares ${missing.join(' ')}, which scopes_supported lacks`);
    }
    const missingConfigured = (ctx.expect.scopes ?? []).filter((s) => !have.has(s));
    if (missingConfigured.length) problems.push(`the configured scopes ${missingConfigured.join(' ')} are not advertised`);
    const short = advertised.filter((s) => !s.includes('://') && !OIDC.has(s));
    const shortProblem = short.length ? hintFor(ctx.expect.flavor, 'prm.short-scopes', { scopes: short }) : undefined;
    if (shortProblem !== undefined) problems.push(shortProblem);
  }
  const methods = strings(doc, 'bearer_methods_supported');
  if (methods && (!methods.includes('header') || methods.includes('query'))) problems.push(`bearer_methods_supported is ${JSON.stringify(methods)}; it should be ["header"]`);
  const details = [`scopes_supported: ${advertised?.length ? advertised.join(' ') : '(none)'}`];
  const [first] = problems;
  if (first) {
    const list = wanted.length ? wanted : (advertised ?? []).filter((s) => s !== 'offline_access' && !OMNIBUS.has(s));
    return v.warn(`Protected resource metadata scopes: ${first}`, [...details, ...problems], `Advertise exactly the scopes your tools need: "scopes_supported": ${JSON.stringify(list.length ? list : ['<scope>'])}`);
  }
  return v.pass(`scopes_supported: ${advertised!.join(' ')}`, details);
});

const MIRRORED = ['issuer', 'authorization_endpoint', 'token_endpoint', 'registration_endpoint', 'jwks_uri', 'code_challenge_methods_supported'];

/** AUTH-FACTS 30. WARN: a mirror of the authorization server metadata on the MCP origin differs from the real one. */
export const asMirrorCheck = define(SERVER_AS_MIRROR, 'Authorization server metadata mirror matches the issuer', (ctx, v) => {
  const skip = unreachable(ctx);
  if (skip) return v.skip(skip);
  const mirror = ctx.asMirror;
  if (!mirror) return v.skip('Skipped: not probed');
  if (!mirror.doc) {
    const status = mirror.res?.status;
    if (status === 404 || status === 410) return v.pass(`No authorization server metadata at ${mirror.url} (none needed: clients follow authorization_servers)`);
    return v.info(`${mirror.url} answers ${mirror.error?.message ?? `HTTP ${status}`}; legacy clients that probe the MCP origin get nothing useful there`, []);
  }
  const upstream = ctx.authServer?.doc;
  if (!upstream) return v.info(`${mirror.url} serves authorization server metadata, but the real one could not be loaded to compare`, []);
  const differences = MIRRORED.filter((field) => field in upstream && canonical(mirror.doc![field]) !== canonical(upstream[field])).map(
    (field) => `${field}: mirror ${JSON.stringify(mirror.doc![field] ?? null)}, authorization server ${JSON.stringify(upstream[field])}`,
  );
  const [first] = differences;
  if (first) {
    return v.warn(
      `The authorization server metadata mirrored at ${mirror.url} differs from the real one (${first})`,
      differences,
      'Build the mirror from the live metadata at start (SDK: mcpAuthMetadataRouter({ oauthMetadata }) with the fetched document), or stop serving it; never hand-write it',
    );
  }
  return v.pass(`The mirror at ${mirror.url} matches the authorization server's issuer and endpoints`);
});
