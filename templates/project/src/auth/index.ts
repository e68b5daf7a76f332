/**
 * The auth entry point: everything this server does about OAuth, behind one call, owned by
 * create-fastapps (`npx create-fastapps auth` regenerates it, so fixes reach your project):
 *
 * ```ts
 * const auth = await createAuth({ config, log, tools });
 * const serveMcp = toNodeHandler(auth.mcpHandler(mcp));          // tools/list as hosts read it
 * app.all(config.resource.pathname, ...auth.mcpRoute, serveMcp);   // CORS and the gate
 * app.use(auth.routes);                                           // metadata (and the façade)
 * ```
 *
 * It sets up the issuer (your provider, or the embedded development server), its keys and the JWT
 * verifier (or your own `verifier`), the protected resource metadata with every scope a tool needs,
 * the sign-in mode (`OAUTH_SIGN_IN`), and the gate in front of `/mcp` (tokens, scopes and their
 * hierarchy, and tools that did not declare themselves public refused to anonymous callers).
 */
import { getOAuthProtectedResourceMetadataUrl } from '@modelcontextprotocol/express';
import type { OAuthMetadata } from '@modelcontextprotocol/server';
import cors from 'cors';
import express, { type Express, type RequestHandler, type Router } from 'express';
import { TokenRejectedError, type TokenVerifier } from './access-token.js';
import type { BrokerSetup, ConsentDetails } from './broker-api.js';
import { facadeMetadata, facadeRoutes } from './facade.js';
import { authGate } from './gate.js';
import { setUpIssuer, type IssuerSetup } from './issuer.js';
import { RemoteKeySet } from './jwks.js';
import { JwtVerifier, scopeList, type TokenRules } from './jwt.js';
import { metadataRoutes } from './metadata.js';
import { setUpBroker } from './sign-in.js';
import { securitySchemes, type ToolAuth } from './tool-auth.js';
import { scopesOf, scopesSupported, type ToolDefinition } from './tools.js';
import { withTopLevelSecuritySchemes, type FetchHandler } from './top-level-schemes.js';
import { rules } from './verifier.js';
import { ConfigError, type Config } from '../config.js';
import type { Logger } from '../log.js';

export interface AuthOptions {
  config: Config;
  log: Logger;
  /** The tools this server registers (`src/tools/index.ts`): their access and scopes. */
  tools: readonly ToolDefinition[];
  /** Replaces the built-in JWT verifier (opaque tokens, introspection, ...). */
  verifier?: TokenVerifier;
  /** Shown as `resource_name` in the protected resource metadata (and on the broker's consent page). */
  resourceName: string;
  /** Replaces the broker's consent page (`OAUTH_SIGN_IN=broker`); see src/auth/broker/pages.ts. */
  consentPage?: (details: ConsentDetails) => string;
}

export interface Auth {
  /** The issuer tokens must come from: the provider's, or this server's own (broker). */
  issuer: string;
  /** The authorization server hosts sign in at: the provider's issuer, or this server's own (facade, broker). */
  hostIssuer: string;
  /** The keys tokens are verified with: the provider's, or the broker's (undefined with a custom verifier). */
  keys: RemoteKeySet | undefined;
  /** What tools register with (`registerTools`). */
  tools: ToolAuth;
  /**
   * The MCP handler as hosts should see it: `tools/list` carries each tool's `securitySchemes`
   * top level (where ChatGPT reads them) and in `_meta`, and a tool registered by hand
   * (`server.registerTool`), which the gate treats as protected, says so: `oauth2` with `OAUTH_SCOPES`.
   */
  mcpHandler(mcp: FetchHandler): FetchHandler;
  /** For the MCP endpoint, in this order before the MCP handler: CORS, then the gate. */
  mcpRoute: RequestHandler[];
  /** Protected resource metadata, the façade's metadata and pass-through endpoints, the broker's endpoints. */
  routes: Router;
  /** Wraps the app when the issuer is embedded (local provider), which parses its own bodies. */
  wrap(app: Express): Express;
  /** Mints a token with the embedded development server's keys (local provider only). */
  mintToken: IssuerSetup['mintToken'];
  close(): Promise<void>;
}

export async function createAuth({ config, log, tools, verifier, resourceName, consentPage }: AuthOptions): Promise<Auth> {
  const issuer = await setUpIssuer(config, log);
  const expect = {
    issuer: issuer.issuer,
    audiences: config.audiences.length > 0 ? config.audiences : [config.resource.href],
    // The broker's own client at the provider receives the provider's tokens.
    clientIds: config.broker ? [...new Set([...config.clientIds, config.broker.clientId])] : config.clientIds,
  };
  if (rules.requires?.includes('clientIds') && expect.clientIds.length === 0) {
    throw new ConfigError(`OAUTH_CLIENT_IDS is not set: ${rules.provider} access tokens have no audience, so set it to the app client id(s) allowed to call this server.`);
  }
  if (rules.requires?.includes('audiences') && config.audiences.length === 0) {
    throw new ConfigError(`OAUTH_AUDIENCE is not set: set it to the audience ${rules.provider} puts in access tokens for this API (see AUTH_SETUP.md).`);
  }

  // Scopes in the one form tokens are compared in (Entra: `Widgets.Read` → `api://…/Widgets.Read`).
  const qualify = (scope: string) => rules.qualifyScope?.(scope, expect) ?? scope;
  const required = config.scopes.map(qualify);
  // Both sides of every OAUTH_SCOPE_IMPLIES pair in that form too, so `Widgets.Write>Widgets.Read` works on Entra.
  const implies = new Map<string, string[]>();
  for (const [broader, narrower] of config.scopeImplies) implies.set(qualify(broader), [...new Set([...(implies.get(qualify(broader)) ?? []), ...narrower.map(qualify)])]);
  const scopes = scopesSupported(tools, required, qualify);

  // The authorization server hosts see: the provider itself (direct), or this server's façade over
  // the provider (facade), whose metadata lists what strict hosts insist on.
  let hostMetadata: OAuthMetadata = issuer.metadata;
  if (config.signIn === 'facade') {
    if (issuer.mount) throw new ConfigError('OAUTH_SIGN_IN=facade does not apply to the local provider: the embedded development server is itself the authorization server; remove OAUTH_SIGN_IN.');
    hostMetadata = facadeMetadata({ resource: config.resource, upstream: issuer.metadata, scopes, adapt: rules.facade, providerName: rules.provider });
  }

  let keys: RemoteKeySet | undefined;
  // A provider that signs in only through its user API (GitHub) has no keys and no tokens for this server.
  const userApiOnly = rules.broker?.identity === 'user-api';
  if (userApiOnly) {
    if (!config.broker) throw new ConfigError(`${rules.provider} issues no access tokens for this server: set OAUTH_SIGN_IN=broker (see AUTH_SETUP.md).`);
    verifier ??= { verify: () => Promise.reject(new TokenRejectedError(`${rules.provider} tokens are not accepted here; sign in through this server.`)) };
  } else if (!verifier || config.broker) {
    keys = new RemoteKeySet(String(issuer.metadata.jwks_uri), { timeoutMs: config.httpTimeoutMs, cooldownMs: config.jwksCooldownSeconds * 1000, log }, issuer.loadKeys);
    await keys.load();
    verifier ??= new JwtVerifier({ keys, expect, rules, algorithms: config.algorithms, clockToleranceSeconds: config.clockToleranceSeconds, log });
  }

  // The broker: this server is the authorization server hosts see; it signs users in at the
  // provider (whose tokens `verifier` checks) and issues its own, verified here with its keys.
  let broker: BrokerSetup | undefined;
  let tokenIssuer = issuer.issuer;
  // Whose tokens tool calls verify: named in messages and challenges.
  let tokenRules = rules;
  if (config.broker) {
    if (issuer.mount) throw new ConfigError('OAUTH_SIGN_IN=broker does not apply to the local provider: the embedded development server is itself the authorization server; remove OAUTH_SIGN_IN.');
    broker = await setUpBroker({
      config,
      settings: config.broker,
      log,
      upstream: issuer.metadata,
      providerVerifier: verifier,
      providerKeys: keys,
      ...(issuer.userApi ? { userApi: issuer.userApi } : {}),
      expect,
      scopes,
      required,
      implies,
      authorizeParams: rules.broker?.authorizeParams?.(expect) ?? {},
      ...(rules.broker ? { brokerRules: rules.broker } : {}),
      serverName: resourceName,
      providerName: rules.provider,
      ...(consentPage ? { consentPage } : {}),
    });
    hostMetadata = broker.metadata;
    tokenIssuer = broker.issuer;
    keys = new RemoteKeySet(String(broker.metadata.jwks_uri), { timeoutMs: config.httpTimeoutMs, cooldownMs: config.jwksCooldownSeconds * 1000, log }, broker.jwks);
    await keys.load();
    tokenRules = brokerTokenRules(rules.provider);
    verifier = new JwtVerifier({ keys, expect: { issuer: broker.issuer, audiences: [config.resource.href], clientIds: [] }, rules: tokenRules, clockToleranceSeconds: config.clockToleranceSeconds, log, typ: 'at+jwt' });
  }

  const resourceMetadataUrl = getOAuthProtectedResourceMetadataUrl(config.resource);
  const toolAuth: ToolAuth = { mode: config.authMode, scopes: required, implies, qualify, resourceMetadataUrl, provider: tokenRules.provider, issuer: tokenIssuer };
  const publicTools = new Set(tools.filter((tool) => tool.access === 'public').map((tool) => tool.name));
  const toolScopes = new Map(tools.map((tool) => [tool.name, scopesOf(tool, toolAuth)]));

  const routes = express.Router();
  routes.use(metadataRoutes({ oauthMetadata: hostMetadata, resource: config.resource, scopes, resourceName }));
  if (broker) routes.use(broker.routes());
  if (config.signIn === 'facade') {
    routes.use(facadeRoutes({ resource: config.resource, upstream: issuer.metadata, scopes, adapt: rules.facade, providerName: rules.provider, timeoutMs: config.httpTimeoutMs, log }));
  }

  return {
    issuer: tokenIssuer,
    hostIssuer: String(hostMetadata.issuer),
    keys,
    tools: toolAuth,
    mcpHandler: (mcp) => withTopLevelSecuritySchemes(mcp, securitySchemes(toolAuth, 'protected')),
    mcpRoute: [
      cors({
        exposedHeaders: ['WWW-Authenticate', 'Mcp-Session-Id'],
        allowedHeaders: ['Authorization', 'Content-Type', 'Accept', 'Mcp-Protocol-Version', 'Mcp-Session-Id', 'Last-Event-ID'],
      }),
      authGate({ verifier, mode: config.authMode, scopes: required, implies, publicTools, toolScopes, resource: config.resource, resourceMetadataUrl, log }),
    ],
    routes,
    wrap(app) {
      if (!issuer.mount) return app;
      // The embedded development issuer parses its own request bodies, so it is mounted on an
      // outer app, before the MCP app's JSON body parser.
      const root = express();
      root.disable('x-powered-by');
      issuer.mount(root);
      root.use(app);
      return root;
    },
    mintToken: issuer.mintToken,
    async close() {
      keys?.close();
      await broker?.close();
      await issuer.close?.();
    },
  };
}

/** How the broker's own access tokens look (RFC 9068): `aud` = the MCP URL, scopes in `scope`. */
function brokerTokenRules(providerName: string): TokenRules {
  return {
    provider: `this server (broker for ${providerName})`,
    algorithms: ['ES256', 'RS256', 'EdDSA'],
    checkAudience: true,
    scopes: (claims) => scopeList(claims.scope),
    clientId: (claims) => (typeof claims.client_id === 'string' ? claims.client_id : undefined),
  };
}
