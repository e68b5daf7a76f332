/** Starts this project's server in-process on a free loopback port, configured like production. */
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { startServer, type CreateServerOptions, type RunningServer } from '../../src/app.js';
import { readConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';

export async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export interface TestServer extends RunningServer {
  /** The MCP endpoint, e.g. http://127.0.0.1:40123/mcp. */
  mcpUrl: string;
  /** Log lines the server wrote. */
  logs: string[];
}

/** `env` receives the MCP URL the server will have, for settings that depend on it (audience); `options` go to createServer. */
export async function startTestServer(env: (mcpUrl: string) => Record<string, string>, options: Omit<CreateServerOptions, 'config' | 'log'> = {}): Promise<TestServer> {
  const port = await freePort();
  const mcpUrl = `http://127.0.0.1:${port}/mcp`;
  const config = readConfig({ PORT: String(port), HOST: '127.0.0.1', MCP_RESOURCE_URL: mcpUrl, LOG_LEVEL: 'debug', ...env(mcpUrl) });
  const logs: string[] = [];
  const running = await startServer({ ...options, config, log: createLogger(config.logLevel, (line) => logs.push(line)) });
  return Object.assign(running, { mcpUrl, logs });
}

/** A raw MCP `initialize` POST, to look at status codes and headers. */
export function initialize(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'test', version: '1.0.0' } },
    }),
  });
}

/** Parses `Bearer a="1", b="2"` into its auth-params; throws on anything malformed. */
export function parseChallenge(header: string | null): Record<string, string> {
  if (!header) throw new Error('no WWW-Authenticate header');
  const match = /^Bearer (.*)$/.exec(header);
  if (!match) throw new Error(`not a Bearer challenge: ${header}`);
  const params: Record<string, string> = {};
  const re = /\s*([a-z_]+)="((?:[^"\\]|\\.)*)"\s*(,|$)/gy;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(match[1]!)) !== null) {
    params[m[1]!] = m[2]!.replace(/\\(.)/g, '$1');
    consumed = re.lastIndex;
    if (m[3] === '') break;
  }
  if (consumed !== match[1]!.length) throw new Error(`malformed challenge: ${header}`);
  return params;
}
