/**
 * Synthetic server contexts for the server checks' unit tests: a correct `required`-mode server at
 * https://mcp.example.com/mcp whose metadata names a real provider's issuer (from the discovery
 * fixtures), and small builders to break one thing at a time.
 */
import type { FetchedDocument } from '../../../src/issuer/http.js';
import { NetError } from '../../../src/issuer/net-error.js';
import type { DocProbe, Probe, ServerContext, WireTool } from '../../../src/doctor/server/context.js';
import { fixture } from '../../helpers/issuer-server.js';

export const MCP = 'https://mcp.example.com/mcp';
export const PRM_URL = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';
export const ROOT_PRM_URL = 'https://mcp.example.com/.well-known/oauth-protected-resource';
export const CHALLENGE = `Bearer resource_metadata="${PRM_URL}", scope="mcp:tools"`;

/** A response. */
export function res(status: number, headers: Record<string, string> = {}, text = '', url = MCP): FetchedDocument {
  return { url, finalUrl: url, status, headers, contentType: headers['content-type'], text, bytes: text.length, elapsedMs: 3, redirects: [] };
}

/** A probe with a response. */
export function probe(status: number, headers: Record<string, string> = {}, text = '', url = MCP): Probe {
  return { url, res: res(status, headers, text, url) };
}

/** A metadata probe answering `doc` with CORS. */
export function docProbe(url: string, doc: Record<string, unknown> | undefined, status = 200): DocProbe {
  return doc ? { url, res: res(status, { 'content-type': 'application/json', 'access-control-allow-origin': '*' }, JSON.stringify(doc), url), doc } : { url, res: res(status, {}, '{"error":"not_found"}', url) };
}

/** A transport failure. */
export function refused(url = MCP): Probe {
  return { url, error: new NetError({ kind: 'refused', url, code: 'ECONNREFUSED', message: `Connection refused by mcp.example.com (${url})`, fix: 'Check the host and port; nothing is accepting connections on mcp.example.com' }) };
}

/** A tool with `securitySchemes` at the top level and in `_meta`. */
export function tool(name: string, schemes: unknown[] | undefined): WireTool {
  return { name, inputSchema: { type: 'object' }, ...(schemes ? { securitySchemes: schemes, _meta: { securitySchemes: schemes } } : {}) };
}

const CORS_PREFLIGHT = { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'Authorization, Content-Type, Mcp-Protocol-Version, Mcp-Session-Id' };
const CORS_ACTUAL = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'WWW-Authenticate, Mcp-Session-Id' };

/** A correct required-mode server whose metadata names the issuer of `asFixture` (default Auth0's). */
export function goodServer(asFixture = 'auth0-tenant'): ServerContext {
  const as = fixture(asFixture);
  const issuer = String(as['issuer']);
  const prm = { resource: MCP, authorization_servers: [issuer], scopes_supported: ['mcp:tools'], bearer_methods_supported: ['header'] };
  return {
    url: MCP,
    expect: { flavor: 'generic', scopes: ['mcp:tools'] },
    anonymous: probe(401, { 'www-authenticate': CHALLENGE, 'content-type': 'application/json' }, '{"error":"unauthorized"}'),
    anonymousWithOrigin: probe(401, { 'www-authenticate': CHALLENGE, ...CORS_ACTUAL }),
    preflight: probe(204, CORS_PREFLIGHT),
    badToken: probe(401, { 'www-authenticate': `Bearer error="invalid_token", error_description="Token is invalid", resource_metadata="${PRM_URL}"` }),
    queryToken: probe(401, { 'www-authenticate': CHALLENGE }),
    prm: { challengeUrl: PRM_URL, challenge: docProbe(PRM_URL, prm), insertion: docProbe(PRM_URL, prm), root: docProbe(ROOT_PRM_URL, prm), sdk: { doc: prm } },
    resourceSelection: { accepted: true },
    authServer: { url: issuer, doc: as },
    asMirror: docProbe('https://mcp.example.com/.well-known/oauth-authorization-server', undefined, 404),
  };
}

/** The correct server with its metadata document replaced everywhere. */
export function withPrm(ctx: ServerContext, prm: Record<string, unknown>): ServerContext {
  return { ...ctx, prm: { challengeUrl: PRM_URL, challenge: docProbe(PRM_URL, prm), insertion: docProbe(PRM_URL, prm), root: docProbe(ROOT_PRM_URL, prm), sdk: { doc: prm } } };
}

/** A mixed-mode server: anonymous initialize answers 200, tools listed anonymously. */
export function mixedServer(tools: WireTool[], toolCall?: ServerContext['toolCall']): ServerContext {
  const base = goodServer();
  return {
    ...base,
    anonymous: probe(200, { 'content-type': 'text/event-stream' }, 'event: message\ndata: {"jsonrpc":"2.0","id":1,"result":{}}\n\n'),
    anonymousWithOrigin: probe(200, CORS_ACTUAL),
    queryToken: probe(200, {}),
    tools: { auth: 'anonymous', list: tools, exchange: { method: 'tools/list', status: 200 } },
    ...(toolCall ? { toolCall } : {}),
  };
}
