/** Bounded JSON fetch for discovery and JWKS: a timeout, a size cap, and a one-line error. */
const MAX_BYTES = 512 * 1024;

export class FetchJsonError extends Error {
  override name = 'FetchJsonError';
}

export async function fetchJson(url: string, timeoutMs: number): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' }, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : cause ?? (error as Error).message;
    throw new FetchJsonError(`GET ${url} failed: ${reason}`);
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new FetchJsonError(`GET ${url} answered HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_BYTES) {
    await response.body?.cancel();
    throw new FetchJsonError(`GET ${url} returned ${declared} bytes, more than the ${MAX_BYTES}-byte limit`);
  }
  const text = await response.text();
  if (text.length > MAX_BYTES) throw new FetchJsonError(`GET ${url} returned more than ${MAX_BYTES} bytes`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    const looksHtml = /^\s*</.test(text);
    throw new FetchJsonError(`GET ${url} did not return JSON${looksHtml ? ' (it returned an HTML page)' : ''}`);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new FetchJsonError(`GET ${url} did not return a JSON object`);
  return body as Record<string, unknown>;
}
