/**
 * Probes a running MCP server for the server checks, as concurrently as the dependencies allow:
 * every independent request (anonymous, bad-token, query-token and token initialize, the CORS
 * preflight, the well-known metadata URLs, the authorization server mirror) starts at once; the
 * SDK's discovery follows the challenge, and the tool probes follow the initialize they reuse.
 * Probes are read-only: `initialize`, `tools/list`, and (mixed mode) an anonymous `tools/call` of
 * a protected, non-destructive tool, which a correct server refuses.
 */
import type { NetOptions } from '../../issuer/types.js';
import {
  SERVER_AS_MIRROR,
  SERVER_BAD_TOKEN,
  SERVER_CORS,
  SERVER_SECURITY_SCHEMES,
  SERVER_SIGN_IN,
  SERVER_TOOL_CHALLENGE,
  type ServerCheckId,
} from '../ids.js';
import {
  INSPECTOR_ORIGIN,
  challengeOf,
  insertionUrl,
  protectedTools,
  rootUrl,
  type McpExchange,
  type ServerContext,
  type ServerExpectations,
  type WireTool,
} from './context.js';
import { initializeBody, notifyInitialized, postMcp, probe, request, sessionOf, type Session } from './mcp-wire.js';
import { prefetching, sdkFetch } from './sdk-fetch.js';
import { docProbe } from './doc-probe.js';

export { docProbe };

/** What `collectServer` needs. */
export interface CollectServerOptions {
  url: string;
  expect: ServerExpectations;
  /** The user's sample token, sent only to this server. */
  token?: string;
  net: NetOptions;
  /** False for checks the user skipped: their probes are not sent. */
  wants?: (id: ServerCheckId) => boolean;
}

/** A deliberately invalid bearer token. */
export const BAD_TOKEN = 'doctor-probe.not-a-token.invalid';

/** An SDK error as one line (zod errors are multi-line JSON dumps). */
export function sdkMessage(error: unknown): string {
  const issues = (error as { issues?: Array<{ path?: unknown[]; message?: string }> })?.issues;
  if (Array.isArray(issues) && issues.length > 0) {
    return `invalid metadata: ${issues.map((i) => `${(i.path ?? []).join('.') || '(document)'}: ${i.message ?? 'invalid'}`).join('; ')}`;
  }
  return ((error as Error)?.message ?? String(error)).replace(/\s+/g, ' ').trim();
}

type Sdk = typeof import('@modelcontextprotocol/sdk/client/auth.js');

/** The protocol revision the SDK's discovery announces (its LATEST_PROTOCOL_VERSION). */
const LATEST_PROTOCOL_VERSION = '2025-11-25';

/** The SDK's view: metadata discovery the way a TS MCP client does it, then resource selection and AS metadata. */
async function sdkView(sdk: Sdk, url: string, challengeUrl: string | undefined, net: NetOptions): Promise<Pick<ServerContext, 'resourceSelection' | 'authServer'> & { sdk: { doc?: Record<string, unknown>; error?: string } }> {
  const fetchFn = sdkFetch(net);
  let doc: Record<string, unknown>;
  try {
    doc = (await sdk.discoverOAuthProtectedResourceMetadata(url, challengeUrl ? { resourceMetadataUrl: challengeUrl } : undefined, fetchFn)) as Record<string, unknown>;
  } catch (error) {
    if (net.signal?.aborted) throw error;
    return { sdk: { error: sdkMessage(error) } };
  }
  let resourceSelection: ServerContext['resourceSelection'];
  try {
    // No OAuthClientProvider is involved: selectResourceURL only asks it for validateResourceURL.
    await sdk.selectResourceURL(url, {} as Parameters<Sdk['selectResourceURL']>[1], doc as Parameters<Sdk['selectResourceURL']>[2]);
    resourceSelection = { accepted: true };
  } catch (error) {
    resourceSelection = { accepted: false, error: sdkMessage(error) };
  }
  const servers = doc['authorization_servers'];
  const first = Array.isArray(servers) && typeof servers[0] === 'string' ? servers[0] : undefined;
  if (!first) return { sdk: { doc }, resourceSelection };
  try {
    // The SDK tries the well-known URLs one after another, as clients do; start them all now.
    const candidates = URL.canParse(first) ? sdk.buildDiscoveryUrls(first).map((c) => c.url.href) : [];
    const early = prefetching(fetchFn, candidates, { headers: { 'MCP-Protocol-Version': LATEST_PROTOCOL_VERSION, Accept: 'application/json' }, redirect: 'manual' });
    const as = await sdk.discoverAuthorizationServerMetadata(first, { fetchFn: early });
    return { sdk: { doc }, resourceSelection, authServer: as ? { url: first, doc: as as Record<string, unknown> } : { url: first, error: `no authorization server metadata found for ${first} at any well-known URL` } };
  } catch (error) {
    if (net.signal?.aborted) throw error;
    return { sdk: { doc }, resourceSelection, authServer: { url: first, error: sdkMessage(error) } };
  }
}

/** Picks a protected tool that is safe to call anonymously: not destructive, no required arguments first, read-only first. */
export function toolToProbe(tools: WireTool[]): WireTool | undefined {
  const required = (t: WireTool) => {
    const schema = t['inputSchema'] as { required?: unknown } | undefined;
    return Array.isArray(schema?.required) ? schema.required.length : 0;
  };
  const annotations = (t: WireTool) => (t['annotations'] ?? {}) as { readOnlyHint?: unknown; destructiveHint?: unknown };
  return protectedTools(tools)
    .filter((t) => annotations(t).destructiveHint !== true)
    .sort((a, b) => required(a) - required(b) || Number(annotations(b).readOnlyHint === true) - Number(annotations(a).readOnlyHint === true))[0];
}

async function toolsOf(url: string, session: Session, net: NetOptions): Promise<{ list?: WireTool[]; exchange: McpExchange }> {
  const exchange = await request(url, session, net, 'tools/list', {});
  const tools = (exchange.message?.result as { tools?: unknown } | undefined)?.tools;
  return Array.isArray(tools) ? { list: tools.filter((t): t is WireTool => typeof (t as WireTool)?.name === 'string'), exchange } : { exchange };
}

/** Server probes in flight. */
export interface ServerProbes {
  /** Settles when every probe has. */
  context: Promise<ServerContext>;
  /**
   * The first `authorization_servers` entry of the metadata, as soon as one well-known document (or
   * the SDK's discovery) has it: the issuer to check when the user gave none.
   */
  authorizationServer: Promise<string | undefined>;
}

/**
 * Starts probing the MCP server at `options.url`. Network failures are recorded in the probes;
 * only an abort through `net.signal` rejects.
 *
 * @example
 * const probes = startServerProbes({ url: 'https://my-app.example.com/mcp', expect: { flavor: 'auth0' }, net: { timeoutMs: 5000 } });
 * const ctx = await probes.context;
 */
export function startServerProbes(options: CollectServerOptions): ServerProbes {
  const { url, net, token } = options;
  const wants = options.wants ?? (() => true);
  const sdkModule: Promise<Sdk> = import('@modelcontextprotocol/sdk/client/auth.js');
  const body = initializeBody();
  const bearer = token ? { authorization: `Bearer ${token}` } : undefined;
  const queryUrl = `${url}${url.includes('?') ? '&' : '?'}access_token=${BAD_TOKEN}`;
  const insertion = insertionUrl(url);
  const root = rootUrl(url);

  // 1. Everything independent, at once.
  const anonymous = postMcp(url, body, net);
  const anonymousWithOrigin = wants(SERVER_CORS) ? postMcp(url, body, net, { origin: INSPECTOR_ORIGIN }) : undefined;
  const preflight = wants(SERVER_CORS)
    ? probe(url, net, {
        method: 'OPTIONS',
        headers: { origin: INSPECTOR_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, mcp-protocol-version' },
      })
    : undefined;
  const badToken = wants(SERVER_BAD_TOKEN) ? postMcp(url, body, net, { authorization: `Bearer ${BAD_TOKEN}` }) : undefined;
  const queryToken = wants(SERVER_BAD_TOKEN) ? postMcp(queryUrl, body, net) : undefined;
  const withToken = bearer ? postMcp(url, body, net, bearer) : undefined;
  const insertionDoc = docProbe(insertion, net);
  const rootDoc = root === insertion ? insertionDoc : docProbe(root, net);
  const asMirror = wants(SERVER_AS_MIRROR) ? docProbe(`${new URL(url).origin}/.well-known/oauth-authorization-server`, net) : undefined;

  // 2. What follows the anonymous answer: the challenge URL and the SDK's discovery.
  const challengeUrl = anonymous.then((a) => {
    const value = challengeOf(a)?.params['resource_metadata']?.value;
    return value && URL.canParse(value) ? value : undefined;
  });
  const challengeDoc = challengeUrl.then((u) => (u === undefined ? undefined : u === insertion ? insertionDoc : u === root ? rootDoc : docProbe(u, net)));
  // A server that did not answer at all is not asked again (each request would wait for its own timeout).
  const sdk = Promise.all([sdkModule, anonymous, challengeUrl]).then(([module, a, u]) =>
    a.error ? { sdk: { error: `the server did not answer: ${a.error.message}` } } : sdkView(module, url, u, net),
  );

  // 3. Tools: with the token, else anonymously when the server answers anonymous requests (mixed mode).
  const tools = (async (): Promise<Pick<ServerContext, 'tools' | 'toolCall'>> => {
    if (!wants(SERVER_SECURITY_SCHEMES) && !wants(SERVER_TOOL_CHALLENGE)) return {};
    const [anon, authed] = await Promise.all([anonymous, withToken]);
    const anonSession = sessionOf(anon, {});
    const tokenSession = authed && bearer ? sessionOf(authed, bearer) : undefined;
    const session = tokenSession ?? anonSession;
    if (!session) return {};
    await Promise.all([session, ...(anonSession && anonSession !== session ? [anonSession] : [])].map((s) => notifyInitialized(url, s, net)));
    const listed = await toolsOf(url, session, net);
    const result: Pick<ServerContext, 'tools' | 'toolCall'> = { tools: { auth: session === tokenSession ? 'token' : 'anonymous', ...listed } };
    if (!anonSession || !wants(SERVER_TOOL_CHALLENGE)) return result;
    const target = toolToProbe(listed.list ?? []);
    if (!target) {
      const reason = protectedTools(listed.list ?? []).length > 0 ? 'every protected tool is marked destructive' : 'no tool declares an oauth2-only securitySchemes';
      return { ...result, toolCall: { skipped: reason } };
    }
    const exchange = await request(url, anonSession, net, 'tools/call', { name: target.name, arguments: {} }, 3);
    return { ...result, toolCall: { tool: target.name, exchange } };
  })();

  // 4. A façade's own endpoints (authorization and token endpoints on the MCP origin).
  const facade = wants(SERVER_SIGN_IN) ? sdk.then((view) => facadeProbes(url, view.authServer?.doc, net)) : Promise.resolve(undefined);

  const authorizationServer = insertionDoc.then(async (ins) => {
    const fromWellKnown = firstAuthorizationServer(ins.doc) ?? firstAuthorizationServer((await rootDoc).doc);
    return fromWellKnown ?? firstAuthorizationServer((await sdk).sdk.doc);
  });
  authorizationServer.catch(() => undefined); // the caller may await only `context`
  return { context: assemble(), authorizationServer };

  async function assemble(): Promise<ServerContext> {
    const [a, ao, pf, bt, qt, wt, ins, rt, mirror, cu, cd, view, toolProbes, facadeSeen] = await Promise.all([
      anonymous,
      anonymousWithOrigin,
      preflight,
      badToken,
      queryToken,
      withToken,
      insertionDoc,
      rootDoc,
      asMirror,
      challengeUrl,
      challengeDoc,
      sdk,
      tools,
      facade,
    ]);
    const ctx: ServerContext = {
      url,
      expect: options.expect,
      anonymous: a,
      prm: { insertion: ins, ...(root !== insertion ? { root: rt } : {}), sdk: view.sdk, ...(cu ? { challengeUrl: cu } : {}), ...(cd ? { challenge: cd } : {}) },
      ...toolProbes,
    };
    if (ao) ctx.anonymousWithOrigin = ao;
    if (pf) ctx.preflight = pf;
    if (bt) ctx.badToken = bt;
    if (qt) ctx.queryToken = qt;
    if (wt) ctx.withToken = wt;
    if (mirror) ctx.asMirror = mirror;
    if (view.resourceSelection) ctx.resourceSelection = view.resourceSelection;
    if (view.authServer) ctx.authServer = view.authServer;
    if (facadeSeen) ctx.facade = facadeSeen;
    return ctx;
  }
}

/**
 * Probes the authorization and token endpoints that the metadata puts on the MCP server's own
 * origin (a façade's pass-through): a bare GET of the first, and a token request with a made-up
 * code to the second, which the provider must refuse and the façade relay. Nothing otherwise.
 */
async function facadeProbes(url: string, doc: Record<string, unknown> | undefined, net: NetOptions): Promise<ServerContext['facade']> {
  const origin = new URL(url).origin;
  const own = (value: unknown): string | undefined => (typeof value === 'string' && URL.canParse(value) && new URL(value).origin === origin ? value : undefined);
  const authorize = own(doc?.['authorization_endpoint']);
  const token = own(doc?.['token_endpoint']);
  if (!authorize && !token) return undefined;
  const form = new URLSearchParams({ grant_type: 'authorization_code', code: 'create-fastapps-doctor-probe', redirect_uri: 'https://doctor.invalid/callback', client_id: 'create-fastapps-doctor' });
  const [authorizeProbe, tokenProbe] = await Promise.all([
    authorize ? probe(authorize, net) : undefined,
    token ? probe(token, net, { method: 'POST', body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' } }) : undefined,
  ]);
  return { ...(authorizeProbe ? { authorize: authorizeProbe } : {}), ...(tokenProbe ? { token: tokenProbe } : {}) };
}

/** The first `authorization_servers` entry of a metadata probe, once it settles. */
export function firstAuthorizationServer(doc: Record<string, unknown> | undefined): string | undefined {
  const servers = doc?.['authorization_servers'];
  return Array.isArray(servers) && typeof servers[0] === 'string' ? servers[0] : undefined;
}

