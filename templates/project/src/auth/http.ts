/**
 * Bounded JSON fetch for discovery and JWKS: one timeout for the whole exchange (headers and
 * body), a size cap enforced while the body streams in (a provider, or whatever answers in its
 * place, cannot make this server buffer more than 512 KiB), no redirects, and every failure as a
 * one-line `FetchJsonError`.
 */
const MAX_BYTES = 512 * 1024;

export class FetchJsonError extends Error {
  override name = 'FetchJsonError';
}

function reasonOf(error: unknown, timeoutMs: number): string {
  if ((error as Error).name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

async function readCapped(response: Response, url: string, timeoutMs: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_BYTES) {
    await response.body?.cancel().catch(() => undefined);
    throw new FetchJsonError(`GET ${url} returned ${declared} bytes, more than the ${MAX_BYTES}-byte limit`);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (bytes > MAX_BYTES) {
        await reader.cancel().catch(() => undefined);
        throw new FetchJsonError(`GET ${url} returned more than ${MAX_BYTES} bytes`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof FetchJsonError) throw error;
    throw new FetchJsonError(`GET ${url} failed while reading the body: ${reasonOf(error, timeoutMs)}`);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function fetchJson(url: string, timeoutMs: number): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' }, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new FetchJsonError(`GET ${url} failed: ${reasonOf(error, timeoutMs)}`);
  }
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => undefined);
    throw new FetchJsonError(`GET ${url} answered HTTP ${response.status}`);
  }
  const text = await readCapped(response, url, timeoutMs);
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
