/**
 * Authorization server metadata discovery the way MCP 2025-11-25+ clients do it: every candidate
 * well-known URL fetched at once, the first valid one in client order chosen.
 */
import { elapsedSince, fetchJson, NetError, type FetchedDocument } from './http.js';
import type { NetOptions } from './types.js';

/**
 * `oauth`: RFC 8414 `/.well-known/oauth-authorization-server` (inserted before the issuer path);
 * `oidc-insert`: `/.well-known/openid-configuration` inserted before the path;
 * `oidc`: OIDC Discovery, `{issuer}/.well-known/openid-configuration` (appended).
 * An issuer without a path has only `oauth` and `oidc`.
 */
export type CandidateKind = 'oauth' | 'oidc-insert' | 'oidc';

/** A well-known URL a client tries. */
export interface DiscoveryCandidate {
  url: string;
  kind: CandidateKind;
}

/** The outcome of fetching one candidate. */
export interface DiscoveryAttempt extends DiscoveryCandidate {
  /** The candidate answered 200 with a JSON object. */
  ok: boolean;
  doc?: Record<string, unknown>;
  /** The response (status, headers, redirects, size), when one arrived and was readable. */
  response?: FetchedDocument;
  error?: NetError;
  elapsedMs: number;
}

/** The chosen document: the first valid candidate in client order. */
export interface ChosenDocument {
  url: string;
  doc: Record<string, unknown>;
  attempt: DiscoveryAttempt;
}

/** Every attempt, in client order, and the chosen document if any. */
export interface DiscoveryResult {
  attempts: DiscoveryAttempt[];
  chosen?: ChosenDocument;
}

/**
 * The candidate URLs in MCP 2025-11-25 client order. A trailing "/" on the issuer path is removed
 * before inserting (RFC 8414 §3.1), so `https://x.auth0.com/` has no path.
 *
 * @example
 * discoveryCandidates('https://auth.example.com/tenant1').map((c) => c.url)
 * // ['https://auth.example.com/.well-known/oauth-authorization-server/tenant1',
 * //  'https://auth.example.com/.well-known/openid-configuration/tenant1',
 * //  'https://auth.example.com/tenant1/.well-known/openid-configuration']
 */
export function discoveryCandidates(issuer: string): DiscoveryCandidate[] {
  const url = new URL(issuer.trim());
  const path = url.pathname.replace(/\/+$/, '');
  const origin = url.origin;
  if (path === '') {
    return [
      { url: `${origin}/.well-known/oauth-authorization-server`, kind: 'oauth' },
      { url: `${origin}/.well-known/openid-configuration`, kind: 'oidc' },
    ];
  }
  return [
    { url: `${origin}/.well-known/oauth-authorization-server${path}`, kind: 'oauth' },
    { url: `${origin}/.well-known/openid-configuration${path}`, kind: 'oidc-insert' },
    { url: `${origin}${path}/.well-known/openid-configuration`, kind: 'oidc' },
  ];
}

/** Fetches one candidate; network and format failures become the attempt's `error`. */
async function attempt(candidate: DiscoveryCandidate, opts: NetOptions): Promise<DiscoveryAttempt> {
  const started = process.hrtime.bigint();
  try {
    const res = await fetchJson(candidate.url, opts);
    const { json, ...response } = res;
    return { ...candidate, ok: true, doc: json, response, elapsedMs: res.elapsedMs };
  } catch (err) {
    if (!(err instanceof NetError)) throw err; // cancelled: propagate
    return { ...candidate, ok: false, error: err, elapsedMs: elapsedSince(started) };
  }
}

/** A discovery in flight: `chosen` settles as soon as the winner is known, `done` when all have. */
export interface DiscoveryInFlight {
  chosen: Promise<ChosenDocument | undefined>;
  done: Promise<DiscoveryResult>;
}

/** A discovery started ahead of the checks (doctor's argument, while doctor loads), for `collectContext` to take over. */
export interface PrefetchedDiscovery {
  issuer: string;
  timeoutMs: number;
  inFlight: DiscoveryInFlight;
}

/**
 * Starts fetching every candidate concurrently. `chosen` resolves as soon as the first valid
 * candidate in client order is known (without waiting for later ones), so dependent requests such as
 * the JWKS can start early. Both promises reject only when `opts.signal` aborts.
 */
export function startDiscovery(issuer: string, opts: NetOptions): DiscoveryInFlight {
  const pending = discoveryCandidates(issuer).map((c) => attempt(c, opts));
  const chosen = (async () => {
    for (const p of pending) {
      const a = await p;
      if (a.ok && a.doc) return { url: a.url, doc: a.doc, attempt: a };
    }
    return undefined;
  })();
  const done = Promise.all(pending).then(async (attempts) => {
    const winner = await chosen;
    return winner ? { attempts, chosen: winner } : { attempts };
  });
  chosen.catch(() => undefined); // the caller may await only `done`; don't report the rejection twice
  return { chosen, done };
}

/**
 * Fetches all candidates concurrently (total time ≈ the slowest one) and returns every attempt plus
 * the first valid one in client order.
 */
export function discover(issuer: string, opts: NetOptions): Promise<DiscoveryResult> {
  return startDiscovery(issuer, opts).done;
}
