/**
 * The MCP server: one fresh `McpServer` per request (stateless Streamable HTTP), so any number of
 * instances can run behind a load balancer. Your tools are listed in `src/tools/index.ts`; each
 * says there whether it is public or protected (`publicTool` / `protectedTool`).
 */
import { McpServer, type McpServerFactory } from '@modelcontextprotocol/server';
import { registerTools } from './auth/tools.js';
import type { ToolAuth } from './auth/tool-auth.js';
import { tools } from './tools/index.js';

export function mcpServerFactory(info: { name: string; version: string }, auth: ToolAuth): McpServerFactory {
  return () => {
    const server = new McpServer(info);
    registerTools(server, auth, tools);
    // Anything registered here by hand (server.registerTool) is protected in every auth mode.
    return server;
  };
}
