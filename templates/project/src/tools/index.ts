/**
 * The tools this server offers, each declared public or protected in its own file. The auth gate
 * reads this list: only the tools declared public here run for anonymous callers (mixed mode), and
 * every scope a tool needs is advertised. `npx create-fastapps add tool <name>` adds to it.
 */
import type { ToolDefinition } from '../auth/tools.js';
import { hello } from './hello.js';
import { whoami } from './whoami.js';

export const tools: ToolDefinition[] = [
  hello,
  whoami,
];
