/**
 * Where tokens come from: the embedded development authorization server (`src/local-as/`),
 * mounted at `/oauth` on this server's own origin, or your identity provider when `OAUTH_ISSUER`
 * is set.
 */
import type { OAuthMetadata } from '@modelcontextprotocol/server';
import cors from 'cors';
import { createLocalAuthServer } from '../local-as/index.js';
import { remoteIssuer, type IssuerSetup } from './remote-issuer.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';

export type { IssuerSetup };

export async function setUpIssuer(config: Config, log: Logger): Promise<IssuerSetup> {
  if (config.issuer) return remoteIssuer(config, log);
  const issuer = `${config.resource.origin}/oauth`;
  const path = new URL(issuer).pathname;
  const server = await createLocalAuthServer({
    issuer,
    resource: config.resource.href,
    scopes: config.scopes,
    dataDir: process.env.LOCAL_AUTH_DATA_DIR ?? '.fastapps/local-as',
    log: (level, message) => log[level](message),
  });
  const metadata = await server.metadata();
  return {
    issuer,
    metadata: metadata as unknown as OAuthMetadata,
    loadKeys: () => server.jwks(),
    mount(root) {
      root.use(path, server.handler);
      // The RFC 8414 and OIDC "insertion" URLs for an issuer with a path: the first places MCP
      // clients look (2025-06-18 clients look nowhere else).
      for (const wellKnown of ['oauth-authorization-server', 'openid-configuration']) {
        root.get(`/.well-known/${wellKnown}${path}`, cors(), (_req, res) => {
          res.json(metadata);
        });
      }
    },
    mintToken: (input) => server.mintAccessToken(input),
    close: () => server.close(),
  };
}
