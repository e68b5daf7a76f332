/**
 * The opt-in registration probe (AUTH-FACTS doctor item 14): POST deliberately invalid client
 * metadata to `registration_endpoint` and read the refusal. It never sends a valid body, so a
 * server that follows RFC 7591 creates no client; one that registers it anyway is reported with
 * the client it made.
 */
import { fetchDocument, NetError } from './http.js';
import type { NetOptions } from './types.js';

/** The body sent: a redirect URI that is not a URI, which every RFC 7591 server must reject. */
export const PROBE_BODY = JSON.stringify({
  redirect_uris: ['not a uri'],
  client_name: 'create-fastapps doctor probe (invalid on purpose)',
});

/**
 * `open`: 400 with `invalid_redirect_uri`/`invalid_client_metadata` (anyone may register);
 * `protected`: 401/403 (an initial access token is needed); `created`: 2xx with a registration
 * response's `client_id`, a server that registered the invalid metadata anyway (the id is kept, to
 * be deleted); `unexpected`: anything else (a page answering 200 included).
 */
export type ProbeVerdict = 'open' | 'protected' | 'created' | 'unexpected';

/** What the probe saw. */
export interface ProbeOutcome {
  url: string;
  verdict: ProbeVerdict;
  status?: number;
  /** The OAuth `error` code of the response, when it had one. */
  errorCode?: string;
  /** Its `error_description`, when it had one (Keycloak names the policy that refused). */
  errorDescription?: string;
  /** With `created`: the client id the server gave the probe's registration. */
  clientId?: string;
  error?: NetError;
}

/** The `error` and `error_description` of an OAuth error response (RFC 7591 §3.2.2), as far as they are strings. */
function oauthError(text: string): { errorCode?: string; errorDescription?: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return {};
  }
  const { error, error_description: description } = (value ?? {}) as { error?: unknown; error_description?: unknown };
  return { ...(typeof error === 'string' ? { errorCode: error } : {}), ...(typeof description === 'string' ? { errorDescription: description } : {}) };
}

/** The `client_id` of a registration response (RFC 7591 §3.2.1), if it has one. */
function createdClientId(text: string): string | undefined {
  try {
    const id = (JSON.parse(text) as { client_id?: unknown } | null)?.client_id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

/** Runs the probe; network failures are returned as `error` with verdict `unexpected`. */
export async function probeRegistration(url: string, opts: NetOptions): Promise<ProbeOutcome> {
  try {
    const res = await fetchDocument(url, {
      ...opts,
      method: 'POST',
      body: PROBE_BODY,
      headers: { 'content-type': 'application/json' },
      followRedirects: 0,
    });
    const { errorCode, errorDescription } = oauthError(res.text);
    const base = { url, status: res.status, ...(errorCode ? { errorCode } : {}), ...(errorDescription ? { errorDescription } : {}) };
    if (res.status === 400 && (errorCode === 'invalid_redirect_uri' || errorCode === 'invalid_client_metadata')) {
      return { ...base, verdict: 'open' };
    }
    if (res.status === 401 || res.status === 403) return { ...base, verdict: 'protected' };
    // Only a registration response (a client_id) made a client; a login page answering 200 did not.
    const clientId = res.status >= 200 && res.status < 300 ? createdClientId(res.text) : undefined;
    if (clientId !== undefined) return { ...base, verdict: 'created', clientId };
    return { ...base, verdict: 'unexpected' };
  } catch (err) {
    if (!(err instanceof NetError)) throw err;
    return { url, verdict: 'unexpected', error: err };
  }
}
