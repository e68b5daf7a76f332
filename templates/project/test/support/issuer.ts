/**
 * A real OAuth issuer for offline tests: jose key pairs, the discovery document at every
 * well-known URL MCP clients try, the JWKS, and a `mint()` that signs tokens with its keys.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload, type CryptoKey } from 'jose';

export interface MintOptions {
  alg?: 'RS256' | 'ES256' | 'PS256';
  kid?: string;
  /** Sign with a key this issuer does not publish. */
  foreign?: boolean;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  header?: Record<string, unknown>;
}

export interface TestIssuer {
  /** The issuer identifier, exactly as the discovery document says. */
  issuer: string;
  mint(claims: JWTPayload, options?: MintOptions): Promise<string>;
  /** How many times the JWKS was fetched. */
  jwksFetches(): number;
  close(): Promise<void>;
}

async function keyPair(alg: 'RS256' | 'ES256' | 'PS256') {
  return generateKeyPair(alg, { extractable: true });
}

export interface TestIssuerOptions {
  /** Added to (or, set to undefined, removed from) the discovery document, e.g. a provider's quirk. */
  metadata?: Record<string, unknown>;
}

/** Starts an issuer on 127.0.0.1 whose identifier is `http://127.0.0.1:<port>${path}`. */
export async function startTestIssuer(path = '', options: TestIssuerOptions = {}): Promise<TestIssuer> {
  const keys: Record<string, { privateKey: CryptoKey; kid: string }> = {};
  const jwks: unknown[] = [];
  for (const alg of ['RS256', 'ES256', 'PS256'] as const) {
    const { privateKey, publicKey } = await keyPair(alg);
    const kid = `test-${alg.toLowerCase()}`;
    keys[alg] = { privateKey, kid };
    jwks.push({ ...(await exportJWK(publicKey)), kid, alg, use: 'sig' });
  }
  const foreign: Record<string, CryptoKey> = {};
  for (const alg of ['RS256', 'ES256', 'PS256'] as const) foreign[alg] = (await keyPair(alg)).privateKey;

  let fetches = 0;
  let issuer = '';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/jwks') {
      fetches += 1;
      return send({ keys: jwks });
    }
    if (url.pathname.includes('/.well-known/')) {
      const origin = new URL(issuer).origin;
      return send({
        issuer,
        authorization_endpoint: `${origin}/authorize`,
        token_endpoint: `${origin}/token`,
        registration_endpoint: `${origin}/register`,
        jwks_uri: `${origin}/jwks`,
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code', 'refresh_token'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['none'],
        ...options.metadata,
      });
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;

  return {
    issuer,
    async mint(claims, options = {}) {
      const alg = options.alg ?? 'RS256';
      const key = options.foreign ? foreign[alg]! : keys[alg]!.privateKey;
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ iat: now, exp: now + (options.expiresIn ?? 600), ...claims })
        .setProtectedHeader({ alg, kid: options.kid ?? keys[alg]!.kid, typ: 'JWT', ...options.header })
        .sign(key);
    },
    jwksFetches: () => fetches,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/** An unsigned token (`alg: none`) and an HS256 token signed with `secret`: both must be refused. */
export function unsignedToken(claims: JWTPayload): string {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
}

export async function hs256Token(claims: JWTPayload, secret: string): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: 'test-rs256' }).sign(new TextEncoder().encode(secret));
}
