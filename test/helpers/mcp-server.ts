/**
 * A small MCP resource server for doctor's `--server` tests, on 127.0.0.1 (node:http, random port):
 * by default it behaves like a correct protected server (401 + challenge, PRM at both well-known
 * URLs, CORS, `invalid_token` for bad tokens, `securitySchemes` on tools, the in-band challenge in
 * mixed mode). Each fault breaks one thing on purpose.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One deliberate defect. */
export interface McpFaults {
  /** Serve every request, without a token, as if no auth were configured (tools declare no schemes). */
  no401?: boolean;
  /** Answer 401 without a WWW-Authenticate header. */
  noChallengeHeader?: boolean;
  /** Publish this `resource` in the metadata instead of the MCP URL (`{origin}` is replaced by the server's origin). */
  prmResource?: string;
  /** Publish these `authorization_servers`. */
  authorizationServers?: string[];
  /** Enable CORS but don't expose WWW-Authenticate. */
  noCorsExpose?: boolean;
  /** Answer a bad token with HTTP 500. */
  badToken500?: boolean;
  /** Treat `?access_token=` like a header token. */
  readsQueryToken?: boolean;
  /** Tools without securitySchemes. */
  noToolSchemes?: boolean;
  /** Mixed mode: a protected tool called anonymously returns isError without `_meta["mcp/www_authenticate"]`. */
  noToolChallenge?: boolean;
  /** Serve the metadata only at this path (not at the well-known URLs); the challenge points to it. */
  prmAt?: string;
  /** Serve this document at `/.well-known/oauth-authorization-server` (a mirror). */
  asMirror?: Record<string, unknown>;
}

/** Options of `startMcpServer`. */
export interface McpServerOptions {
  /** The authorization server to name (exactly as its metadata's issuer, unless a fault says otherwise). */
  issuer: string;
  mode?: 'required' | 'mixed';
  scopes?: string[];
  /** The only bearer token accepted. */
  validToken?: string;
  faults?: McpFaults;
}

/** A running fake MCP server. */
export interface McpServer {
  /** `http://127.0.0.1:<port>/mcp`. */
  url: string;
  origin: string;
  close(): Promise<void>;
}

const CORS_ALLOW_HEADERS = 'Authorization, Content-Type, Mcp-Protocol-Version, Mcp-Session-Id';

/** Starts the server. */
export async function startMcpServer(options: McpServerOptions): Promise<McpServer> {
  const faults = options.faults ?? {};
  const mode = options.mode ?? 'required';
  const scopes = options.scopes ?? ['mcp:tools'];
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const url = `${origin}/mcp`;
  const prmUrl = faults.prmAt ? `${origin}${faults.prmAt}` : `${origin}/.well-known/oauth-protected-resource/mcp`;
  const prm = { resource: faults.prmResource?.replace('{origin}', origin) ?? url, authorization_servers: faults.authorizationServers ?? [options.issuer], scopes_supported: scopes, bearer_methods_supported: ['header'] };
  const challenge = (error?: string) => `Bearer resource_metadata="${prmUrl}"${error ? `, error="${error}", error_description="The token is not valid"` : ''}, scope="${scopes.join(' ')}"`;
  const tools = () => {
    const schemes = (access: 'public' | 'protected') => (access === 'public' && mode === 'mixed' ? [{ type: 'noauth' }] : [{ type: 'oauth2', scopes }]);
    const tool = (name: string, access: 'public' | 'protected') => ({
      name,
      inputSchema: { type: 'object', properties: {} },
      annotations: { readOnlyHint: true },
      ...(faults.noToolSchemes || faults.no401 ? {} : { securitySchemes: schemes(access), _meta: { securitySchemes: schemes(access) } }),
    });
    return [tool('hello', 'public'), tool('whoami', 'protected')];
  };

  server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', origin).pathname;
      const query = new URL(req.url ?? '/', origin).searchParams;
      const cors: Record<string, string> = req.headers.origin ? { 'access-control-allow-origin': '*', ...(faults.noCorsExpose ? {} : { 'access-control-expose-headers': 'WWW-Authenticate, Mcp-Session-Id' }) } : {};
      const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        const text = JSON.stringify(body);
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers }).end(text);
      };
      const prmPaths = faults.prmAt ? [faults.prmAt] : ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource'];
      if (prmPaths.includes(path)) return json(200, prm, { 'access-control-allow-origin': '*' });
      if (path === '/.well-known/oauth-authorization-server') return faults.asMirror ? json(200, faults.asMirror) : json(404, { error: 'not_found' });
      if (path !== '/mcp') return json(404, { error: 'not_found' });
      if (req.method === 'OPTIONS') {
        res.writeHead(204, { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS', 'access-control-allow-headers': CORS_ALLOW_HEADERS }).end();
        return;
      }
      if (req.method !== 'POST') return json(405, { error: 'method_not_allowed' }, { allow: 'POST' });
      const header = req.headers.authorization ?? (faults.readsQueryToken && query.get('access_token') ? `Bearer ${query.get('access_token')}` : undefined);
      let authed = false;
      if (header !== undefined) {
        if (header !== `Bearer ${options.validToken}`) {
          if (faults.badToken500) return json(500, { error: 'server_error' }, cors);
          return json(401, { error: 'invalid_token' }, { ...cors, 'www-authenticate': challenge('invalid_token') });
        }
        authed = true;
      } else if (mode === 'required' && !faults.no401) {
        return json(401, { error: 'unauthorized' }, { ...cors, ...(faults.noChallengeHeader ? {} : { 'www-authenticate': challenge() }) });
      }
      const message = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { id?: number; method?: string; params?: { name?: string } };
      if (message.id === undefined) {
        res.writeHead(202, cors).end();
        return;
      }
      const reply = (result: unknown) => json(200, { jsonrpc: '2.0', id: message.id, result }, cors);
      if (message.method === 'initialize') return reply({ protocolVersion: '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'fake', version: '1.0.0' } });
      if (message.method === 'tools/list') return reply({ tools: tools() });
      if (message.method === 'tools/call') {
        if (message.params?.name === 'whoami' && !authed && !faults.no401) {
          const meta = faults.noToolChallenge ? {} : { _meta: { 'mcp/www_authenticate': [`Bearer resource_metadata="${prmUrl}", error="invalid_token", error_description="Sign in to use this tool"`] } };
          return reply({ isError: true, content: [{ type: 'text', text: 'Sign in to use this tool' }], ...meta });
        }
        return reply({ content: [{ type: 'text', text: 'ok' }] });
      }
      return json(200, { jsonrpc: '2.0', id: message.id, error: { code: -32601, message: 'Method not found' } }, cors);
    });
  });

  return {
    url,
    origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
