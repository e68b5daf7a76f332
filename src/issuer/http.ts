/**
 * The only place that talks HTTP for the issuer checks: `fetchDocument` (redirects followed by hand
 * and recorded, one timeout covering every hop and the whole body, a streamed size cap) and
 * `fetchJson` (adds: status 200, not HTML, no BOM, a JSON object). Every failure is a `NetError`;
 * an abort through `opts.signal` (Ctrl+C) rejects with that signal's reason instead.
 *
 * It uses node:http/https rather than global fetch: fetch has to load undici first, which costs
 * about 110 ms on Node 20 (45 ms on Node 24) before the first request, on every create and doctor
 * run (bench/doctor.mjs). node:http and node:https are loaded when the first request needs them
 * (node:https brings TLS), not when this module loads, and through require(): the ES module facade
 * of a built-in reads every export once, and on Node 22 and later node:http's lazy WebSocket
 * exports load undici, the very cost fetch is avoided for.
 */
import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type { NetOptions } from './types.js';
import { NetError, timeoutError, toNetError } from './net-error.js';

export { NetError } from './net-error.js';

const load = createRequire(import.meta.url);
export type { NetErrorKind } from './net-error.js';

/** Default body size cap: 512 KiB (a discovery document is a few KiB; a JWKS rarely more than 20). */
export const DEFAULT_MAX_BYTES = 512 * 1024;
/** Default number of redirects followed. */
export const DEFAULT_MAX_REDIRECTS = 5;

/** Options of `fetchDocument` and `fetchJson`. */
export interface FetchOptions extends NetOptions {
  /** `Accept` header (default `application/json`). */
  accept?: string;
  /** HTTP method (default `GET`). */
  method?: string;
  /** How many redirects to follow (default 5); 0 returns the 3xx response itself. */
  followRedirects?: number;
  /** Request body (e.g. the registration probe's JSON). */
  body?: string;
  /** Extra request headers. */
  headers?: Record<string, string>;
}

/** One redirect that was followed. */
export interface RedirectHop {
  from: string;
  to: string;
  status: number;
}

/** A fetched document: the final response after redirects, with its whole (capped) body as text. */
export interface FetchedDocument {
  /** The URL asked for. */
  url: string;
  /** The URL that produced the response (differs from `url` after redirects). */
  finalUrl: string;
  status: number;
  /** Response headers, lower-case names. */
  headers: Record<string, string>;
  /** The `Content-Type` header, if any. */
  contentType: string | undefined;
  /** The body decoded as UTF-8; a byte order mark is kept, not stripped. */
  text: string;
  /** Body size in bytes. */
  bytes: number;
  /** Time from the first request to the end of the body, all hops included. */
  elapsedMs: number;
  /** Every redirect followed, in order. */
  redirects: RedirectHop[];
}

/** A `FetchedDocument` whose body is a JSON object. */
export interface FetchedJson extends FetchedDocument {
  json: Record<string, unknown>;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * Whole milliseconds since `started` (a `process.hrtime.bigint()`). Not `performance.now()`: the
 * first use of the `performance` global loads perf_hooks, a cost on every `create`.
 */
export function elapsedSince(started: bigint): number {
  return Math.round(Number(process.hrtime.bigint() - started) / 1e6);
}

/** Parses an absolute http(s) URL or throws a `bad-url` NetError. */
function parseHttpUrl(url: string, context: string): URL {
  if (!URL.canParse(url)) {
    throw new NetError({
      kind: 'bad-url',
      url,
      message: `${context} "${url}" is not an absolute URL`,
      fix: 'Use an absolute https:// URL',
    });
  }
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new NetError({
      kind: 'bad-url',
      url,
      message: `${context} "${url}" uses ${parsed.protocol.slice(0, -1)}:, not http(s):`,
      fix: 'Use an absolute https:// URL',
    });
  }
  return parsed;
}

function tooLarge(url: string, maxBytes: number, size?: number): NetError {
  const seen = size === undefined ? `more than ${maxBytes}` : String(size);
  return new NetError({
    kind: 'too-large',
    url,
    message: `${url} sent ${seen} bytes, over the ${maxBytes}-byte cap for this document`,
    fix: 'Point at the metadata document itself; a discovery document or JWKS is a few KiB, so this URL serves something else',
  });
}

/** A response whose body has not been read yet. */
interface RawResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: IncomingMessage;
}

/** One HTTP exchange, no redirects followed; aborting `signal` destroys the request and its body. */
async function send(url: string, init: { method: string; body: string | undefined; headers: Record<string, string>; signal: AbortSignal }): Promise<RawResponse> {
  const target = new URL(url);
  const client: typeof import('node:http') = target.protocol === 'https:' ? load('node:https') : load('node:http');
  return new Promise((resolve, reject) => {
    const request = client.request(target, { method: init.method, headers: init.headers, signal: init.signal }, (res) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      resolve({ status: res.statusCode ?? 0, headers, body: res });
    });
    request.on('error', reject);
    request.end(init.body);
  });
}

/** Reads the body as a stream, giving up past `maxBytes` (checked on Content-Length first). */
async function readCapped(res: RawResponse, url: string, maxBytes: number): Promise<{ text: string; bytes: number }> {
  const declared = Number(res.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    res.body.destroy();
    throw tooLarge(url, maxBytes, declared);
  }
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    bytes += chunk.byteLength;
    if (bytes > maxBytes) {
      res.body.destroy();
      throw tooLarge(url, maxBytes);
    }
    chunks.push(chunk);
  }
  // ignoreBOM keeps a leading U+FEFF in the text, so fetchJson can report it instead of hiding it.
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(Buffer.concat(chunks));
  return { text, bytes };
}

/**
 * Fetches `url`, following up to `followRedirects`
 * redirects itself and recording each hop. One timeout (`timeoutMs`) covers all hops and the whole
 * body, so a server that stalls mid-body times out too; the body is streamed and abandoned past
 * `maxBytes`. Any HTTP status is returned; network-level failures throw `NetError`.
 *
 * @example
 * const doc = await fetchDocument('https://acme.us.auth0.com/.well-known/openid-configuration', { timeoutMs: 5000 });
 */
export async function fetchDocument(url: string, opts: FetchOptions): Promise<FetchedDocument> {
  const started = process.hrtime.bigint();
  const maxRedirects = opts.followRedirects ?? DEFAULT_MAX_REDIRECTS;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  const redirects: RedirectHop[] = [];
  let current = parseHttpUrl(url, 'URL').href;
  let method = opts.method ?? 'GET';
  let body = opts.body;
  try {
    for (;;) {
      const res = await send(current, { method, body, headers: { accept: opts.accept ?? 'application/json', ...opts.headers }, signal });
      const location = REDIRECT_STATUSES.has(res.status) ? res.headers['location'] : undefined;
      if (location !== undefined && maxRedirects > 0) {
        res.body.destroy();
        if (redirects.length >= maxRedirects) throw tooManyRedirects(url, current, location, maxRedirects);
        const next = parseHttpUrl(new URL(location, current).href, `Redirect from ${current} to`).href;
        redirects.push({ from: current, to: next, status: res.status });
        if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
          method = 'GET';
          body = undefined;
        }
        current = next;
        continue;
      }
      const { text, bytes } = await readCapped(res, current, maxBytes);
      return {
        url,
        finalUrl: current,
        status: res.status,
        headers: res.headers,
        contentType: res.headers['content-type'],
        text,
        bytes,
        elapsedMs: elapsedSince(started),
        redirects,
      };
    }
  } catch (err) {
    if (opts.signal?.aborted) throw opts.signal.reason;
    if (timeout.aborted && !(err instanceof NetError)) throw timeoutError(current, opts.timeoutMs);
    throw toNetError(err, current, opts.timeoutMs);
  }
}

function tooManyRedirects(url: string, last: string, location: string, max: number): NetError {
  return new NetError({
    kind: 'too-many-redirects',
    url,
    message: `${url} redirected more than ${max} times (the last hop, ${last}, points to ${location})`,
    fix: 'Point at the final URL, and check the server or proxy for a redirect loop',
  });
}

/** True when the response is an HTML page (by Content-Type or by its first character). */
export function looksLikeHtml(doc: Pick<FetchedDocument, 'contentType' | 'text'>): boolean {
  const type = doc.contentType?.toLowerCase() ?? '';
  if (type.includes('text/html') || type.includes('application/xhtml')) return true;
  return /^\s*</.test(doc.text.replace(/^\uFEFF/, ''));
}

/** The `<title>` of an HTML page, trimmed to one short line. */
export function htmlTitle(html: string): string | undefined {
  const match = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html);
  if (!match?.[1]) return undefined;
  const title = match[1]
    .replace(/\s+/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .trim();
  return title ? oneLine(title, 80) : undefined;
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function htmlDescription(doc: FetchedDocument): string {
  const title = htmlTitle(doc.text);
  return title ? `an HTML page (title: "${title}")` : 'an HTML page';
}

function statusFix(status: number): string {
  if (status === 401 || status === 403) {
    return 'Exempt /.well-known/* and the JWKS URL from authentication, WAF and bot-protection rules; they must be public';
  }
  if (status === 404 || status === 410) return 'Check the issuer URL: nothing is published at this path';
  if (status === 429) return 'The server is rate-limiting this machine; wait and retry';
  if (status >= 500) return "The server failed to produce the document; retry, and check the identity provider's status or the proxy in front of it";
  if (status >= 300 && status < 400) return 'Point at the final URL the server redirects to';
  return 'Check the URL; it must answer GET with 200 and a JSON document';
}

function statusError(doc: FetchedDocument): NetError {
  const location = doc.headers['location'];
  let seen = '';
  if (doc.status >= 300 && doc.status < 400) seen = location ? ` (a redirect to ${location})` : ' (a redirect without a Location header)';
  else if (looksLikeHtml(doc)) seen = ` with ${htmlDescription(doc)}`;
  return new NetError({
    kind: 'http-status',
    url: doc.finalUrl,
    status: doc.status,
    message: `${doc.finalUrl} returned HTTP ${doc.status}${seen}; expected 200 with a JSON document`,
    fix: statusFix(doc.status),
  });
}

function describeJsonValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a JSON array';
  return `a JSON ${typeof value}`;
}

/**
 * Parses a fetched body as a JSON object, or throws `html` / `not-json` (including a UTF-8 BOM,
 * which is reported rather than stripped) / `not-object`.
 */
export function parseJsonObject(doc: FetchedDocument): Record<string, unknown> {
  const url = doc.finalUrl;
  if (looksLikeHtml(doc)) {
    throw new NetError({
      kind: 'html',
      url,
      status: doc.status,
      message: `${url} returned ${htmlDescription(doc)} instead of JSON`,
      fix: 'Route /.well-known/* to the identity provider or turn off the login/interstitial page for it',
    });
  }
  if (doc.text.startsWith('\uFEFF')) {
    throw new NetError({
      kind: 'not-json',
      url,
      status: doc.status,
      message: `${url} starts with a UTF-8 byte order mark (BOM), which strict JSON parsers reject`,
      fix: 'Serve the document without a byte order mark (save the file as UTF-8 without BOM)',
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(doc.text);
  } catch (err) {
    const reason = doc.text.trim() === '' ? 'the body is empty' : oneLine((err as Error).message, 100);
    throw new NetError({
      kind: 'not-json',
      url,
      status: doc.status,
      message: `${url} did not return valid JSON (${reason})`,
      fix: 'Serve the metadata document itself, as JSON, at this URL',
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new NetError({
      kind: 'not-object',
      url,
      status: doc.status,
      message: `${url} returned ${describeJsonValue(value)}; expected a JSON object`,
      fix: 'Serve the metadata document itself (a JSON object) at this URL',
    });
  }
  return value as Record<string, unknown>;
}

/**
 * `fetchDocument`, then requires status 200 and a body that is a JSON object (not HTML, no BOM).
 *
 * @example
 * const { json } = await fetchJson(jwksUri, { timeoutMs: 5000 });
 */
export async function fetchJson(url: string, opts: FetchOptions): Promise<FetchedJson> {
  const doc = await fetchDocument(url, { accept: 'application/json', ...opts });
  if (doc.status !== 200) throw statusError(doc);
  return { ...doc, json: parseJsonObject(doc) };
}
