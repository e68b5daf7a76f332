/**
 * `NetError`: every way a document fetch can fail, with a one-line message a user understands and a
 * fix. Also the mapping from undici's error causes (Node's global fetch) to those kinds.
 */

/** The kinds of failure `fetchDocument`/`fetchJson` report. */
export type NetErrorKind =
  | 'bad-url'
  | 'dns'
  | 'refused'
  | 'reset'
  | 'tls'
  | 'timeout'
  | 'too-many-redirects'
  | 'http-status'
  | 'html'
  | 'not-json'
  | 'not-object'
  | 'too-large'
  | 'network';

/** A failed request: `message` is one line naming the URL and what was seen; `fix` says what to do. */
export class NetError extends Error {
  readonly kind: NetErrorKind;
  /** The URL that failed (after redirects, the hop that failed). */
  readonly url: string;
  /** The HTTP status, when a response arrived. */
  readonly status: number | undefined;
  /** What to do about it, one line. */
  readonly fix: string;
  /** The low-level code (e.g. `ENOTFOUND`, `CERT_HAS_EXPIRED`), when there was one. */
  readonly code: string | undefined;

  constructor(init: { kind: NetErrorKind; url: string; message: string; fix: string; status?: number; code?: string }) {
    super(init.message);
    this.name = 'NetError';
    this.kind = init.kind;
    this.url = init.url;
    this.status = init.status;
    this.fix = init.fix;
    this.code = init.code;
  }
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

/** The `code` of an error's cause chain (undici wraps the socket error in `TypeError: fetch failed`). */
function causeCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'ERR_INVALID_ARG_TYPE') return code;
    const errors = (e as { errors?: unknown }).errors; // AggregateError from happy-eyeballs connects
    if (Array.isArray(errors) && errors.length > 0) {
      e = errors[0];
      continue;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * node:https reports a failed handshake as `EPROTO` with OpenSSL's reason buried in the message
 * (`…:SSL routines:ssl3_get_record:wrong version number:…`); this gives it the `ERR_SSL_*` name
 * OpenSSL uses (`ERR_SSL_WRONG_VERSION_NUMBER`) and the reason alone.
 */
function sslReason(err: unknown): { code: string; reason: string } | undefined {
  if (causeCode(err) !== 'EPROTO') return undefined;
  const reason = /SSL routines:[^:]*:([^:]+):/.exec(causeMessage(err))?.[1]?.trim();
  return reason ? { code: `ERR_SSL_${reason.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`, reason } : undefined;
}

/** The innermost message of an error's cause chain, on one line. */
function causeMessage(err: unknown): string {
  let e: unknown = err;
  let message = '';
  for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
    const m = (e as { message?: unknown }).message;
    if (typeof m === 'string' && m) message = m;
    e = (e as { cause?: unknown }).cause;
  }
  return message.replace(/\s+/g, ' ').trim() || 'unknown error';
}

/** True for the DOMException a timed-out `AbortSignal.timeout` produces. */
export function isTimeoutError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'TimeoutError';
}

function hostOf(url: string): string {
  return URL.canParse(url) ? new URL(url).host : url;
}

function hostnameOf(url: string): string {
  return URL.canParse(url) ? new URL(url).hostname : url;
}

/** A `timeout` NetError naming the limit. */
export function timeoutError(url: string, timeoutMs: number): NetError {
  return new NetError({
    kind: 'timeout',
    url,
    message: `${url} did not answer within ${timeoutMs} ms`,
    fix: `Check that ${hostOf(url)} is reachable from this machine (proxy, VPN, firewall); if it is only slow, raise --timeout`,
  });
}

/**
 * Turns whatever `fetch` (undici) or a body read threw into a `NetError`. `timeoutMs` names the limit
 * in the timeout message. Never includes a stack trace.
 */
export function toNetError(err: unknown, url: string, timeoutMs: number): NetError {
  if (err instanceof NetError) return err;
  if (isTimeoutError(err)) return timeoutError(url, timeoutMs);
  const host = hostOf(url);
  const handshake = sslReason(err);
  const code = handshake?.code ?? causeCode(err);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' || code === 'EAI_FAIL') {
    return new NetError({
      kind: 'dns',
      url,
      code,
      message: `Could not resolve host ${hostnameOf(url)} (DNS lookup failed for ${url})`,
      fix: 'Check the spelling of the domain; if it is right, check this machine’s DNS, proxy or VPN',
    });
  }
  if (code === 'ECONNREFUSED') {
    return new NetError({
      kind: 'refused',
      url,
      code,
      message: `Connection refused by ${host} (${url})`,
      fix: `Check the host and port; nothing is accepting connections on ${host}`,
    });
  }
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') {
    return new NetError({
      kind: 'reset',
      url,
      code,
      message: `${host} closed the connection before the response was complete (${url})`,
      fix: 'Retry; if it persists, check proxies, firewalls or TLS-intercepting middleboxes between here and the server',
    });
  }
  if (code?.startsWith('ERR_SSL')) {
    return new NetError({
      kind: 'tls',
      url,
      code,
      message: `TLS handshake with ${host} failed: ${code} (${handshake?.reason ?? causeMessage(err)})`,
      fix: 'Check the scheme and port: this port may not speak TLS (a local server usually needs http://), or it may require a newer TLS version',
    });
  }
  if (code && (TLS_CODES.has(code) || code.startsWith('CERT_') || code.startsWith('ERR_TLS'))) {
    return new NetError({
      kind: 'tls',
      url,
      code,
      message: `TLS certificate of ${host} was rejected: ${code} (${causeMessage(err)})`,
      fix: 'Serve a valid certificate chain for this host (including intermediates); for a private CA, start Node with NODE_EXTRA_CA_CERTS=/path/to/ca.pem',
    });
  }
  if (code && TIMEOUT_CODES.has(code)) return timeoutError(url, timeoutMs);
  return new NetError({
    kind: 'network',
    url,
    ...(code ? { code } : {}),
    message: `Request to ${url} failed: ${causeMessage(err)}`,
    fix: 'Check the URL and this machine’s network connection',
  });
}
