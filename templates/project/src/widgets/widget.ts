/**
 * A widget is an MCP Apps UI resource (`ui://…`, `text/html;profile=mcp-app`) plus the tool that
 * renders it. Both carry the MCP Apps keys and the ChatGPT aliases (`openai/*`), so the same
 * server works in ChatGPT and in any MCP Apps host.
 */
import { registerAppResource, RESOURCE_MIME_TYPE } from '@modelcontextprotocol/ext-apps/server';
import type { McpServer } from '@modelcontextprotocol/server';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Widget {
  /** File name of the built UI in `dist/ui/` (from `web/<name>/`), e.g. "whoami". */
  name: string;
  uri: `ui://${string}`;
  title: string;
  description: string;
  /** Status lines ChatGPT shows while the tool runs and after. */
  invoking: string;
  invoked: string;
  /** Origins the widget may fetch from or load assets from (CSP). */
  connectDomains?: string[];
  resourceDomains?: string[];
}

const uiDir = fileURLToPath(new URL('../../dist/ui/', import.meta.url));

/** The built single-file HTML of a widget (`npm run build:ui` writes `dist/ui/<name>.html`). */
export function widgetHtml(name: string): string {
  const file = `${uiDir}${name}.html`;
  if (!existsSync(file)) {
    return `<!doctype html><meta charset="utf-8"><p>The ${name} widget is not built yet: run <code>npm run build:ui</code>.</p>`;
  }
  return readFileSync(file, 'utf8');
}

/** `_meta` for a tool that renders `widget`. */
export function widgetToolMeta(widget: Widget): Record<string, unknown> {
  return {
    ui: { resourceUri: widget.uri },
    'openai/outputTemplate': widget.uri,
    'openai/toolInvocation/invoking': widget.invoking,
    'openai/toolInvocation/invoked': widget.invoked,
    'openai/widgetAccessible': false,
  };
}

export function registerWidgetResource(server: McpServer, widget: Widget): void {
  const csp = { connectDomains: widget.connectDomains ?? [], resourceDomains: widget.resourceDomains ?? [] };
  const ui = { csp, prefersBorder: true };
  registerAppResource(server, widget.title, widget.uri, { description: widget.description, _meta: { ui } }, async () => ({
    contents: [
      {
        uri: widget.uri,
        mimeType: RESOURCE_MIME_TYPE,
        text: widgetHtml(widget.name),
        _meta: {
          ui,
          'openai/widgetDescription': widget.description,
          'openai/widgetPrefersBorder': true,
          'openai/widgetCSP': { connect_domains: csp.connectDomains, resource_domains: csp.resourceDomains },
        },
      },
    ],
  }));
}
