/**
 * `server.sign-in` (SPEC §9): does the authorization server the hosts are sent to accept them?
 * ChatGPT, claude.ai, Claude Desktop and Claude Code refuse metadata without S256 in
 * `code_challenge_methods_supported`, and each host registers its own way (../shared/CLIENTS.md). The mode is read from the metadata
 * (and, in a project, from fastapps.json) and reported:
 *
 * - a façade (the server's own origin as issuer, publishing another origin's keys) must not promise
 *   RFC 9207 `iss`, and its pass-through endpoints must answer: the authorization endpoint refuses a
 *   bare request, and the token endpoint relays the provider's refusal of a made-up code (a 502
 *   means it cannot reach it);
 * - a broker (the server's own origin as issuer, with its own keys) must let hosts register
 *   (`registration_endpoint` or `client_id_metadata_document_supported: true`), send RFC 9207 `iss`
 *   (`authorization_response_iss_parameter_supported: true`), and name its issuer as the origin of
 *   the MCP URL byte for byte.
 */
import { defineCheckOf, str, strings, type Verdicts } from '../../issuer/context.js';
import type { Finding, SignIn } from '../../issuer/types.js';
import { HOSTS, hostRegistration, hostsRefusingWithoutS256, registrationOffer, type Host } from '../../generate/hosts.js';
import { SERVER_SIGN_IN, type ServerCheckId } from '../ids.js';
import { bodySnippet, outcome, type Probe, type ServerContext } from './context.js';

const define = (id: ServerCheckId, title: string, run: (ctx: ServerContext, v: Verdicts) => Finding) => defineCheckOf<ServerContext, ServerCheckId>(id, title, run);

const originOf = (url: string | undefined): string | undefined => (url && URL.canParse(url) ? new URL(url).origin : undefined);

/** What is wrong with a façade's pass-through endpoint, or undefined when it answers as one should. */
function passThroughProblem(kind: 'authorization' | 'token', p: Probe | undefined): string | undefined {
  if (!p) return undefined;
  if (p.error) return `its ${kind} endpoint ${p.url} did not answer: ${p.error.message}`;
  const status = p.res?.status ?? 0;
  if (status === 404 || status === 405) return `its ${kind} endpoint ${p.url} answers HTTP ${status}: the pass-through is not mounted`;
  if (kind === 'authorization') return status === 400 || (status >= 300 && status < 400) ? undefined : `its authorization endpoint ${p.url} answered a bare request with HTTP ${status} (expected 400)`;
  if (status >= 500) return `its token endpoint ${p.url} could not relay a token request to the provider (HTTP ${status}: ${bodySnippet(p)})`;
  let error: unknown;
  try {
    error = (JSON.parse(p.res?.text ?? '') as { error?: unknown }).error;
  } catch {
    return `its token endpoint ${p.url} answered HTTP ${status} without a JSON body`;
  }
  return typeof error === 'string' ? undefined : `its token endpoint ${p.url} answered a made-up code with HTTP ${status} and no OAuth error`;
}

/** The sign-in mode the metadata shows (a project's recorded `broker` wins: its metadata must then prove it). */
export function detectedSignIn(ctx: ServerContext, doc: Record<string, unknown>): SignIn {
  const mcpOrigin = new URL(ctx.url).origin;
  const issuer = str(doc, 'issuer');
  const keysOrigin = originOf(str(doc, 'jwks_uri'));
  if (ctx.expect.signIn === 'broker') return 'broker';
  if (issuer === mcpOrigin && keysOrigin !== undefined && keysOrigin !== mcpOrigin) return 'facade';
  if (issuer === mcpOrigin) return 'broker';
  return 'direct';
}

const names = (hosts: readonly Host[]) => hosts.map((host) => host.name).join(', ');

/**
 * Which hosts register how with this authorization server, only as far as ../shared/CLIENTS.md says
 * (hostRegistration): "how hosts register: ChatGPT, claude.ai and Claude Desktop with their client
 * metadata documents (CIMD); Claude Code, VS Code, Cursor by dynamic client registration". At a
 * broker a client registered by hand is no way in (there is no provider console to register it at).
 */
export function registrationSummary(doc: Record<string, unknown>, broker: boolean): string {
  const offer = registrationOffer(doc);
  const how = new Map<string, Host[]>();
  for (const host of HOSTS) {
    let way = hostRegistration(host, offer) ?? 'unknown';
    if (broker && way === 'by-hand') way = 'unknown';
    how.set(way, [...(how.get(way) ?? []), host]);
  }
  const ways: Record<string, (one: boolean) => string> = {
    cimd: (one) => `with ${one ? 'its' : 'their'} client metadata document${one ? '' : 's'} (CIMD)`,
    dcr: () => 'by dynamic client registration',
    'by-hand': () => 'with a client registered by hand at the provider',
  };
  const parts: string[] = [];
  for (const way of ['cimd', 'dcr', 'by-hand']) {
    const hosts = how.get(way);
    if (hosts) parts.push(`${names(hosts)} ${ways[way]!(hosts.length === 1)}`);
  }
  const unknown = how.get('unknown');
  if (unknown) parts.push(`not known for ${names(unknown)}`);
  const claude = HOSTS.find((host) => host.id === 'claude')!;
  const note = offer.cimd && !offer.none && hostRegistration(claude, offer) !== 'cimd' ? ` (${claude.name} use CIMD only when token_endpoint_auth_methods_supported lists none)` : '';
  return `how hosts register${broker ? ' with it' : ''}: ${parts.join('; ')}${note}`;
}

const MODE_NOTE: Record<SignIn, string> = {
  direct: 'direct (hosts sign in at the provider)',
  facade: 'facade (the server publishes metadata over the provider)',
  broker: 'broker (the server is the authorization server hosts register with)',
};

export const signInCheck = define(SERVER_SIGN_IN, 'Hosts accept the authorization server', (ctx, v) => {
  const doc = ctx.authServer?.doc;
  if (!doc) return v.skip('Skipped: the authorization server metadata could not be loaded');
  const mcpOrigin = new URL(ctx.url).origin;
  const issuer = str(doc, 'issuer') ?? '(no issuer)';
  const keysOrigin = originOf(str(doc, 'jwks_uri'));
  const mode = detectedSignIn(ctx, doc);
  const facade = mode === 'facade';
  const generated = ctx.expect.generated === true;
  const details = [
    `authorization server: ${issuer}${facade ? ` (a façade over ${keysOrigin})` : ''}`,
    `code_challenge_methods_supported: ${JSON.stringify(strings(doc, 'code_challenge_methods_supported') ?? null)}`,
    `sign-in detected: ${MODE_NOTE[mode]}${ctx.expect.signIn !== undefined && ctx.expect.signIn !== mode ? `; fastapps.json says ${ctx.expect.signIn}` : ''}`,
  ];

  if (strings(doc, 'code_challenge_methods_supported')?.includes('S256') !== true) {
    return v.fail(
      `The authorization server ${issuer} lists no S256 in code_challenge_methods_supported, so ${hostsRefusingWithoutS256()} refuse to sign in (ChatGPT already when the connector is created)`,
      details,
      mode === 'broker'
        ? 'The broker must publish "code_challenge_methods_supported": ["S256"]: check that the server runs with OAUTH_SIGN_IN=broker and this version of src/auth'
        : generated
          ? 'Use the façade sign-in, which publishes S256 over the provider: npx create-fastapps auth --sign-in facade, then restart the server'
          : 'Publish "code_challenge_methods_supported": ["S256"], or serve an RFC 8414 façade on the MCP origin that adds it over the provider’s endpoints',
    );
  }
  if (mode === 'broker') {
    const problems: string[] = [];
    if (issuer !== mcpOrigin) problems.push(`its issuer is "${issuer}", not the origin of the MCP URL "${mcpOrigin}" byte for byte`);
    if (typeof doc['registration_endpoint'] !== 'string' && doc['client_id_metadata_document_supported'] !== true) {
      problems.push('it offers hosts no way to register (no registration_endpoint, and client_id_metadata_document_supported is not true)');
    }
    if (doc['authorization_response_iss_parameter_supported'] !== true) problems.push('authorization_response_iss_parameter_supported is not true (a broker sends its own iss, RFC 9207)');
    const [first] = problems;
    if (first) {
      return v.fail(
        `The broker ${issuer} is not what hosts expect of their authorization server: ${first}`,
        [...details, ...problems],
        generated
          ? `Check that the server runs with OAUTH_SIGN_IN=broker and MCP_RESOURCE_URL=${ctx.expect.resource ?? ctx.url} (the broker's issuer is its origin), then restart it`
          : 'Publish the broker’s own RFC 8414 metadata: issuer exactly the MCP origin, a registration_endpoint or client_id_metadata_document_supported: true, and authorization_response_iss_parameter_supported: true',
      );
    }
    return v.pass(`A broker: ${issuer} is its own authorization server (S256, RFC 9207 iss); ${registrationSummary(doc, true)}`, details);
  }
  if (facade) {
    if (doc['authorization_response_iss_parameter_supported'] === true) {
      return v.fail(
        `The façade ${issuer} says authorization responses carry its iss (RFC 9207), but they come from the provider with the provider's iss: hosts will refuse every sign-in`,
        details,
        'Do not publish authorization_response_iss_parameter_supported on a façade; a provider that sends iss needs direct sign-in or a broker',
      );
    }
    const problems = [passThroughProblem('authorization', ctx.facade?.authorize), passThroughProblem('token', ctx.facade?.token)].filter((p): p is string => p !== undefined);
    if (ctx.facade?.authorize) details.push(`GET ${ctx.facade.authorize.url}: ${outcome(ctx.facade.authorize)}`);
    if (ctx.facade?.token) details.push(`POST ${ctx.facade.token.url} with a made-up code: ${outcome(ctx.facade.token)} ${bodySnippet(ctx.facade.token, 100)}`);
    const [first] = problems;
    if (first) {
      return v.fail(`The façade ${issuer} publishes what hosts need, but ${first}`, [...details, ...problems], generated ? 'Check that the server runs with OAUTH_SIGN_IN=facade and can reach the provider (OAUTH_HTTP_TIMEOUT, proxy, firewall); the log says why a relay failed' : 'Serve the pass-through endpoints the metadata names, and let them reach the provider');
    }
    return v.pass(
      `A façade: ${issuer} echoes its own issuer and lists S256 over the provider's endpoints${ctx.facade ? ', and its pass-through endpoints answer' : ''}; ${registrationSummary(doc, false)}`,
      details,
    );
  }
  return v.pass(`${issuer} lists S256; ${registrationSummary(doc, false)}`, details);
});
