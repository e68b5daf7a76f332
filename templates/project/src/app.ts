/**
 * Builds the HTTP server: protected resource metadata, the auth gate and the MCP endpoint.
 * `createServer()` does not listen, so tests and your own hosting code can mount it anywhere;
 * `startServer()` listens on `HOST:PORT`.
 */
import { createMcpExpressApp, getOAuthProtectedResourceMetadataUrl } from '@modelcontextprotocol/express';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler } from '@modelcontextprotocol/server';
import cors from 'cors';
import express, { type ErrorRequestHandler, type Express } from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TokenVerifier } from './auth/access-token.js';
import { authGate } from './auth/gate.js';
import { setUpIssuer, type IssuerSetup } from './auth/issuer.js';
import { withTopLevelSecuritySchemes } from './auth/top-level-schemes.js';
import { RemoteKeySet } from './auth/jwks.js';
import { JwtVerifier } from './auth/jwt.js';
import { facadeMetadata, facadeRoutes } from './auth/facade.js';
import { metadataRoutes } from './auth/metadata.js';
import type { ToolAuth } from './auth/tool-auth.js';
import { rules } from './auth/verifier.js';
import { ConfigError, type Config } from './config.js';
import { createLogger, type Logger } from './log.js';
import { project } from './project.js';
import { mcpServerFactory } from './server.js';

export interface CreateServerOptions {
  config: Config;
  log?: Logger;
  /** Replaces the built-in JWT verifier (opaque tokens, introspection, ...). */
  verifier?: TokenVerifier;
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
  mintToken: IssuerSetup['mintToken'];
  close(): Promise<void>;
}

export async function createServer({ config, log = createLogger(config.logLevel), verifier }: CreateServerOptions): Promise<FastAppsServer> {
  const issuer = await setUpIssuer(config, log);
  const expect = {
    issuer: issuer.issuer,
    audiences: config.audiences.length > 0 ? config.audiences : [config.resource.href],
    clientIds: config.clientIds,
  };
  if (rules.requires?.includes('clientIds') && config.clientIds.length === 0) {
    throw new ConfigError(`OAUTH_CLIENT_IDS is not set: ${rules.provider} access tokens have no audience, so set it to the app client id(s) allowed to call this server.`);
  }
  if (rules.requires?.includes('audiences') && config.audiences.length === 0) {
    throw new ConfigError(`OAUTH_AUDIENCE is not set: set it to the audience ${rules.provider} puts in access tokens for this API (see AUTH_SETUP.md).`);
  }

  // The authorization server hosts see: the provider itself (direct), or this server's façade over
  // the provider (facade), whose metadata lists what strict hosts insist on.
  let hostMetadata = issuer.metadata;
  if (config.signIn === 'facade') {
    if (issuer.mount) throw new ConfigError('OAUTH_SIGN_IN=facade does not apply to the local provider: the embedded development server is itself the authorization server; remove OAUTH_SIGN_IN.');
    hostMetadata = facadeMetadata({ resource: config.resource, upstream: issuer.metadata, scopes: config.scopes, adapt: rules.facade, providerName: rules.provider });
  }

  let keys: RemoteKeySet | undefined;
  if (!verifier) {
    keys = new RemoteKeySet(String(issuer.metadata.jwks_uri), { timeoutMs: config.httpTimeoutMs, cooldownMs: config.jwksCooldownSeconds * 1000, log }, issuer.loadKeys);
    await keys.load();
    verifier = new JwtVerifier({ keys, expect, rules, algorithms: config.algorithms, clockToleranceSeconds: config.clockToleranceSeconds, log });
  }

  const resourceMetadataUrl = getOAuthProtectedResourceMetadataUrl(config.resource);
  const toolAuth: ToolAuth = { mode: config.authMode, scopes: config.scopes, resourceMetadataUrl, provider: rules.provider, issuer: issuer.issuer };
  const mcp = createMcpHandler(mcpServerFactory(project, toolAuth), {
    onerror: (error) => log.debug(`mcp: ${error.message}`),
  });
  const serveMcp = toNodeHandler(withTopLevelSecuritySchemes(mcp));

  // Host header checks (DNS rebinding protection) admit the public host and loopback names.
  const allowedHosts = [...new Set([config.resource.hostname, 'localhost', '127.0.0.1', '[::1]', ...config.allowedHosts])];
  const app = createMcpExpressApp({ host: config.host, allowedHosts });
  app.disable('x-powered-by');
  // The MCP endpoint is registered first: its requests, the hot path, meet no other route.
  const mcpPath = config.resource.pathname;
  app.use(
    mcpPath,
    cors({
      exposedHeaders: ['WWW-Authenticate', 'Mcp-Session-Id'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Accept', 'Mcp-Protocol-Version', 'Mcp-Session-Id', 'Last-Event-ID'],
    }),
  );
  app.all(mcpPath, authGate({ verifier, mode: config.authMode, scopes: config.scopes, resource: config.resource, resourceMetadataUrl, log }), (req, res) => {
    void serveMcp(req, res, req.body);
  });
  app.use(metadataRoutes({ oauthMetadata: hostMetadata, resource: config.resource, scopes: config.scopes, resourceName: project.name }));
  if (config.signIn === 'facade') {
    app.use(facadeRoutes({ resource: config.resource, upstream: issuer.metadata, scopes: config.scopes, adapt: rules.facade, providerName: rules.provider, timeoutMs: config.httpTimeoutMs, log }));
  }
  app.use(httpErrors(log));

  // An embedded development issuer parses its own request bodies, so it is mounted on an outer
  // app, before the MCP app's JSON body parser.
  let root: Express = app;
  if (issuer.mount) {
    root = express();
    root.disable('x-powered-by');
    issuer.mount(root);
    root.use(app);
    root.use(httpErrors(log));
  }

  return {
    app: root,
    issuer: issuer.issuer,
    hostIssuer: String(hostMetadata.issuer),
    keys,
    mintToken: issuer.mintToken,
    async close() {
      keys?.close();
      await mcp.close();
      await issuer.close?.();
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
