/**
 * ChatGPT reads a tool's `securitySchemes` as a top-level field of `tools/list` (with
 * `_meta.securitySchemes` as the back-compat mirror), but `McpServer` only emits the fields of the
 * MCP tool schema. This wraps the HTTP handler and, for `tools/list` responses only, copies each
 * tool's `_meta.securitySchemes` to the top level. It works on the wire format (JSON or SSE), not
 * on SDK internals, and leaves anything it cannot parse untouched.
 */
interface FetchHandler {
  fetch(request: Request, options?: { parsedBody?: unknown; authInfo?: unknown }): Promise<Response>;
}

type Message = { result?: { tools?: Array<Record<string, unknown> & { _meta?: Record<string, unknown> }> } };

function lift(message: Message): Message {
  for (const tool of message.result?.tools ?? []) {
    const schemes = tool._meta?.securitySchemes;
    if (schemes !== undefined && tool.securitySchemes === undefined) tool.securitySchemes = schemes;
  }
  return message;
}

async function liftResponse(response: Response): Promise<Response> {
  const type = response.headers.get('content-type') ?? '';
  const text = await response.text();
  let body = text;
  try {
    if (type.includes('text/event-stream')) {
      body = text.replace(/^data: (.+)$/gm, (_line, json: string) => `data: ${JSON.stringify(lift(JSON.parse(json) as Message))}`);
    } else if (type.includes('application/json')) {
      body = JSON.stringify(lift(JSON.parse(text) as Message));
    }
  } catch {
    body = text;
  }
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

export function withTopLevelSecuritySchemes<T extends FetchHandler>(handler: T): FetchHandler {
  return {
    async fetch(request, options) {
      const response = await handler.fetch(request, options);
      const method = (options?.parsedBody as { method?: unknown } | undefined)?.method;
      return method === 'tools/list' && response.ok ? liftResponse(response) : response;
    },
  };
}
