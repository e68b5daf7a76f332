/**
 * Prints an access token from the local development authorization server, for quick calls:
 *
 *   curl -H "Authorization: Bearer $(npx tsx scripts/token.ts)" http://localhost:3000/mcp …
 *
 * Options: --sub <name> (default "developer"), --scopes "<a b>" (default OAUTH_SCOPES),
 * --ttl <seconds> (default 3600). The token is printed alone on stdout; notes go to stderr.
 */
import { parseArgs } from 'node:util';
import { createLocalAuthServer } from '../src/local-as/index.js';
import { loadDotEnv, readConfig } from '../src/config.js';

loadDotEnv();
const config = readConfig();
const { values } = parseArgs({ options: { sub: { type: 'string', default: 'developer' }, scopes: { type: 'string' }, ttl: { type: 'string', default: '3600' } } });
const scopes = values.scopes === undefined ? config.scopes : values.scopes.split(/[\s,]+/).filter(Boolean);

const server = await createLocalAuthServer({
  issuer: `${config.resource.origin}/oauth`,
  resource: config.resource.href,
  scopes: config.scopes,
  dataDir: process.env.LOCAL_AUTH_DATA_DIR ?? '.fastapps/local-as',
  log: (level, message) => {
    if (level !== 'debug' && !message.includes('DEVELOPMENT ONLY')) process.stderr.write(`${message}\n`);
  },
});
const token = await server.mintAccessToken({ sub: values.sub, scopes, ttlSeconds: Number(values.ttl) });
await server.close();
process.stderr.write(`token for ${values.sub} (scopes: ${scopes.join(' ') || 'none'}), valid ${values.ttl} s, for ${config.resource.href}\n`);
process.stdout.write(token + '\n');
