/**
 * ChatGPT reads a tool's `securitySchemes` as a top-level field of `tools/list` (with
 * `_meta.securitySchemes` as the back-compat mirror), but `McpServer` only emits the fields of the
 * MCP tool schema. This wraps the HTTP handler and, for `tools/list` responses only, copies each
 * tool's `_meta.securitySchemes` to the top level. A tool that declares none (registered by hand
 * with `server.registerTool`, which the gate treats as protected) gets `defaults`, top level and
 * in `_meta`, so it is advertised as what it is. It works on the wire format (JSON or SSE), not on
 * SDK internals, and leaves anything it cannot parse untouched.
 *
 * `createAuth(…).mcpHandler(mcp)` applies it with the defaults of this server's auth mode and
 * scopes; `withTopLevelSecuritySchemes(mcp)` alone (as an `app.ts` from before createAuth calls
 * it) only copies what the tools declare.
 */
import type { SecurityScheme } from './tool-auth.js';

export interface FetchHandler {
  fetch(request: Request, options?: { parsedBody?: unknown; authInfo?: unknown }): Promise<Response>;
}

type Message = { result?: { tools?: Array<Record<string, unknown> & { _meta?: Record<string, unknown> }> } };

function lift(message: Message, defaults: readonly SecurityScheme[] | undefined): Message {
  for (const tool of message.result?.tools ?? []) {
    const schemes = tool._meta?.securitySchemes ?? tool.securitySchemes ?? defaults;
    if (schemes === undefined) continue;
    if (tool._meta?.securitySchemes === undefined) tool._meta = { ...tool._meta, securitySchemes: schemes };
    if (tool.securitySchemes === undefined) tool.securitySchemes = schemes;
  }
  return message;
}

async function liftResponse(response: Response, defaults: readonly SecurityScheme[] | undefined): Promise<Response> {
  const type = response.headers.get('content-type') ?? '';
  const text = await response.text();
  let body = text;
  try {
    if (type.includes('text/event-stream')) {
      body = text.replace(/^data: (.+)$/gm, (_line, json: string) => `data: ${JSON.stringify(lift(JSON.parse(json) as Message, defaults))}`);
    } else if (type.includes('application/json')) {
      body = JSON.stringify(lift(JSON.parse(text) as Message, defaults));
    }
  } catch {
    body = text;
  }
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

/** `defaults`: the `securitySchemes` of a tool that declares none. */
export function withTopLevelSecuritySchemes<T extends FetchHandler>(handler: T, defaults?: readonly SecurityScheme[]): FetchHandler {
  return {
    async fetch(request, options) {
      const response = await handler.fetch(request, options);
      const method = (options?.parsedBody as { method?: unknown } | undefined)?.method;
      return method === 'tools/list' && response.ok ? liftResponse(response, defaults) : response;
    },
  };
}
