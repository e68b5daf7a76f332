/**
 * Entry point: `npm run dev` / `npm start`. Reads the configuration, checks the identity
 * provider, and serves MCP at the public URL in `MCP_RESOURCE_URL`.
 */
import { startServer } from './app.js';
import { ConfigError, loadDotEnv, readConfig } from './config.js';
import { DiscoveryError } from './auth/discovery.js';
import { FacadeError } from './auth/facade.js';
import { FetchJsonError } from './auth/http.js';
import { VerifierUnavailableError } from './auth/access-token.js';
import { createLogger } from './log.js';
import { rules } from './auth/verifier.js';

loadDotEnv();

/** One line saying what to fix for the failures a user can cause; a stack trace only for a bug. */
function fail(error: unknown): never {
  const known = error instanceof ConfigError || error instanceof DiscoveryError || error instanceof FacadeError || error instanceof VerifierUnavailableError || error instanceof FetchJsonError;
  const code = (error as NodeJS.ErrnoException)?.code;
  const listen =
    code === 'EADDRINUSE'
      ? `port ${process.env.PORT ?? 3000} is already in use; stop the other server or set PORT to a free port.`
      : code === 'EACCES' || code === 'EADDRNOTAVAIL'
        ? `cannot listen on ${process.env.HOST ?? '127.0.0.1'}:${process.env.PORT ?? 3000} (${code}); set HOST and PORT to an address this machine can bind.`
        : undefined;
  process.stderr.write(`error: ${listen ?? (known ? (error as Error).message : ((error as Error)?.stack ?? String(error)))}\n`);
  process.exit(1);
}

let config;
try {
  config = readConfig();
} catch (error) {
  fail(error);
}
const log = createLogger(config.logLevel);
const running = await startServer({ config, log }).catch(fail);

log.info(`MCP server listening on ${running.address}; clients connect to ${config.resource.href}`);
log.info(
  `auth: ${config.authMode} mode; ${rules.provider} issuer ${config.broker ? config.issuer : running.issuer}; ` +
    `audience ${config.audiences.length > 0 ? config.audiences.join(', ') : config.resource.href}` +
    (config.clientIds.length > 0 ? `; client ids ${config.clientIds.join(', ')}` : '') +
    `; scopes ${config.scopes.length > 0 ? config.scopes.join(' ') : '(none required)'}`,
);
if (config.signIn === 'facade') log.info(`sign-in: facade; hosts see this server as their authorization server, ${running.hostIssuer}, over ${rules.provider}`);
if (config.signIn === 'broker') log.info(`sign-in: broker; hosts register with and sign in at this server, ${running.hostIssuer}; users sign in at ${rules.provider} through ${running.hostIssuer}/oauth/callback`);
log.info(`connect MCP Inspector: npx @modelcontextprotocol/inspector, transport Streamable HTTP, URL ${config.resource.href}`);
const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(config.resource.hostname);
if (config.resource.protocol === 'http:' && !loopback) {
  log.warn(`MCP_RESOURCE_URL ${config.resource.href} uses http on a public host: tokens would cross the network in clear text. Serve it over https.`);
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info('shutting down');
    void running.close().then(() => process.exit(0));
  });
}
