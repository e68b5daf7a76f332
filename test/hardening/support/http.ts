/**
 * Raw HTTP for attacks that `fetch` cannot express (two `Authorization` header lines, headers past
 * the server's size limit), through node:http.
 */
import http from 'node:http';
import { parseChallenge } from '../../helpers/generated-server.js';

export const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'hardening', version: '1.0.0' } },
});

export interface RawRequest {
  method?: string;
  /** Appended to the MCP URL (e.g. `?access_token=…`). */
  query?: string;
  /** Header name → value, or several values for several header lines. */
  headers?: Record<string, string | string[]>;
  body?: string;
  contentType?: string;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** `WWW-Authenticate`, when present. */
  wwwAuthenticate: string | undefined;
}

/** POSTs an MCP `initialize` (or `body`) to `url` with exactly the given header lines. */
export function send(url: string, request: RawRequest = {}, agent?: http.Agent): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const body = request.body ?? INITIALIZE;
    const req = http.request(url + (request.query ?? ''), { method: request.method ?? 'POST', agent });
    req.setHeader('content-type', request.contentType ?? 'application/json');
    req.setHeader('accept', 'application/json, text/event-stream');
    req.setHeader('content-length', Buffer.byteLength(body));
    for (const [name, value] of Object.entries(request.headers ?? {})) req.setHeader(name, value);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const header = res.headers['www-authenticate'];
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), wwwAuthenticate: Array.isArray(header) ? header.join(', ') : header });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The challenge's auth-params, or an Error when it is missing or malformed. */
export function challengeOf(response: RawResponse): Record<string, string> | Error {
  try {
    return parseChallenge(response.wwwAuthenticate ?? null);
  } catch (error) {
    return error as Error;
  }
}
