/** A public widget: works without signing in (in `mixed` mode) and greets in the user's locale. */
import { z } from 'zod';
import { publicTool } from '../auth/tools.js';
import type { Widget } from '../widgets/widget.js';

export const helloWidget: Widget = {
  name: 'hello',
  uri: 'ui://widgets/hello.html',
  title: 'Hello',
  description: 'A greeting card. Public: anyone can use it.',
  invoking: 'Writing a greeting…',
  invoked: 'Greeting ready',
};

export const hello = publicTool(
  {
    name: 'hello',
    title: 'Say hello',
    description: 'Shows a greeting card for a name. Does not need the user to sign in.',
    inputSchema: z.object({ name: z.string().min(1).max(80).describe('Who to greet') }),
    annotations: { readOnlyHint: true, openWorldHint: false },
    widget: helloWidget,
  },
  async ({ name }, { client }) => {
    const greeting = `Hello, ${name}!`;
    return {
      content: [{ type: 'text', text: greeting }],
      structuredContent: { greeting, name, locale: client.locale ?? null },
    };
  },
);
