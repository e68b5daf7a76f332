/**
 * The one-call tool API. A tool says in one place whether it is public or protected, and which
 * scopes of its own it needs beyond `OAUTH_SCOPES`; from that come its `securitySchemes` (top level
 * and in `_meta`, for ChatGPT), its challenges (in-band for ChatGPT, a 403 step-up for hosts that
 * follow the MCP spec, one challenge naming every scope the call needs), its place in the protected
 * resource metadata's `scopes_supported`, and what its handler receives: the verified
 * `AccessToken` and the host's client context.
 *
 * ```ts
 * export const orders = protectedTool(
 *   { name: 'orders', title: 'My orders', description: 'Lists your orders.', scopes: ['read:orders'] },
 *   async (_args, { token }) => ({ content: [{ type: 'text', text: `Orders of ${token.subject}` }] }),
 * );
 * ```
 *
 * List the tool in `src/tools/index.ts`. A tool registered any other way (`server.registerTool`)
 * is protected in every auth mode: anonymous calls of it are refused where the request comes in
 * (see `gate.ts`), whatever its handler does, and `tools/list` shows it as `oauth2` with
 * `OAUTH_SCOPES`.
 *
 * Which challenge a host gets for a protected tool (the scopes named are always every scope the
 * call needs, `OAUTH_SCOPES` and the tool's own, in one `scope="…"`):
 *
 * - Anonymous call, `mixed` mode: the in-band challenge, an HTTP 200 tool result with
 *   `isError: true` and `_meta["mcp/www_authenticate"]` (`error="invalid_token"`). This is the
 *   path ChatGPT documents: it shows "Connect" and signs the user in. Answered by the gate before
 *   the handler runs (a batch of calls gets an HTTP 401 instead).
 * - Anonymous call, `required` mode: HTTP 401 with `WWW-Authenticate` (no `error`), as for any
 *   request without a token; every host starts its sign-in from it.
 * - A valid token lacking a scope the call needs (in either mode): HTTP 403
 *   `insufficient_scope`, the step-up challenge of the MCP spec (Claude, VS Code and the SDK
 *   client with an auth provider ask for the scopes and retry). The gate answers it, and the
 *   SDK's per-tool scope check (`scopeChallenge`) would answer the same, both before the handler
 *   runs, so a handler never sees such a call and no in-band `insufficient_scope` result is sent
 *   for it; ChatGPT documents only the in-band path, so let hosts ask for every scope at sign-in
 *   (`scopes_supported` lists them).
 * - A bad token (expired, wrong audience, …): HTTP 401 `invalid_token`.
 *
 * `requireAccess` (tool-auth.ts) answers in-band, for a handler that checks scopes of its own.
 */
import { registerAppTool } from '@modelcontextprotocol/ext-apps/server';
import type { CallToolResult, McpServer, ServerContext } from '@modelcontextprotocol/server';
import type { z } from 'zod';
import type { AccessToken } from './access-token.js';
import { missingScopes } from './scopes.js';
import { accessTokenOf, clientContextOf, requireAccess, securitySchemes, type ClientContext, type ToolAuth } from './tool-auth.js';
import { registerWidgetResource, widgetToolMeta, type Widget } from '../widgets/widget.js';

type InputSchema = z.ZodObject<z.ZodRawShape>;
type Args<S> = S extends InputSchema ? z.infer<S> : Record<string, never>;

export interface ToolSpec<S extends InputSchema | undefined> {
  /** The tool's name (letters, digits, `_`, `-`). */
  name: string;
  title: string;
  description: string;
  /** The arguments, as a zod object; none when omitted. */
  inputSchema?: S;
  annotations?: { readOnlyHint?: boolean; destructiveHint?: boolean; idempotentHint?: boolean; openWorldHint?: boolean };
  /** A widget (MCP Apps UI) the host renders with the result. */
  widget?: Widget;
}

export interface ToolCall<T> {
  /** The verified access token (undefined for an anonymous call of a public tool in `mixed` mode). */
  token: T;
  /** What the host says about the user's client (locale, location, user agent). */
  client: ClientContext;
  /** Who issued the token, for display (`provider`, `issuer`). */
  auth: ToolAuth;
  /** The SDK's request context. */
  ctx: ServerContext;
}

export type ToolHandler<S, T> = (args: Args<S>, call: ToolCall<T>) => CallToolResult | Promise<CallToolResult>;

export interface ToolDefinition {
  name: string;
  access: 'public' | 'protected';
  /** Scopes this tool needs beyond `OAUTH_SCOPES` (protected tools). */
  scopes: readonly string[];
  /** Registers the tool (and its widget) on a server. */
  register(server: McpServer, auth: ToolAuth): void;
}

/** The scopes a call of `tool` needs: `OAUTH_SCOPES` and the tool's own, once each. */
export function scopesOf(tool: ToolDefinition, auth: Pick<ToolAuth, 'scopes' | 'qualify'>): string[] {
  const qualify = auth.qualify ?? ((scope: string) => scope);
  return tool.access === 'public' ? [] : [...new Set([...auth.scopes, ...tool.scopes].map(qualify))];
}

/** Every scope any tool needs, for `scopes_supported` (never `offline_access`). */
export function scopesSupported(tools: readonly ToolDefinition[], scopes: readonly string[], qualify: (scope: string) => string = (scope) => scope): string[] {
  return [...new Set([...scopes, ...tools.flatMap((tool) => tool.scopes)].map(qualify))].filter((scope) => scope !== 'offline_access');
}

/** A tool anyone may call (in `mixed` mode; in `required` mode every call needs a token). */
export function publicTool<S extends InputSchema | undefined = undefined>(spec: ToolSpec<S>, handler: ToolHandler<S, AccessToken | undefined>): ToolDefinition {
  return define(spec, 'public', [], handler as ToolHandler<S, AccessToken | undefined>);
}

/** A tool that needs a signed-in caller with `OAUTH_SCOPES` and `scopes`. */
export function protectedTool<S extends InputSchema | undefined = undefined>(spec: ToolSpec<S> & { scopes?: string[] }, handler: ToolHandler<S, AccessToken>): ToolDefinition {
  return define(spec, 'protected', spec.scopes ?? [], handler as ToolHandler<S, AccessToken | undefined>);
}

/** Registers every tool of `tools` on `server`. */
export function registerTools(server: McpServer, auth: ToolAuth, tools: readonly ToolDefinition[]): void {
  for (const tool of tools) tool.register(server, auth);
}

function define<S extends InputSchema | undefined>(spec: ToolSpec<S>, access: 'public' | 'protected', own: string[], handler: ToolHandler<S, AccessToken | undefined>): ToolDefinition {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(spec.name)) throw new Error(`tool name ${JSON.stringify(spec.name)}: use 1 to 64 letters, digits, _ or -`);
  const definition: ToolDefinition = {
    name: spec.name,
    access,
    scopes: own,
    register(server, auth) {
      const needed = scopesOf(definition, auth);
      // A public tool in `required` mode still needs a token with OAUTH_SCOPES, and says so.
      const meta = { ...(spec.widget ? widgetToolMeta(spec.widget) : {}), securitySchemes: securitySchemes(auth, access, access === 'public' ? auth.scopes : needed) };
      const config = { title: spec.title, description: spec.description, ...(spec.inputSchema ? { inputSchema: spec.inputSchema } : {}), ...(spec.annotations ? { annotations: spec.annotations } : {}), _meta: meta };
      const callback = async (...params: unknown[]): Promise<CallToolResult> => {
        const ctx = params[params.length - 1] as ServerContext;
        const args = (spec.inputSchema ? params[0] : {}) as Args<S>;
        if (access === 'public') return handler(args, { token: accessTokenOf(ctx), client: clientContextOf(ctx), auth, ctx });
        const granted = requireAccess(ctx, auth, needed);
        if ('challenge' in granted) return granted.challenge;
        return handler(args, { token: granted.token, client: clientContextOf(ctx), auth, ctx });
      };
      if (spec.widget) registerWidgetResource(server, spec.widget);
      const tool = spec.widget ? registerAppTool(server, spec.name, config as never, callback as never) : server.registerTool(spec.name, config as never, callback as never);
      // Hosts that follow the MCP spec (Claude, VS Code, the SDK client) step up on a 403
      // insufficient_scope naming every scope the call needs; broader scopes count (scopes.ts).
      const [first, ...rest] = needed;
      if (first !== undefined) {
        const challenge = { scopes: [first, ...rest] as [string, ...string[]] };
        tool.update({ scopeChallenge: ({ authInfo }) => (authInfo && missingScopes(authInfo.scopes, needed, auth.implies ?? new Map()).length > 0 ? challenge : undefined) });
      }
    },
  };
  return definition;
}
