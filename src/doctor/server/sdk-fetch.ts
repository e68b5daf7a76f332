/**
 * A `fetch` for the MCP SDK's discovery functions that goes through doctor's own HTTP layer, so
 * the SDK's requests get the same timeout, size cap and clear `NetError` messages as every other
 * request, while the SDK keeps deciding what to fetch and how to judge it (redirects included:
 * it asks for `redirect: 'manual'` and follows same-origin hops itself).
 */
import { DEFAULT_MAX_REDIRECTS, fetchDocument } from '../../issuer/http.js';
import type { NetOptions } from '../../issuer/types.js';

/** The fetch signature the SDK accepts as `fetchFn`. */
export type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;

function headerRecord(headers: ConstructorParameters<typeof Headers>[0]): Record<string, string> {
  const out: Record<string, string> = {};
  new Headers(headers).forEach((value, name) => {
    out[name] = value;
  });
  return out;
}

const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * Wraps `fetchDocument` as a `fetch`: the response is fully read (capped) and handed back as a
 * `Response`; network failures reject with a `NetError`.
 */
export function sdkFetch(net: NetOptions): FetchLike {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input.href;
    const headers = headerRecord(init?.headers);
    const manual = init?.redirect === 'manual' || init?.redirect === 'error';
    const doc = await fetchDocument(url, {
      ...net,
      method: init?.method ?? 'GET',
      ...(typeof init?.body === 'string' ? { body: init.body } : {}),
      accept: headers['accept'] ?? 'application/json',
      headers,
      followRedirects: manual ? 0 : DEFAULT_MAX_REDIRECTS,
    });
    return new Response(NULL_BODY.has(doc.status) ? null : doc.text, { status: doc.status, headers: doc.headers });
  };
}

/**
 * A `fetch` that has already started GET requests for `urls` (with `init`) and answers the first
 * request for each from that head start: the SDK's sequential discovery then costs one round trip
 * instead of one per candidate URL, while the SDK still decides which answer counts.
 */
export function prefetching(fetchFn: FetchLike, urls: string[], init: RequestInit): FetchLike {
  const started = new Map<string, Promise<Response>>();
  for (const url of urls) {
    const pending = fetchFn(url, init);
    pending.catch(() => undefined); // reported when (if) the SDK asks for it
    started.set(url, pending);
  }
  return (input, requestInit) => {
    const url = typeof input === 'string' ? input : input.href;
    const method = (requestInit?.method ?? 'GET').toUpperCase();
    const early = method === 'GET' ? started.get(url) : undefined;
    if (early) {
      started.delete(url);
      return early;
    }
    return fetchFn(input, requestInit);
  };
}
