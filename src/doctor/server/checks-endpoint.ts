/**
 * Server checks on the MCP endpoint's answer to a request without a token: URL form (AUTH-FACTS
 * 22), the 401 (23) and its challenge (24), CORS for browser clients (25); and the helpers the
 * other server checks share.
 */
import { defineCheckOf, type Verdicts } from '../../issuer/context.js';
import { isInternalHost } from '../../issuer/checks-metadata.js';
import { htmlTitle, looksLikeHtml } from '../../issuer/http.js';
import type { Finding } from '../../issuer/types.js';
import { SERVER_CHALLENGE, SERVER_CORS, SERVER_UNAUTHENTICATED, SERVER_URL, type ServerCheckId } from '../ids.js';
import {
  answersAnonymously,
  bodySnippet,
  challengeOf,
  header,
  insertionUrl,
  protectedTools,
  prmDoc,
  type Probe,
  type ServerContext,
} from './context.js';
import { param } from './www-authenticate.js';

/** Declares a server check. */
export const define = (id: ServerCheckId, title: string, run: (ctx: ServerContext, v: Verdicts) => Finding) => defineCheckOf<ServerContext, ServerCheckId>(id, title, run);

/** The skip every check after 23 returns when the server did not answer at all. */
export function unreachable(ctx: ServerContext): string | undefined {
  return ctx.anonymous?.error ? 'Skipped: the server did not answer (see server.unauthenticated)' : undefined;
}

function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The scopes the server should ask for: configured, else the metadata's. */
function scopesForFix(ctx: ServerContext): string[] {
  const configured = ctx.expect.scopes;
  if (configured?.length) return configured;
  const advertised = prmDoc(ctx)?.['scopes_supported'];
  return Array.isArray(advertised) ? advertised.filter((s): s is string => typeof s === 'string') : [];
}

/** The `WWW-Authenticate` line a correct server sends when no token came. */
export function expectedChallengeLine(ctx: ServerContext): string {
  const scopes = scopesForFix(ctx);
  return `WWW-Authenticate: Bearer resource_metadata="${insertionUrl(ctx.url)}"${scopes.length ? `, scope="${scopes.join(' ')}"` : ''}`;
}

/** AUTH-FACTS 22. WARN: not canonical, plain http on a public host, internal host; INFO: a loopback URL. */
export const serverUrlCheck = define(SERVER_URL, 'Server URL is canonical and public', (ctx, v) => {
  const url = new URL(ctx.url);
  const canonical = `${url.protocol}//${url.host.toLowerCase()}${url.pathname.replace(/\/+$/, '') || '/mcp'}`;
  const problems: string[] = [];
  if (url.pathname === '/') problems.push('it has no path: serve MCP on a path such as /mcp (a bare origin gains a trailing slash in URL.href, and exact-match servers reject it)');
  else if (url.pathname.endsWith('/')) problems.push('it ends with a slash');
  if (url.search || ctx.url.includes('?')) problems.push('it has a query string');
  if (url.hash || ctx.url.includes('#')) problems.push('it has a fragment');
  if (url.pathname !== '/' && url.href !== ctx.url) problems.push(`it is not in canonical form (${url.href})`);
  const local = isLoopback(url.hostname);
  if (!local && url.protocol === 'http:') problems.push('it uses plain http on a public host: tokens would cross the network in clear text');
  if (!local && isInternalHost(url.hostname)) problems.push(`${url.hostname} is an internal host name: ChatGPT and claude.ai connect from their own clouds and can't reach it (clients on your machine or network, such as Claude Code or MCP Inspector, can)`);
  const [first] = problems;
  if (first) {
    return v.warn(`The MCP URL ${ctx.url} is not a good public URL: ${first}`, problems, `Use one canonical URL everywhere (the client, the metadata's resource, the token audience), e.g. ${url.protocol === 'http:' && !local ? canonical.replace(/^http:/, 'https:') : canonical}`);
  }
  if (local) {
    return v.info(
      `${ctx.url} is a local URL: fine for clients on this machine, such as Claude Code and MCP Inspector; ChatGPT and claude.ai connect from their clouds and need a public https URL`,
      [],
      'To connect ChatGPT or claude.ai, expose the server over https (a tunnel such as ngrok or cloudflared, or a deployment) and use that URL everywhere (create-fastapps projects: MCP_RESOURCE_URL)',
    );
  }
  return v.pass(`${ctx.url} is a canonical public https URL`);
});

function statusFix(status: number, probe: Probe): string {
  if (status === 403 && /invalid host/i.test(probe.res?.text ?? '')) {
    return 'The server rejects this Host header (DNS-rebinding protection): add the public host name to its allowed hosts (create-fastapps projects: ALLOWED_HOSTS; SDK: createMcpExpressApp({ allowedHosts }))';
  }
  if (status === 404 || status === 405) return 'Check the path: the MCP endpoint (e.g. /mcp) must accept POST at exactly this URL';
  if (status >= 500) return 'Look at the server log: a request without a token must get 401 with a challenge, never a server error';
  return 'Put the bearer-token gate in front of the MCP route: a request without a token gets 401 with WWW-Authenticate (SDK: requireBearerAuth)';
}

/** AUTH-FACTS 23. FAIL: no answer, or anything but 401 (200 only in mixed mode with protected tools declared). */
export const unauthenticatedCheck = define(SERVER_UNAUTHENTICATED, 'A request without a token gets 401', (ctx, v) => {
  const probe = ctx.anonymous;
  if (!probe) return v.skip('Skipped: not probed');
  if (probe.error) return v.fail(probe.error.message, [`POST ${ctx.url} (initialize, no Authorization header)`], probe.error.fix);
  const res = probe.res!;
  const details = [`POST initialize without a token → HTTP ${res.status}${res.contentType ? ` (${res.contentType})` : ''}`];
  if (res.status === 401) return v.pass(`POST ${ctx.url} without a token got 401`, details);
  if (res.status >= 300 && res.status < 400) {
    const location = res.headers['location'];
    const slash = location !== undefined && new URL(location, ctx.url).href === `${ctx.url}/`;
    return v.fail(
      `${ctx.url} answers a request without a token with a redirect (HTTP ${res.status}) to ${location ?? '(no Location)'}; MCP clients need 401 with a challenge to start sign-in`,
      details,
      slash ? `Serve MCP at exactly ${ctx.url} (no redirect to the trailing-slash path), behind the bearer-token gate` : 'Remove the redirect (a login page?) from the MCP route: answer 401 with WWW-Authenticate: Bearer resource_metadata="…" instead',
    );
  }
  if (res.status === 200) {
    if (looksLikeHtml(res)) {
      const title = htmlTitle(res.text);
      return v.fail(`${ctx.url} returned an HTML page${title ? ` ("${title}")` : ''} instead of an MCP response`, details, 'Route the MCP path to the MCP server (not a web app, login page or proxy interstitial) and protect it with a 401 challenge');
    }
    const tools = ctx.tools?.auth === 'anonymous' ? ctx.tools.list : undefined;
    const protectedCount = tools ? protectedTools(tools).length : 0;
    if (ctx.expect.authMode === 'required') {
      return v.fail(
        `${ctx.url} answers a request without a token with 200, but the configured auth mode is required`,
        details,
        'Put the bearer-token gate in front of the MCP route for every request (create-fastapps projects: AUTH_MODE=required)',
      );
    }
    if (protectedCount > 0) {
      return v.pass(`Mixed mode: ${ctx.url} serves anonymous requests (200) and ${protectedCount} protected tool(s) declare oauth2 securitySchemes`, details);
    }
    return v.fail(
      `${ctx.url} answers a request without a token with 200${tools ? ' and no tool declares an oauth2 securitySchemes' : ''}: nothing asks MCP clients to sign in`,
      details,
      'Answer requests without a token with 401 and WWW-Authenticate: Bearer resource_metadata="…" (or, in mixed mode, declare securitySchemes on protected tools and return the in-band challenge)',
    );
  }
  const snippet = bodySnippet(probe);
  if (snippet) details.push(`body: ${snippet}`);
  return v.fail(`${ctx.url} answers a request without a token with HTTP ${res.status}, not 401; MCP clients start sign-in only on 401`, details, statusFix(res.status, probe));
});

/** The 401 whose challenge is judged: the anonymous one, or (mixed mode) the bad-token one. */
function challengeSource(ctx: ServerContext): { probe: Probe; anonymous: boolean } | undefined {
  if (ctx.anonymous?.res?.status === 401) return { probe: ctx.anonymous, anonymous: true };
  if (answersAnonymously(ctx) && ctx.badToken?.res?.status === 401) return { probe: ctx.badToken, anonymous: false };
  return undefined;
}

/** AUTH-FACTS 24. FAIL: no header, not Bearer, malformed, no absolute resource_metadata; WARN: no scope, error on a no-token 401. */
export const challengeCheck = define(SERVER_CHALLENGE, '401 challenge points at the resource metadata', (ctx, v) => {
  const skip = unreachable(ctx);
  if (skip) return v.skip(skip);
  const source = challengeSource(ctx);
  if (!source) return v.skip('Skipped: the server sent no 401 to inspect');
  const raw = header(source.probe, 'www-authenticate');
  const line = expectedChallengeLine(ctx);
  const what = source.anonymous ? 'The 401 for a request without a token' : 'The 401 for an invalid token';
  if (raw === undefined) {
    return v.fail(`${what} has no WWW-Authenticate header, so clients can't find the protected resource metadata ("Resource server does not implement OAuth 2.0 Protected Resource Metadata")`, [], `Send ${line}`);
  }
  const challenge = challengeOf(source.probe)!;
  const details = [`WWW-Authenticate: ${raw}`];
  if (challenge.scheme.toLowerCase() !== 'bearer') return v.fail(`${what} uses the ${challenge.scheme || '(missing)'} scheme, not Bearer`, details, `Send ${line}`);
  const metadata = param(challenge, 'resource_metadata');
  if (challenge.problems.length > 0) return v.fail(`${what} has a malformed WWW-Authenticate header: ${challenge.problems.join('; ')}`, [...details, ...challenge.problems], `Send ${line}`);
  if (metadata === undefined) return v.fail(`${what} has no resource_metadata parameter, so clients must guess where the metadata is`, details, `Send ${line}`);
  if (!URL.canParse(metadata)) return v.fail(`resource_metadata "${metadata}" is not an absolute URL`, details, `Send ${line}`);
  const warnings: string[] = [];
  const rm = new URL(metadata);
  if (rm.protocol === 'http:' && !isLoopback(rm.hostname)) warnings.push(`resource_metadata ${metadata} uses plain http on a public host`);
  if (source.anonymous) {
    if (param(challenge, 'error') !== undefined) warnings.push(`it carries error="${param(challenge, 'error')}" although no token was sent (RFC 6750 §3.1: no error code then)`);
    if (param(challenge, 'scope') === undefined) warnings.push('it has no scope="…": MCP 2025-11-25 clients then request every scope in scopes_supported, or none');
  }
  const [first] = warnings;
  if (first) return v.warn(`${what}: ${first}`, [...details, ...warnings], `Send ${line}${source.anonymous ? ' (no error parameter when no token was sent)' : ''}`);
  const scope = param(challenge, 'scope');
  return v.pass(`Bearer challenge with resource_metadata="${metadata}"${scope !== undefined ? ` and scope="${scope}"` : ''}`, details);
});

function listHas(value: string | undefined, wanted: string): boolean {
  if (value === undefined) return false;
  return value.split(',').map((s) => s.trim().toLowerCase()).some((s) => s === '*' || s === wanted.toLowerCase());
}

const CORS_FIX =
  'On the MCP route send Access-Control-Allow-Origin (your browser clients, or *), Access-Control-Allow-Headers: Authorization, Content-Type, Mcp-Protocol-Version, Mcp-Session-Id and Access-Control-Expose-Headers: WWW-Authenticate, Mcp-Session-Id (Express: cors({ exposedHeaders: ["WWW-Authenticate", "Mcp-Session-Id"], allowedHeaders: ["Authorization", "Content-Type", "Mcp-Protocol-Version", "Mcp-Session-Id"] }))';

/** AUTH-FACTS 25. WARN: no CORS, or a preflight/response that hides the challenge from browser clients. */
export const corsCheck = define(SERVER_CORS, 'Browser clients can read the challenge (CORS)', (ctx, v) => {
  const skip = unreachable(ctx);
  if (skip) return v.skip(skip);
  const pf = ctx.preflight;
  const actual = ctx.anonymousWithOrigin;
  if (!pf && !actual) return v.skip('Skipped: not probed');
  const details = [
    `OPTIONS from http://localhost:6274 → ${pf?.error ? pf.error.message : `HTTP ${pf?.res?.status}`}; Allow-Origin: ${header(pf, 'access-control-allow-origin') ?? '(none)'}; Allow-Headers: ${header(pf, 'access-control-allow-headers') ?? '(none)'}`,
    `POST from http://localhost:6274 → ${actual?.error ? actual.error.message : `HTTP ${actual?.res?.status}`}; Allow-Origin: ${header(actual, 'access-control-allow-origin') ?? '(none)'}; Expose-Headers: ${header(actual, 'access-control-expose-headers') ?? '(none)'}`,
  ];
  const enabled = header(pf, 'access-control-allow-origin') !== undefined || header(actual, 'access-control-allow-origin') !== undefined;
  if (!enabled) {
    return v.warn(`${ctx.url} sends no CORS headers: browser-based clients (MCP Inspector, claude.ai on the web) can't connect; ChatGPT and other server-side clients are unaffected`, details, CORS_FIX);
  }
  const problems: string[] = [];
  const status = pf?.res?.status;
  if (pf && (status === undefined || status < 200 || status >= 300)) problems.push(`the preflight got ${pf.error ? pf.error.message : `HTTP ${status}`}, not 2xx (the bearer gate must let OPTIONS through)`);
  const allowHeaders = header(pf, 'access-control-allow-headers');
  // A wildcard never covers Authorization (Fetch standard), so it must be listed by name.
  if (pf && !(allowHeaders ?? '').split(',').some((h) => h.trim().toLowerCase() === 'authorization')) problems.push('the preflight does not allow the Authorization header (a "*" does not cover it)');
  if (pf && allowHeaders !== undefined && !listHas(allowHeaders, 'mcp-protocol-version')) problems.push('the preflight does not allow the Mcp-Protocol-Version header');
  if (actual?.res && header(actual, 'access-control-allow-origin') === undefined) problems.push(`the HTTP ${actual.res.status} response has no Access-Control-Allow-Origin, so the browser hides it`);
  if (actual?.res && !listHas(header(actual, 'access-control-expose-headers'), 'www-authenticate')) {
    problems.push(`Access-Control-Expose-Headers does not include WWW-Authenticate, so browser clients can't read the challenge ("Couldn't reach the MCP server" in MCP Inspector while curl works)`);
  }
  const [first] = problems;
  if (first) return v.warn(`CORS on ${ctx.url}: ${first}`, [...details, ...problems], CORS_FIX);
  return v.pass('Browser clients may send Authorization and can read WWW-Authenticate (CORS)', details);
});
