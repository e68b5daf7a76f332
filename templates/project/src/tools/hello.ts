/** A public widget: works without signing in (in `mixed` mode) and greets in the user's locale. */
import { registerAppTool } from '@modelcontextprotocol/ext-apps/server';
import type { McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { clientContextOf, securitySchemes, type ToolAuth } from '../auth/tool-auth.js';
import { registerWidgetResource, widgetToolMeta, type Widget } from '../widgets/widget.js';

export const helloWidget: Widget = {
  name: 'hello',
  uri: 'ui://widgets/hello.html',
  title: 'Hello',
  description: 'A greeting card. Public: anyone can use it.',
  invoking: 'Writing a greeting…',
  invoked: 'Greeting ready',
};

export function registerHello(server: McpServer, auth: ToolAuth): void {
  registerWidgetResource(server, helloWidget);
  registerAppTool(
    server,
    'hello',
    {
      title: 'Say hello',
      description: 'Shows a greeting card for a name. Does not need the user to sign in.',
      inputSchema: z.object({ name: z.string().min(1).max(80).describe('Who to greet') }),
      annotations: { readOnlyHint: true, openWorldHint: false },
      _meta: { ...widgetToolMeta(helloWidget), securitySchemes: securitySchemes(auth, 'public') },
    },
    async ({ name }, ctx) => {
      const { locale } = clientContextOf(ctx);
      const greeting = `Hello, ${name}!`;
      return {
        content: [{ type: 'text', text: greeting }],
        structuredContent: { greeting, name, locale: locale ?? null },
      };
    },
  );
}
