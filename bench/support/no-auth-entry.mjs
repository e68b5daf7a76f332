// The anchor of the auth benchmark, copied to the root of a built generated project: the same MCP
// handler, tools and express stack as dist/index.js (CORS included: browser clients need it with
// or without auth), with the auth gate removed. Every request carries a fixed, already-verified
// identity, so the protected tool runs exactly the same code.
import { createMcpExpressApp } from '@modelcontextprotocol/express';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler } from '@modelcontextprotocol/server';
import cors from 'cors';
import { readConfig, loadDotEnv } from './dist/config.js';
import { project } from './dist/project.js';
import { mcpServerFactory } from './dist/server.js';

loadDotEnv();
const config = readConfig();
const auth = { mode: config.authMode, scopes: config.scopes, resourceMetadataUrl: `${config.resource.origin}/.well-known/oauth-protected-resource/mcp`, provider: 'none', issuer: 'none' };
const accessToken = { token: 'x', subject: 'bench-user', clientId: 'bench', scopes: config.scopes, expiresAt: Math.floor(Date.now() / 1000) + 3600, claims: { sub: 'bench-user' } };
const authInfo = { token: 'x', clientId: 'bench', scopes: config.scopes, expiresAt: accessToken.expiresAt, extra: { accessToken } };
const serve = toNodeHandler(createMcpHandler(mcpServerFactory(project, auth)));
const app = createMcpExpressApp({ host: config.host, allowedHosts: [config.resource.hostname, 'localhost', '127.0.0.1'] });
app.use('/mcp', cors({ exposedHeaders: ['WWW-Authenticate', 'Mcp-Session-Id'], allowedHeaders: ['Authorization', 'Content-Type', 'Accept', 'Mcp-Protocol-Version', 'Mcp-Session-Id', 'Last-Event-ID'] }));
app.all('/mcp', (req, res) => {
  req.auth = authInfo;
  void serve(req, res, req.body);
});
app.listen(config.port, config.host, () => console.log('MCP server listening (no auth)'));
// Exit cleanly on Ctrl+C so `node --cpu-prof` can write its profile (the benchmark's --profile).
process.on('SIGINT', () => process.exit(0));
