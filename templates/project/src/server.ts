/**
 * The MCP server: one fresh `McpServer` per request (stateless Streamable HTTP), so any number of
 * instances can run behind a load balancer. Register your tools and widgets here.
 */
import { McpServer, type McpServerFactory } from '@modelcontextprotocol/server';
import type { ToolAuth } from './auth/tool-auth.js';
import { registerHello } from './tools/hello.js';
import { registerWhoami } from './tools/whoami.js';

export function mcpServerFactory(info: { name: string; version: string }, auth: ToolAuth): McpServerFactory {
  return () => {
    const server = new McpServer(info);
    registerHello(server, auth);
    registerWhoami(server, auth);
    return server;
  };
}
