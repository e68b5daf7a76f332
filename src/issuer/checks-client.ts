/**
 * Checks on what MCP clients need from the metadata to run the flow: PKCE (item 12), a registration
 * path (13), the opt-in registration probe (14), token endpoint auth methods (15), advertised scopes
 * (16), RFC 9207 `iss` (17). None of these blocks `create`.
 */
import { HOSTS, brokerCallbackUrl, hostRegistration, registrationOffer } from '../generate/hosts.js';
import {
  ISS_PARAMETER,
  PKCE,
  REDIRECT_URIS,
  REGISTRATION,
  REGISTRATION_PROBE,
  SCOPES,
  TOKEN_AUTH_METHODS,
} from './check-ids.js';
import { NO_DOCUMENT, chosenDoc, defineCheck, str, strings } from './context.js';
import { familyDoctor, familyName, fixFor, hintFor } from './flavor.js';

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const CHATGPT_REDIRECT = 'https://chatgpt.com/connector/oauth/{callback_id}';

/** AUTH-FACTS 12. WARN when `code_challenge_methods_supported` is absent (Entra, Cognito); FAIL when it lacks S256. */
export const pkceCheck = defineCheck(PKCE, 'PKCE (S256) is advertised', (ctx, v) => {
  const doc = chosenDoc(ctx);
  if (!doc) return v.skip(NO_DOCUMENT);
  const methods = strings(doc, 'code_challenge_methods_supported');
  if (methods === undefined) {
    const name = familyName(ctx.flavor);
    if (ctx.input.signIn === 'facade') {
      return v.pass(`${capitalize(name)} lists no code_challenge_methods_supported; the façade sign-in publishes ["S256"] for it`);
    }
    if (ctx.input.signIn === 'broker') {
      return v.pass(`${capitalize(name)} lists no code_challenge_methods_supported; hosts sign in at the broker, which publishes ["S256"] (and uses S256 at ${name} itself)`);
    }
    const facade = 'use the façade sign-in (create or auth with --sign-in facade): the server publishes its own metadata with "code_challenge_methods_supported": ["S256"] over the provider’s endpoints';
    return v.warn(
      'The metadata has no code_challenge_methods_supported: ChatGPT (at connector creation), claude.ai, Claude Desktop and Claude Code refuse to sign in, as MCP clients from 2025-11-25 on must',
      [],
      fixFor(ctx.flavor, 'pkce.unadvertised', `Advertise "code_challenge_methods_supported": ["S256"] in the authorization server metadata, or ${facade}`, { facade }),
    );
  }
  if (!methods.includes('S256')) {
    return v.fail(
      `code_challenge_methods_supported is ${JSON.stringify(methods)}, without "S256", the only method MCP clients use`,
      [],
      'Enable PKCE with the S256 method on the authorization server',
    );
  }
  return v.pass(`PKCE methods advertised: ${methods.join(', ')}`);
});

const REGISTER_CLIENT = `Pre-register a client at the authorization server (redirect URI ${CHATGPT_REDIRECT} for ChatGPT) and paste its client id (and secret) into the MCP client, or enable dynamic client registration / Client ID Metadata Documents`;

/**
 * AUTH-FACTS 13. PASS with CIMD or a registration endpoint; with neither, WARN (pre-register a
 * client) when `preRegisteredClient`, else FAIL. Okta's endpoint needs an API token: WARN unless a
 * client is pre-registered.
 */
export const registrationCheck = defineCheck(REGISTRATION, 'MCP clients have a way to register', (ctx, v) => {
  const doc = chosenDoc(ctx);
  if (!doc) return v.skip(NO_DOCUMENT);
  if (ctx.input.signIn === 'broker') return v.pass('Hosts register with the broker (dynamic registration or client metadata documents); at the provider, the broker uses its own client (OAUTH_BROKER_CLIENT_ID)');
  const pre = ctx.input.preRegisteredClient === true;
  const endpoint = str(doc, 'registration_endpoint');
  const fix = fixFor(ctx.flavor, 'registration.register-client', REGISTER_CLIENT, { redirect: CHATGPT_REDIRECT });
  const needsApiToken = familyDoctor(ctx.flavor)?.registrationNeedsApiToken === true;
  if (doc['client_id_metadata_document_supported'] === true) {
    // claude.ai and Claude Desktop use CIMD only when public clients are accepted too (CLIENTS.md).
    const details = strings(doc, 'token_endpoint_auth_methods_supported')?.includes('none')
      ? []
      : [`claude.ai and Claude Desktop use CIMD only when token_endpoint_auth_methods_supported also lists none; here they ${endpoint && !needsApiToken ? `register at ${endpoint} instead` : 'need a client registered by hand'}`];
    const refusesChatGpt = familyDoctor(ctx.flavor)?.refusesChatGptCimd;
    if (refusesChatGpt) return v.warn(refusesChatGpt.summary, details, refusesChatGpt.fix);
    return v.pass('Client ID Metadata Documents are supported (client_id_metadata_document_supported: true)', details);
  }
  if (endpoint && needsApiToken) {
    const name = familyName(ctx.flavor);
    if (pre) return v.pass(`A pre-registered client will be used (${name}’s registration endpoint needs an API token)`, [endpoint]);
    return v.warn(
      `${name} lists registration_endpoint ${endpoint}, but it needs an ${name} API token, so MCP clients can't register themselves`,
      [endpoint],
      fix,
    );
  }
  if (endpoint) {
    // With --probe, the probe's own finding says whether the endpoint is really open.
    const listed = ctx.input.probeRegistration ? undefined : hintFor(ctx.flavor, 'registration.endpoint-listed');
    const details = listed === undefined ? [] : [listed];
    return v.pass(`Dynamic client registration is advertised at ${endpoint}`, details);
  }
  const summary = `${capitalize(familyName(ctx.flavor))} offers no client registration (no registration_endpoint, no Client ID Metadata Document support)`;
  if (pre) return v.warn(`${summary}: MCP clients must be given the pre-registered client`, [], fix);
  return v.fail(`${summary}, and no pre-registered client is configured`, [], fix);
});

const PROBE_FIX = 'Open dynamic client registration to anonymous clients, or pre-register a client and give its id to the MCP client';

/** The skip finding when --probe was not given: what the probe would send. */
export const PROBE_NOT_REQUESTED = 'Skipped: not requested (doctor --probe sends one deliberately invalid registration, which creates no client)';

/**
 * AUTH-FACTS 14 (opt-in, doctor --probe). PASS when the endpoint refuses the deliberately invalid
 * metadata as invalid (anyone may register); WARN when it refuses the anonymous caller instead, or
 * answers something else. A provider may read the answer itself (Keycloak's policies).
 */
export const registrationProbeCheck = defineCheck(REGISTRATION_PROBE, 'Registration endpoint accepts anonymous clients', (ctx, v) => {
  if (!ctx.input.probeRegistration) return v.skip(PROBE_NOT_REQUESTED);
  if (ctx.input.signIn === 'broker') return v.skip('Skipped: hosts register with the broker, not at the provider');
  const doc = chosenDoc(ctx);
  if (!doc) return v.skip(NO_DOCUMENT);
  const p = ctx.probe;
  if (!p) return v.skip('Skipped: the document has no registration_endpoint');
  if (p.error) return v.warn(`The registration probe to ${p.url} failed: ${p.error.message}`, [], p.error.fix);
  const answer = `HTTP ${p.status}${p.errorCode ? ` ${p.errorCode}` : ''}`;
  const said = p.errorDescription ? [`${p.url} said: ${p.errorDescription}`] : [];
  const own = p.status === undefined ? undefined : familyDoctor(ctx.flavor)?.registrationProbe?.({ status: p.status, ...(p.errorCode ? { error: p.errorCode } : {}), ...(p.errorDescription ? { description: p.errorDescription } : {}) });
  const fix = own?.fix ?? fixFor(ctx.flavor, 'registration.protected', PROBE_FIX);
  const closed = (summary: string, details: string[]) =>
    // With a pre-registered client, MCP clients are given that one and need not register.
    ctx.input.preRegisteredClient === true ? v.info(`${summary}; MCP clients use the pre-registered client instead`, details) : v.warn(summary, details, fix);
  if (own?.verdict === 'open') return v.pass(own.summary, [...said, ...(own.details ?? [])]);
  if (own) return closed(own.summary, [...said, ...(own.details ?? [])]);
  if (p.verdict === 'open') return v.pass(`${p.url} rejected the deliberately invalid request with ${answer}: anonymous registration is open`);
  if (p.verdict === 'protected') return closed(`${p.url} answered ${answer} to an anonymous registration: it needs an initial access token, so MCP clients can't register themselves`, said);
  if (p.verdict === 'created') {
    return v.warn(
      `${p.url} registered a client (${p.clientId}) for metadata that is not valid (a redirect URI that is not a URI): it does not validate what it registers`,
      said,
      `Delete that client at the authorization server, and have its registration endpoint validate client metadata (RFC 7591 §3.2.2)`,
    );
  }
  return v.warn(
    `${p.url} answered ${answer} to deliberately invalid client metadata; expected 400 invalid_redirect_uri or invalid_client_metadata`,
    said,
    'Check that registration_endpoint points at a working RFC 7591 registration endpoint',
  );
});

/** How each host registers with this authorization server, said in a redirect-URI line. */
const REGISTERS: Record<'cimd' | 'dcr' | 'by-hand', string> = {
  cimd: 'registers itself here by its client metadata document',
  dcr: 'registers itself here by dynamic registration',
  'by-hand': 'needs a client registered by hand here',
};

/**
 * AUTH-FACTS 43 (info). What the authorization server must allow as redirect URIs: each host's,
 * exactly, for a client registered by hand (hosts that register themselves send their own; each
 * line says which the host will do here); behind the broker, only the broker's callback, on its own
 * client. The local provider is the project's own server: nothing to allow.
 */
export const redirectUrisCheck = defineCheck(REDIRECT_URIS, 'Redirect URIs the authorization server must allow', (ctx, v) => {
  if (ctx.input.provider === 'local') return v.skip('Skipped: the local provider is the project itself, and hosts register with it');
  const name = familyName(ctx.flavor);
  if (ctx.input.signIn === 'broker') {
    const callback = ctx.input.resource && URL.canParse(ctx.input.resource) ? brokerCallbackUrl(ctx.input.resource) : '<MCP origin>/oauth/callback';
    const client = ctx.input.brokerClientId ? `the broker's own client ${ctx.input.brokerClientId}` : "the broker's own client (OAUTH_BROKER_CLIENT_ID)";
    return v.info(`Hosts sign in at the broker, so ${name} needs one redirect URI, the broker's callback ${callback}, on ${client}`, []);
  }
  const doc = chosenDoc(ctx);
  // A registration endpoint that needs the provider's API token is none MCP clients can use.
  const offered = doc && registrationOffer(doc);
  const offer = offered && { ...offered, dcr: offered.dcr && familyDoctor(ctx.flavor)?.registrationNeedsApiToken !== true };
  return v.info(
    `A client registered by hand at ${name} needs the redirect URIs of the host that uses it, exactly (hosts that register themselves send their own)`,
    HOSTS.map((host) => {
      const how = offer ? hostRegistration(host, offer) : undefined;
      return `${host.name}${how ? ` (${REGISTERS[how]})` : ''}: ${host.redirectUris.join(', ')}`;
    }),
  );
});

/** AUTH-FACTS 15. WARN unless `none` (public PKCE clients) or `private_key_jwt` (ChatGPT's CIMD client) is listed. */
export const tokenAuthMethodsCheck = defineCheck(TOKEN_AUTH_METHODS, 'Token endpoint accepts public or private_key_jwt clients', (ctx, v) => {
  const doc = chosenDoc(ctx);
  if (!doc) return v.skip(NO_DOCUMENT);
  // The broker's own client authenticates with its secret (signin.broker checks that the provider accepts it).
  if (ctx.input.signIn === 'broker') return v.pass('Hosts authenticate at the broker; the broker authenticates at the provider with its client secret (checked by signin.broker)');
  const listed = strings(doc, 'token_endpoint_auth_methods_supported');
  const methods = listed ?? ['client_secret_basic'];
  const good = methods.filter((m) => m === 'none' || m === 'private_key_jwt');
  if (good.length) return v.pass(`Token endpoint auth methods include ${good.join(' and ')}`, [`token_endpoint_auth_methods_supported: ${methods.join(', ')}`]);
  const seen = listed ? `lists only ${methods.join(', ')}` : 'is absent (the default is client_secret_basic)';
  return v.warn(
    `token_endpoint_auth_methods_supported ${seen}: neither "none" (public PKCE clients) nor "private_key_jwt" (ChatGPT's metadata-document client)`,
    [],
    fixFor(ctx.flavor, 'token-auth-methods.no-public', 'Configure the client as public (token_endpoint_auth_method "none") or give the MCP client the client secret'),
  );
});

const OIDC_BASIC = new Set(['openid', 'profile', 'email']);
const RISKY = new Set(['phone', 'address', 'offline_access']);

function preview(list: string[], max = 5): string {
  return list.length > max ? `${list.slice(0, max).join(', ')} and ${list.length - max} more` : list.join(', ');
}

/** AUTH-FACTS 16. WARN when scopes beyond openid/profile/email are advertised (ChatGPT requests them all). */
export const scopesCheck = defineCheck(SCOPES, 'Advertised scopes can all be granted', (ctx, v) => {
  const doc = chosenDoc(ctx);
  if (!doc) return v.skip(NO_DOCUMENT);
  const scopes = strings(doc, 'scopes_supported');
  if (!scopes?.length) return v.pass('No scopes_supported advertised; clients request only the scopes your server asks for');
  if (ctx.input.signIn === 'facade') return v.pass('The façade sign-in advertises only the scopes this server needs, so hosts do not request the provider’s others');
  if (ctx.input.signIn === 'broker') return v.pass('The broker advertises only the scopes this server needs, and asks the provider for those and the OpenID Connect scopes it offers');
  const extra = scopes.filter((s) => !OIDC_BASIC.has(s));
  if (!extra.length) return v.pass(`Advertised scopes: ${scopes.join(', ')}`);
  const risky = extra.filter((s) => RISKY.has(s));
  const custom = extra.filter((s) => !RISKY.has(s));
  const details = [`scopes_supported: ${preview(scopes, 12)}`];
  if (risky.length) details.push(`often not enabled for an app client: ${risky.join(', ')}`);
  if (custom.length) details.push(`provider-specific: ${preview(custom)}`);
  return v.warn(
    `The metadata advertises ${extra.length} scope(s) beyond openid, profile, email (${preview(extra)}); ChatGPT requests every advertised scope by default, and /authorize fails with invalid_scope if the client isn't allowed them`,
    details,
    fixFor(ctx.flavor, 'scopes.extra', 'Enable these scopes for the app client, or serve an authorization server metadata façade with a trimmed scopes_supported'),
  );
});

/** AUTH-FACTS 17. INFO: RFC 9207 `iss` in authorization responses is recommended (MCP 2026-07-28). */
export const issParameterCheck = defineCheck(ISS_PARAMETER, 'Authorization responses identify the issuer (RFC 9207)', (ctx, v) => {
  const doc = chosenDoc(ctx);
  if (!doc) return v.skip(NO_DOCUMENT);
  if (doc['authorization_response_iss_parameter_supported'] === true) return v.pass('authorization_response_iss_parameter_supported is true');
  return v.info(
    'authorization_response_iss_parameter_supported is not true; MCP 2026-07-28 recommends the iss parameter in authorization responses (mix-up defence)',
    [],
    fixFor(ctx.flavor, 'iss-parameter.unsupported', 'Enable RFC 9207 issuer identification in authorization responses if the server supports it'),
  );
});
