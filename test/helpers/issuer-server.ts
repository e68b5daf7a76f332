/**
 * A real OAuth issuer for tests, on 127.0.0.1 (node:http, random port): a discovery document —
 * synthetic, or a real provider's fixture rewritten to point at this server — at the well-known
 * paths for its issuer path, a JWKS with jose-generated RS256 and ES256 keys (or a fixture key set),
 * per-path fault injection, and `mint()` to sign tokens with its keys.
 * Also: `refusedUrl()` (a port that was opened and closed) and `startHangingServer()`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK, type JWTPayload, type KeyObject } from 'jose';

/** Where the real provider documents live (copied into the repository, each with its source note). */
export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/discovery', import.meta.url));

/** Loads a fixture JSON (`auth0-tenant`, `keycloak-realm-http-jwks`, …) from FIXTURES_DIR. */
export function fixture(name: string): Record<string, unknown> {
  const file = name.endsWith('.json') ? name : `${name}.json`;
  return JSON.parse(readFileSync(`${FIXTURES_DIR}/${file}`, 'utf8')) as Record<string, unknown>;
}

/** A discovery URL form (same names as src/issuer/discovery.ts, computed independently here). */
export type WellKnownForm = 'oauth' | 'oidc-insert' | 'oidc';

/** A fault served instead of (or on top of) the normal response for one path. */
export interface Fault {
  /** Status code (default 200, or 302 with `redirectTo`). */
  status?: number;
  /** Wait this long before sending headers. */
  delayMs?: number;
  /** Send headers and this many bytes of the body, then never finish. */
  stallAfterBytes?: number;
  /** Send a JSON body of about this many bytes (streamed, no Content-Length). */
  oversizeBytes?: number;
  /** Redirect here (absolute URL, or a path on this server). */
  redirectTo?: string;
  /** Serve an HTML page with this <title>. */
  html?: string;
  /** Serve this value as JSON (e.g. an array, or a different document). */
  json?: unknown;
  /** Serve this raw body. */
  body?: string;
  /** Content-Type of the response (defaults per body kind). */
  contentType?: string;
  /** Extra response headers. */
  headers?: Record<string, string>;
  /** Prefix the body with a UTF-8 byte order mark. */
  bom?: boolean;
  /** Serve the normal document with this `issuer` instead (a wrong-issuer document on this path). */
  issuer?: string;
  /** Serve a key set with only an encryption (`use: enc`) key, a symmetric `oct` key, or both. */
  jwksOnly?: 'enc' | 'oct' | 'enc+oct';
  /** Only for requests with this method. */
  method?: string;
}

/** Options of `startIssuerServer`. */
export interface IssuerServerOptions {
  /** Issuer path (e.g. `/realms/demo`, `/` for Auth0's trailing slash); default: the fixture's, else ''. */
  issuerPath?: string;
  /** Host name used in URLs (the server always binds 127.0.0.1); `localhost` gives "another host". */
  hostname?: '127.0.0.1' | 'localhost';
  /** A discovery fixture to serve, rewritten so its URLs point at this server. */
  fixture?: string;
  /** Rewrite only these top-level fields of the fixture (default: every URL on the fixture's origin). */
  rewriteOnly?: string[];
  /** Serve exactly this document (no rewriting). */
  document?: Record<string, unknown>;
  /** The key set: a fixture name, or a JWK Set; default this server's own public RS256 + ES256 keys. */
  jwks?: string | { keys: unknown[] };
  /** Which well-known forms are served (default: what the fixture's provider serves, else all). */
  wellKnown?: WellKnownForm[];
  /**
   * More endpoints (a fake provider's authorize and token endpoints): called for every request
   * without a fault; answers it and returns true, or returns false to let the server answer.
   */
  routes?: (request: RouteRequest, res: http.ServerResponse) => boolean | Promise<boolean>;
}

/** A request as `routes` sees it. */
export interface RouteRequest {
  method: string;
  url: URL;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A request the server received. */
export interface SeenRequest {
  method: string;
  path: string;
  /** ms since the server started. */
  at: number;
  body: string;
}

/** Options of `mint`. */
export interface MintOptions {
  /** Signing algorithm (default RS256; ES256 uses the EC key). */
  alg?: string;
  /** Header kid (default: the own key's kid; `null` omits it). */
  kid?: string | null;
  /** Signing key (default: this server's private key for `alg`); a Uint8Array for HS*. */
  key?: CryptoKey | KeyObject | JWK | Uint8Array;
  /** Extra protected-header members. */
  header?: Record<string, unknown>;
}

/** A running test issuer. */
export interface IssuerServer {
  /** e.g. `http://127.0.0.1:41234`. */
  origin: string;
  /** origin + issuerPath: the issuer to configure (a rewritten fixture names the same one, unless its issuer is a placeholder). */
  issuer: string;
  /** The served document (mutable: tests may edit it after start). */
  document: Record<string, unknown>;
  /** The served key set (mutable). */
  jwks: { keys: unknown[] };
  /** The URLs the document is served at. */
  discoveryUrls: string[];
  /** The own signing keys (their public JWKs are in the default key set). */
  keys: { rs256: OwnKey; es256: OwnKey };
  /** Every request received. */
  requests: SeenRequest[];
  /** origin + path. */
  url(path: string): string;
  /** Serves `fault` for `path` (a path or a full URL on this server) until `clearFaults()`. */
  fault(path: string, fault: Fault): void;
  clearFaults(): void;
  /** Signs a JWT: `{ iss: issuer, iat: now, exp: now + 600, ...claims }`; claims set to undefined are dropped. */
  mint(claims?: JWTPayload, opts?: MintOptions): Promise<string>;
  close(): Promise<void>;
}

/** One of the server's own key pairs. */
export interface OwnKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function makeKey(alg: string, kid: string): Promise<OwnKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicJwk };
}

let sharedKeys: Promise<{ rs256: OwnKey; es256: OwnKey }> | undefined;

/** Key pairs shared by every test server of this process (generated once; RSA generation is slow). */
function ownKeys(): Promise<{ rs256: OwnKey; es256: OwnKey }> {
  sharedKeys ??= Promise.all([makeKey('RS256', 'test-rs256'), makeKey('ES256', 'test-es256')]).then(([rs256, es256]) => ({ rs256, es256 }));
  return sharedKeys;
}

/** Which forms each provider really serves (AUTH-FACTS B.0), by fixture name prefix. */
function defaultForms(fixtureName: string | undefined): WellKnownForm[] {
  if (!fixtureName) return ['oauth', 'oidc-insert', 'oidc'];
  if (/^(entra|cognito|keycloak|adfs)/.test(fixtureName)) return ['oidc'];
  if (fixtureName.startsWith('okta-custom')) return ['oauth', 'oidc'];
  return ['oauth', 'oidc-insert', 'oidc'];
}

function wellKnownPaths(issuerPath: string, forms: WellKnownForm[]): string[] {
  const path = issuerPath.replace(/\/+$/, '');
  const byForm: Record<WellKnownForm, string> = {
    oauth: `/.well-known/oauth-authorization-server${path}`,
    'oidc-insert': `/.well-known/openid-configuration${path}`,
    oidc: `${path}/.well-known/openid-configuration`,
  };
  // Without a path, the insertion and append OIDC forms are the same URL.
  return [...new Set(forms.map((f) => byForm[f]))];
}

function originOf(url: string): string {
  const match = /^[a-z]+:\/\/[^/]+/i.exec(url);
  return match ? match[0] : url;
}

/** Replaces `from` (an origin) with `to` at the start of every string in `value`, deeply. */
function rewriteDeep(value: unknown, from: string, to: string): unknown {
  if (typeof value === 'string') return value === from || value.startsWith(`${from}/`) ? to + value.slice(from.length) : value;
  if (Array.isArray(value)) return value.map((v) => rewriteDeep(v, from, to));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewriteDeep(v, from, to)]));
  }
  return value;
}

/**
 * The fixture with its issuer's origin replaced by `origin` (in every field, or only `rewriteOnly`),
 * and `jwks_uri` always moved to `origin`; every other value is kept as the provider published it.
 */
export function rewriteFixture(name: string, origin: string, rewriteOnly?: string[]): Record<string, unknown> {
  const doc = fixture(name);
  const from = originOf(String(doc['issuer']));
  const out = rewriteOnly
    ? Object.fromEntries(Object.entries(doc).map(([k, v]) => [k, rewriteOnly.includes(k) ? rewriteDeep(v, from, origin) : v]))
    : (rewriteDeep(doc, from, origin) as Record<string, unknown>);
  // The key set is always fetched, so it must be served here even when the provider hosts it
  // elsewhere (Google: www.googleapis.com): keep its path, move it to this origin.
  const jwksUri = out['jwks_uri'];
  if (typeof jwksUri === 'string' && !jwksUri.startsWith(`${origin}/`)) out['jwks_uri'] = origin + jwksUri.slice(originOf(jwksUri).length);
  return out;
}

function syntheticDocument(issuer: string): Record<string, unknown> {
  const base = issuer.replace(/\/+$/, '');
  return {
    issuer,
    authorization_endpoint: `${base}/authorize`,
    token_endpoint: `${base}/token`,
    jwks_uri: `${base}/.well-known/jwks.json`,
    registration_endpoint: `${base}/register`,
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['none', 'client_secret_basic'],
    scopes_supported: ['openid', 'profile', 'email'],
    id_token_signing_alg_values_supported: ['RS256', 'ES256'],
    authorization_response_iss_parameter_supported: true,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function pathOf(pathOrUrl: string): string {
  return /^[a-z]+:\/\//i.test(pathOrUrl) ? new URL(pathOrUrl).pathname : pathOrUrl;
}

function pathOnOrigin(url: unknown, origin: string): string | undefined {
  return typeof url === 'string' && url.startsWith(`${origin}/`) ? new URL(url).pathname : undefined;
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The body and content type a fault (or the normal content) produces. */
function faultBody(fault: Fault, normal: unknown): { body: string; type: string } {
  if (fault.html !== undefined) {
    return { body: `<!doctype html>\n<html><head><title>${fault.html}</title></head><body><form>Sign in</form></body></html>`, type: 'text/html; charset=utf-8' };
  }
  if (fault.body !== undefined) return { body: fault.body, type: fault.contentType ?? 'application/json' };
  if (fault.json !== undefined) return { body: JSON.stringify(fault.json), type: 'application/json' };
  return { body: JSON.stringify(normal), type: 'application/json' };
}

function drainedOrClosed(res: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done).off('close', done);
      resolve();
    };
    res.on('drain', done).on('close', done);
  });
}

async function serveFault(res: http.ServerResponse, fault: Fault, normal: unknown, self: string): Promise<void> {
  if (fault.delayMs) await sleep(fault.delayMs);
  if (res.destroyed) return;
  if (fault.redirectTo !== undefined) {
    const location = fault.redirectTo.startsWith('/') ? self + fault.redirectTo : fault.redirectTo;
    res.writeHead(fault.status ?? 302, { location, ...fault.headers }).end();
    return;
  }
  const status = fault.status ?? 200;
  if (fault.oversizeBytes !== undefined) {
    res.writeHead(status, { 'content-type': 'application/json', ...fault.headers });
    const chunk = 'x'.repeat(16 * 1024);
    res.write('{"padding":"');
    for (let sent = 0; sent < fault.oversizeBytes && !res.destroyed; sent += chunk.length) {
      if (!res.write(chunk)) await drainedOrClosed(res);
    }
    res.end('"}');
    return;
  }
  const { body, type } = faultBody(fault, normal);
  const bytes = Buffer.concat([fault.bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(body)]);
  const headers = { 'content-type': fault.contentType ?? type, ...fault.headers };
  if (fault.stallAfterBytes !== undefined) {
    res.writeHead(status, headers);
    res.write(bytes.subarray(0, fault.stallAfterBytes));
    return; // never ends; close() destroys the socket
  }
  res.writeHead(status, { ...headers, 'content-length': String(bytes.length) }).end(bytes);
}

/**
 * Starts a test issuer on 127.0.0.1:0.
 *
 * @example
 * const srv = await startIssuerServer({ fixture: 'keycloak-realm-http', jwks: 'keycloak-realm-http-jwks' });
 * srv.fault(srv.discoveryUrls[0], { html: 'Sign in' });
 */
export async function startIssuerServer(opts: IssuerServerOptions = {}): Promise<IssuerServer> {
  const keys = await ownKeys();
  const faults = new Map<string, Fault>();
  const requests: SeenRequest[] = [];
  const started = Date.now();
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const origin = `http://${opts.hostname ?? '127.0.0.1'}:${port}`;
  const fixtureIssuer = opts.fixture ? String(fixture(opts.fixture)['issuer']) : undefined;
  const issuerPath = opts.issuerPath ?? (fixtureIssuer ? fixtureIssuer.slice(originOf(fixtureIssuer).length) : '');
  const issuer = origin + issuerPath;
  const jwksOption = opts.jwks;
  const srv: IssuerServer = {
    origin,
    issuer,
    document: opts.document ?? (opts.fixture ? rewriteFixture(opts.fixture, origin, opts.rewriteOnly) : syntheticDocument(issuer)),
    jwks: typeof jwksOption === 'string' ? (fixture(jwksOption) as { keys: unknown[] }) : (jwksOption ?? { keys: [keys.rs256.publicJwk, keys.es256.publicJwk] }),
    discoveryUrls: wellKnownPaths(issuerPath, opts.wellKnown ?? defaultForms(opts.fixture)).map((p) => origin + p),
    keys,
    requests,
    url: (path) => origin + path,
    fault: (path, fault) => void faults.set(pathOf(path), fault),
    clearFaults: () => faults.clear(),
    mint: (claims, mintOpts) => mint(srv, claims, mintOpts),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  server.on('request', (req, res) => {
    void handle(srv, faults, req, res, started, opts.routes).catch(() => res.destroy());
  });
  return srv;
}

/** What a path normally serves: the document, the key set, the registration endpoint, or 404. */
function normalContent(srv: IssuerServer, path: string, method: string): { status: number; json: unknown } {
  if (srv.discoveryUrls.some((u) => new URL(u).pathname === path)) return { status: 200, json: srv.document };
  const jwksPath = pathOnOrigin(srv.document['jwks_uri'], srv.origin) ?? '/.well-known/jwks.json';
  if (path === jwksPath) return { status: 200, json: srv.jwks };
  if (path === pathOnOrigin(srv.document['registration_endpoint'], srv.origin) && method === 'POST') {
    return { status: 400, json: { error: 'invalid_redirect_uri', error_description: 'redirect_uris[0] is not a URI' } };
  }
  return { status: 404, json: { error: 'not_found' } };
}

/** The normal content with a fault's `issuer` / `jwksOnly` applied. */
function faultedContent(srv: IssuerServer, fault: Fault, normal: unknown): unknown {
  if (fault.issuer !== undefined) return { ...srv.document, issuer: fault.issuer };
  if (fault.jwksOnly === undefined) return normal;
  const keys: unknown[] = [];
  if (fault.jwksOnly.includes('enc')) keys.push({ ...srv.keys.rs256.publicJwk, kid: 'enc-only', use: 'enc', alg: 'RSA-OAEP' });
  if (fault.jwksOnly.includes('oct')) keys.push({ kty: 'oct', kid: 'oct-only', alg: 'HS256', k: Buffer.from('published-secret').toString('base64url') });
  return { keys };
}

async function handle(
  srv: IssuerServer,
  faults: Map<string, Fault>,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  started: number,
  routes: IssuerServerOptions['routes'],
): Promise<void> {
  const path = new URL(req.url ?? '/', srv.origin).pathname;
  const method = req.method ?? 'GET';
  const body = await readBody(req);
  srv.requests.push({ method, path, at: Date.now() - started, body });
  const normal = normalContent(srv, path, method);
  const fault = faults.get(path);
  if (fault && (!fault.method || fault.method === method)) {
    await serveFault(res, fault, faultedContent(srv, fault, normal.json), srv.origin);
    return;
  }
  if (routes && (await routes({ method, url: new URL(req.url ?? '/', srv.origin), headers: req.headers, body }, res))) return;
  const bytes = Buffer.from(JSON.stringify(normal.json));
  res.writeHead(normal.status, { 'content-type': 'application/json', 'content-length': String(bytes.length), 'cache-control': 'public, max-age=300' }).end(bytes);
}

async function mint(srv: IssuerServer, claims: JWTPayload = {}, opts: MintOptions = {}): Promise<string> {
  const alg = opts.alg ?? 'RS256';
  const own = alg.startsWith('ES') ? srv.keys.es256 : srv.keys.rs256;
  const kid = opts.kid === null ? undefined : (opts.kid ?? (opts.key ? undefined : own.kid));
  const now = Math.floor(Date.now() / 1000);
  const payload = Object.fromEntries(
    Object.entries({ iss: srv.issuer, iat: now, exp: now + 600, ...claims }).filter(([, v]) => v !== undefined),
  );
  return new SignJWT(payload)
    .setProtectedHeader({ alg, ...(kid ? { kid } : {}), ...opts.header })
    .sign(opts.key ?? own.privateKey);
}

/** An http URL on 127.0.0.1 whose port was just opened and closed: connecting is refused. */
export async function refusedUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** A server on 127.0.0.1 that accepts connections and never answers. */
export interface HangingServer {
  origin: string;
  url(path: string): string;
  close(): Promise<void>;
}

/** Starts a server that accepts TCP connections and never sends a byte. */
export async function startHangingServer(): Promise<HangingServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: (path) => origin + path,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
