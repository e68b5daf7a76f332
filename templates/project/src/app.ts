/**
 * Builds the HTTP server: the MCP endpoint behind the auth gate, and what auth serves beside it
 * (protected resource metadata, the façade or the embedded development issuer). Everything about
 * OAuth is `createAuth` in `src/auth/index.ts`, which `npx create-fastapps auth` keeps up to date;
 * this file is yours. `createServer()` does not listen, so tests and your own hosting code can
 * mount it anywhere; `startServer()` listens on `HOST:PORT`.
 */
import { createMcpExpressApp } from '@modelcontextprotocol/express';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler } from '@modelcontextprotocol/server';
import type { ErrorRequestHandler, Express } from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TokenVerifier } from './auth/access-token.js';
import { createAuth, type Auth, type AuthOptions } from './auth/index.js';
import type { RemoteKeySet } from './auth/jwks.js';
import type { Config } from './config.js';
import { createLogger, type Logger } from './log.js';
import { project } from './project.js';
import { mcpServerFactory } from './server.js';
import { tools } from './tools/index.js';

export interface CreateServerOptions {
  config: Config;
  log?: Logger;
  /** Replaces the built-in JWT verifier (opaque tokens, introspection, ...). */
  verifier?: TokenVerifier;
  /** Your own consent page for the broker sign-in (`OAUTH_SIGN_IN=broker`): see `ConsentDetails` in src/auth/broker-api.ts. */
  consentPage?: AuthOptions['consentPage'];
}

export interface FastAppsServer {
  app: Express;
  /** The issuer tokens must come from. */
  issuer: string;
  /** The authorization server hosts sign in at: the provider's issuer, or this server's own (facade). */
  hostIssuer: string;
  /** The provider's signing keys (undefined with a custom verifier). */
  keys: RemoteKeySet | undefined;
  /** Mints a token with the embedded development server's keys (local provider only). */
  mintToken: Auth['mintToken'];
  close(): Promise<void>;
}

export async function createServer({ config, log = createLogger(config.logLevel), verifier, consentPage }: CreateServerOptions): Promise<FastAppsServer> {
  const auth = await createAuth({ config, log, tools, resourceName: project.name, ...(verifier ? { verifier } : {}), ...(consentPage ? { consentPage } : {}) });
  const mcp = createMcpHandler(mcpServerFactory(project, auth.tools), {
    onerror: (error) => log.debug(`mcp: ${error.message}`),
  });
  // tools/list as hosts read it: every tool's securitySchemes, a hand-registered one's included.
  const serveMcp = toNodeHandler(auth.mcpHandler(mcp));

  // Host header checks (DNS rebinding protection) admit the public host and loopback names.
  const allowedHosts = [...new Set([config.resource.hostname, 'localhost', '127.0.0.1', '[::1]', ...config.allowedHosts])];
  const app = createMcpExpressApp({ host: config.host, allowedHosts });
  app.disable('x-powered-by');
  // The MCP endpoint is registered first: its requests, the hot path, meet no other route.
  app.all(config.resource.pathname, ...auth.mcpRoute, (req, res) => {
    void serveMcp(req, res, req.body);
  });
  app.use(auth.routes);
  app.use(httpErrors(log));
  const root = auth.wrap(app);
  if (root !== app) root.use(httpErrors(log));

  return {
    app: root,
    issuer: auth.issuer,
    hostIssuer: auth.hostIssuer,
    keys: auth.keys,
    mintToken: auth.mintToken,
    async close() {
      await mcp.close();
      await auth.close();
    },
  };
}

/**
 * Errors that reach Express (a body that is not JSON, or over the 100 KB limit, …) get a JSON-RPC
 * error, never Express's default HTML page, which carries a stack trace outside production. The
 * log gets one line (a stack only for a 5xx, which is a bug), and never the request body (it may
 * hold a token).
 */
function httpErrors(log: Logger): ErrorRequestHandler {
  return (error: { status?: unknown; type?: unknown; message?: unknown; stack?: unknown }, req, res, _next) => {
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 600 ? error.status : 500;
    const message = status === 400 && error.type === 'entity.parse.failed' ? 'Parse error' : status === 413 ? 'Request body too large' : status < 500 ? 'Invalid request' : 'Internal error';
    // A 4xx is the client's mistake: one debug line. A 5xx is a bug here: its stack helps.
    if (status >= 500) log.error(`http: ${req.method} ${req.path} failed: ${typeof error?.stack === 'string' ? error.stack : String(error?.message ?? error)}`);
    else log.debug(`http: ${req.method} ${req.path} answered ${status}: ${message}`);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(status).json({ jsonrpc: '2.0', error: { code: message === 'Parse error' ? -32700 : status < 500 ? -32600 : -32603, message }, id: null });
  };
}

export interface RunningServer extends FastAppsServer {
  server: Server;
  /** The address actually bound, e.g. http://127.0.0.1:3000. */
  address: string;
}

export async function startServer(options: CreateServerOptions): Promise<RunningServer> {
  const created = await createServer(options);
  const { config } = options;
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = created.app.listen(config.port, config.host, (error?: Error) => (error ? reject(error) : resolve(listening)));
  });
  const { port } = server.address() as AddressInfo;
  return {
    ...created,
    server,
    address: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await created.close();
    },
  };
}
