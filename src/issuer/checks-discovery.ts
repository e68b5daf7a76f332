/**
 * Checks on fetching the discovery document: which candidates answer (item 4), redirects (5),
 * content type and size (6), latency (7). TLS and other transport errors surface in item 4.
 */
import {
  DISCOVERY_CONTENT_TYPE,
  DISCOVERY_LATENCY,
  DISCOVERY_REDIRECTS,
  DISCOVERY_RESOLUTION,
} from './check-ids.js';
import { NO_DOCUMENT, defineCheck, str, type CheckContext } from './context.js';
import type { DiscoveryAttempt } from './discovery.js';
import { familyDoctor, familyName, fixFor } from './flavor.js';
import type { NetError } from './http.js';

/** Above this the latency check warns (ms). */
export const LATENCY_WARN_MS = 2000;
/** Above this the latency check fails (ms): Claude's discovery/registration/token timeout. */
export const LATENCY_FAIL_MS = 10_000;
/** Above this the content check warns (bytes). */
export const DOCUMENT_WARN_BYTES = 64 * 1024;

/** The error message without the URL it starts with (the details line names the URL already). */
function withoutUrl(err: NetError): string {
  return err.message.startsWith(`${err.url} `) ? err.message.slice(err.url.length + 1) : err.message;
}

function describeAttempt(a: DiscoveryAttempt, chosen: DiscoveryAttempt | undefined): string {
  if (a.ok) {
    const size = a.response ? `, ${a.response.bytes} bytes` : '';
    return `${a.url}: 200 JSON document (${a.elapsedMs} ms${size})${a === chosen ? ' — used' : ''}`;
  }
  const err = a.error;
  if (!err) return `${a.url}: no answer`;
  return `${a.url}: ${err.kind === 'http-status' ? `HTTP ${err.status}` : withoutUrl(err)}`;
}

function isNotFound(err: NetError | undefined): boolean {
  return err?.kind === 'http-status' && (err.status === 404 || err.status === 410);
}

/** Lower is more telling: content problems, then server errors, then transport, then 404. */
const ERROR_RANK: Record<NetError['kind'], number> = {
  html: 0,
  'not-json': 0,
  'not-object': 0,
  'too-large': 0,
  'http-status': 1,
  tls: 2,
  'too-many-redirects': 2,
  timeout: 3,
  reset: 3,
  refused: 3,
  dns: 3,
  network: 3,
  'bad-url': 4,
};

/** The error that best explains why discovery failed. */
function mostTellingError(attempts: DiscoveryAttempt[]): NetError | undefined {
  const rank = (e: NetError) => (isNotFound(e) ? 9 : ERROR_RANK[e.kind]);
  const errors = attempts.flatMap((a) => (a.error ? [a.error] : []));
  return errors.reduce<NetError | undefined>((best, e) => (best === undefined || rank(e) < rank(best) ? e : best), undefined);
}

const NOT_FOUND_FIX = 'Check the issuer URL: copy it from the "issuer" field of the provider’s discovery document';

function resolutionFailure(ctx: CheckContext, attempts: DiscoveryAttempt[]): { summary: string; fix: string } {
  const issuer = ctx.input.issuer;
  if (attempts.every((a) => isNotFound(a.error))) {
    return {
      summary: `No OAuth metadata found for ${issuer}: all ${attempts.length} well-known URLs returned HTTP 404`,
      fix: fixFor(ctx.flavor, 'discovery.not-found', NOT_FOUND_FIX),
    };
  }
  const err = mostTellingError(attempts);
  if (!err) return { summary: `No OAuth metadata found for ${issuer}`, fix: fixFor(ctx.flavor, 'discovery.not-found', NOT_FOUND_FIX) };
  const fix = isNotFound(err) ? fixFor(ctx.flavor, 'discovery.not-found', NOT_FOUND_FIX) : err.fix;
  return { summary: `No usable OAuth metadata for ${issuer}: ${err.message}`, fix };
}

/**
 * AUTH-FACTS 4. FAIL when no candidate yields a JSON document; WARN when the RFC 8414 URL (the one
 * 2025-06-18-era clients try) doesn't, or when a candidate clients try before the chosen one answers
 * with an error other than "not found".
 */
export const discoveryResolutionCheck = defineCheck(
  DISCOVERY_RESOLUTION,
  'Discovery document is found at the well-known URLs',
  (ctx, v) => {
    const d = ctx.discovery;
    if (!d) return v.skip('Skipped: the issuer URL can’t be used to build discovery URLs');
    const chosen = d.chosen?.attempt;
    const details = d.attempts.map((a) => describeAttempt(a, chosen));
    if (!chosen) {
      const { summary, fix } = resolutionFailure(ctx, d.attempts);
      return v.fail(summary, details, fix);
    }
    const before = d.attempts.slice(0, d.attempts.indexOf(chosen));
    const broken = before.find((a) => a.error && !isNotFound(a.error));
    if (broken?.error) {
      return v.warn(
        `Clients try ${broken.url} before ${chosen.url} and get an error there: ${withoutUrl(broken.error)}`,
        details,
        `Make ${broken.url} answer 404 (so clients move on) or serve the same document there`,
      );
    }
    const rfc8414 = d.attempts[0];
    if (rfc8414 && rfc8414 !== chosen) {
      // Some providers (Entra, Cognito, Keycloak) document only the OIDC append form: nothing the user can change there.
      const appendOnly = familyDoctor(ctx.flavor)?.appendOnlyDiscovery === true;
      const fix = appendOnly
        ? `Nothing to change in ${familyName(ctx.flavor)}: MCP 2025-11-25+ clients find ${chosen.url}; for clients that only try RFC 8414, serve a metadata façade on your MCP server’s origin`
        : `Also serve the document at ${rfc8414.url} (RFC 8414), for clients that only try that URL`;
      return v.warn(
        `Only ${chosen.url} serves the document; clients that only try RFC 8414 (${rfc8414.url}), such as 2025-06-18-era MCP clients, won't find it`,
        details,
        fix,
      );
    }
    return v.pass(`${chosen.url} serves the discovery document`, details);
  },
);

function hostnameOf(url: string): string {
  return new URL(url).hostname;
}

/** AUTH-FACTS 5. FAIL on a redirect to another host (blocking); WARN on a same-host redirect. */
export const discoveryRedirectsCheck = defineCheck(
  DISCOVERY_REDIRECTS,
  'Discovery document is served without redirects',
  (ctx, v) => {
    const chosen = ctx.discovery?.chosen;
    if (!chosen) return v.skip(NO_DOCUMENT);
    const hops = chosen.attempt.response?.redirects ?? [];
    const last = hops[hops.length - 1];
    if (!last) return v.pass(`${chosen.url} answers directly with HTTP 200`);
    const details = hops.map((h) => `${h.from} → HTTP ${h.status} → ${h.to}`);
    const cross = hops.find((h) => hostnameOf(h.from) !== hostnameOf(h.to));
    if (cross) {
      const docIssuer = str(chosen.doc, 'issuer');
      return v.fail(
        `${chosen.url} redirects to another host (${hostnameOf(cross.to)}); MCP clients that don't follow cross-host redirects can't load the metadata`,
        details,
        `Use the issuer of the final host${docIssuer ? ` (the document there says "${docIssuer}")` : ''}, or serve the document at ${chosen.url} without a redirect`,
      );
    }
    return v.warn(
      `${chosen.url} redirects (HTTP ${hops[0]?.status}) to ${last.to}; some clients don't follow redirects during discovery`,
      details,
      `Point at the final URL: configure the issuer that ${last.to} belongs to, or serve the document without a redirect`,
    );
  },
);

function isJsonMediaType(contentType: string | undefined): boolean {
  const media = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  return media === 'application/json' || (media.startsWith('application/') && media.endsWith('+json'));
}

/** AUTH-FACTS 6 (the body rules are enforced by fetchJson). FAIL on a non-JSON Content-Type; WARN over 64 KiB. */
export const discoveryContentTypeCheck = defineCheck(
  DISCOVERY_CONTENT_TYPE,
  'Discovery document is served as application/json',
  (ctx, v) => {
    const chosen = ctx.discovery?.chosen;
    const res = chosen?.attempt.response;
    if (!chosen || !res) return v.skip(NO_DOCUMENT);
    const details = [`Content-Type: ${res.contentType ?? '(none)'}`, `${res.bytes} bytes`];
    if (!isJsonMediaType(res.contentType)) {
      return v.fail(
        `${chosen.url} is served with ${res.contentType ? `Content-Type ${res.contentType}` : 'no Content-Type'}, not application/json; strict clients reject it`,
        details,
        'Serve /.well-known/* with Content-Type: application/json',
      );
    }
    if (res.bytes > DOCUMENT_WARN_BYTES) {
      return v.warn(
        `${chosen.url} is ${Math.round(res.bytes / 1024)} KiB; some clients cap metadata documents at 64 KiB`,
        details,
        'Trim the metadata document (unused algorithm lists, claims, scopes) below 64 KiB',
      );
    }
    return v.pass(`Served as ${res.contentType}, ${res.bytes} bytes`, details);
  },
);

/** AUTH-FACTS 7. WARN above 2 s, FAIL above 10 s, for the discovery document or the JWKS. */
export const discoveryLatencyCheck = defineCheck(DISCOVERY_LATENCY, 'Discovery and JWKS answer quickly', (ctx, v) => {
  const chosen = ctx.discovery?.chosen;
  if (!chosen) return v.skip(NO_DOCUMENT);
  const timings = [{ what: 'discovery', url: chosen.url, ms: chosen.attempt.elapsedMs }];
  const jwks = ctx.jwks?.fetched;
  if (jwks) timings.push({ what: 'JWKS', url: jwks.uri, ms: jwks.elapsedMs });
  const details = timings.map((t) => `${t.what} ${t.url}: ${t.ms} ms`);
  if (ctx.syntax.url?.protocol === 'http:') details.push('Plain http on a loopback address: no TLS (development only)');
  const slowest = timings.reduce((a, b) => (b.ms > a.ms ? b : a));
  const fix =
    'Check the network path to the identity provider (region, proxy, VPN) or the cold start of a self-hosted one; MCP clients such as Claude give up after 10 s';
  if (slowest.ms > LATENCY_FAIL_MS) {
    return v.fail(`The ${slowest.what} request to ${slowest.url} took ${slowest.ms} ms; MCP clients give up after 10 s`, details, fix);
  }
  if (slowest.ms > LATENCY_WARN_MS) {
    return v.warn(`The ${slowest.what} request to ${slowest.url} took ${slowest.ms} ms (over 2 s); clients may time out`, details, fix);
  }
  const jwksPart = jwks ? `, the JWKS in ${jwks.elapsedMs} ms` : '';
  return v.pass(`Discovery answered in ${chosen.attempt.elapsedMs} ms${jwksPart}`, details);
});
