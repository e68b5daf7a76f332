/**
 * Raw MCP over Streamable HTTP, just enough for doctor's probes: POST a JSON-RPC message and read
 * the response from a JSON or an SSE body, keeping status codes and headers visible (the SDK
 * client hides them, and drops top-level tool fields such as `securitySchemes`).
 */
import { fetchDocument, type FetchedDocument } from '../../issuer/http.js';
import { NetError } from '../../issuer/net-error.js';
import type { NetOptions } from '../../issuer/types.js';
import type { McpExchange, Probe } from './context.js';

/** The protocol revision doctor's `initialize` asks for (the one ChatGPT-era clients speak). */
export const PROBE_PROTOCOL_VERSION = '2025-06-18';
/** Responses of the MCP endpoint are small; cap them at 256 KiB. */
const MAX_BYTES = 256 * 1024;

/** The `initialize` request doctor sends. */
export function initializeBody(id = 1): string {
  return JSON.stringify({
    jsonrpc: '2.0',
    id,
    method: 'initialize',
    params: { protocolVersion: PROBE_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'create-fastapps-doctor', version: '1.0.0' } },
  });
}

const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

/**
 * One HTTP exchange that never throws a `NetError`: the response (any status, redirects not
 * followed) or the error. An abort through `net.signal` still rejects.
 */
export async function probe(url: string, net: NetOptions, init: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Probe> {
  try {
    const res = await fetchDocument(url, { ...net, maxBytes: net.maxBytes ?? MAX_BYTES, followRedirects: 0, accept: MCP_HEADERS.accept, method: init.method ?? 'GET', ...(init.body !== undefined ? { body: init.body } : {}), headers: init.headers ?? {} });
    return { url, res };
  } catch (error) {
    if (error instanceof NetError) return { url, error };
    throw error;
  }
}

/** POST a JSON-RPC message to the MCP endpoint with the MCP headers plus `headers`. */
export function postMcp(url: string, body: string, net: NetOptions, headers: Record<string, string> = {}): Promise<Probe> {
  return probe(url, net, { method: 'POST', body, headers: { ...MCP_HEADERS, ...headers } });
}

/** The JSON-RPC messages of a response body, JSON or SSE (`data:` lines of each event). */
export function messagesOf(res: Pick<FetchedDocument, 'contentType' | 'text'>): unknown[] {
  const type = res.contentType?.toLowerCase() ?? '';
  if (type.includes('text/event-stream')) {
    const out: unknown[] = [];
    for (const event of res.text.split(/\r?\n\r?\n/)) {
      const data = event
        .split(/\r?\n/)
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).replace(/^ /, ''))
        .join('\n');
      if (data === '') continue;
      try {
        out.push(JSON.parse(data));
      } catch {
        // Not JSON: ignored, like a client would.
      }
    }
    return out;
  }
  try {
    const value: unknown = JSON.parse(res.text);
    return Array.isArray(value) ? value : [value];
  } catch {
    return [];
  }
}

/** Reads the JSON-RPC response with `id` from a probe, or says why there is none. */
export function exchangeOf(method: string, id: number, p: Probe): McpExchange {
  if (p.error) return { method, problem: p.error.message };
  const res = p.res!;
  if (res.status !== 200) return { method, status: res.status, problem: `HTTP ${res.status}` };
  const message = messagesOf(res).find((m) => (m as { id?: unknown })?.id === id) as McpExchange['message'] | undefined;
  if (!message) return { method, status: res.status, problem: `no JSON-RPC response with id ${id} in the ${res.contentType ?? 'untyped'} body` };
  return { method, status: res.status, message };
}

/** What later requests of a session send: `Mcp-Session-Id` and `MCP-Protocol-Version`. */
export interface Session {
  headers: Record<string, string>;
}

/** The session an `initialize` response opened (stateless servers have no session id). */
export function sessionOf(initialize: Probe, auth: Record<string, string>): Session | undefined {
  const exchange = exchangeOf('initialize', 1, initialize);
  const result = exchange.message?.result as { protocolVersion?: unknown } | undefined;
  if (!result) return undefined;
  const headers: Record<string, string> = { ...auth };
  const sessionId = initialize.res?.headers['mcp-session-id'];
  if (sessionId) headers['mcp-session-id'] = sessionId;
  headers['mcp-protocol-version'] = typeof result.protocolVersion === 'string' ? result.protocolVersion : PROBE_PROTOCOL_VERSION;
  return { headers };
}

/** Sends `notifications/initialized` (servers such as the Python SDK's refuse requests before it). */
export async function notifyInitialized(url: string, session: Session, net: NetOptions): Promise<void> {
  await postMcp(url, JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }), net, session.headers);
}

/** Sends `method` with `params` in a session and returns the exchange. */
export async function request(url: string, session: Session, net: NetOptions, method: string, params: unknown, id = 2): Promise<McpExchange> {
  const p = await postMcp(url, JSON.stringify({ jsonrpc: '2.0', id, method, params }), net, session.headers);
  return exchangeOf(method, id, p);
}
