/**
 * Server checks on what ChatGPT needs to offer account linking: `securitySchemes` on every tool
 * (AUTH-FACTS 33) and, in mixed mode, the in-band challenge of a protected tool called
 * anonymously (34). Both read the raw JSON-RPC responses, as ChatGPT does.
 */
import { defineCheckOf, type Verdicts } from '../../issuer/context.js';
import type { Finding } from '../../issuer/types.js';
import { SERVER_SECURITY_SCHEMES, SERVER_TOOL_CHALLENGE, type ServerCheckId } from '../ids.js';
import { unreachable } from './checks-endpoint.js';
import { answersAnonymously, insertionUrl, oauthScopes, prmDoc, schemesOf, type ServerContext } from './context.js';
import { parseChallenge, param } from './www-authenticate.js';

const define = (id: ServerCheckId, title: string, run: (ctx: ServerContext, v: Verdicts) => Finding) => defineCheckOf<ServerContext, ServerCheckId>(id, title, run);

const SCHEMES_FIX =
  'Declare securitySchemes on every tool: [{ "type": "oauth2", "scopes": [...] }] for tools that need sign-in, [{ "type": "noauth" }] for public ones (both for optional sign-in); with the TS SDK put it under _meta.securitySchemes, since McpServer drops unknown top-level tool fields';

function invalidEntries(schemes: unknown[]): string[] {
  const out: string[] = [];
  for (const s of schemes) {
    const type = (s as { type?: unknown })?.type;
    if (type === 'noauth') continue;
    if (type === 'oauth2') {
      const scopes = (s as { scopes?: unknown }).scopes;
      if (scopes !== undefined && !(Array.isArray(scopes) && scopes.every((x) => typeof x === 'string'))) out.push('an oauth2 entry whose scopes is not an array of strings');
      continue;
    }
    out.push(`an entry of type ${JSON.stringify(type ?? null)} (only "noauth" and "oauth2" exist)`);
  }
  return out;
}

/** AUTH-FACTS 33. FAIL: no tool declares securitySchemes; WARN: some don't, invalid entries, scopes outside scopes_supported. */
export const securitySchemesCheck = define(SERVER_SECURITY_SCHEMES, 'Every tool declares securitySchemes', (ctx, v) => {
  const skip = unreachable(ctx);
  if (skip) return v.skip(skip);
  const tools = ctx.tools;
  if (!tools) {
    return v.skip(ctx.withToken ? 'Skipped: the server did not accept the token, so tools could not be listed' : 'Skipped: listing tools needs --token (the server requires sign-in for every request)');
  }
  if (!tools.list) return v.warn(`tools/list ${tools.auth === 'token' ? 'with the token' : 'without a token'} failed: ${tools.exchange.problem ?? tools.exchange.message?.error?.message ?? 'no tools in the response'}`, [], 'Check the server log; tools/list must answer with the tool list');
  const list = tools.list;
  if (list.length === 0) return v.info('The server lists no tools', []);
  const advertised = prmDoc(ctx)?.['scopes_supported'];
  const have = new Set(Array.isArray(advertised) ? advertised : []);
  const without = list.filter((t) => schemesOf(t) === undefined).map((t) => t.name);
  const details: string[] = list.map((t) => {
    const top = Array.isArray(t['securitySchemes']);
    const meta = Array.isArray(t._meta?.['securitySchemes']);
    const where = top && meta ? 'top level and _meta' : top ? 'top level only' : meta ? '_meta only' : 'none';
    return `${t.name}: ${JSON.stringify(schemesOf(t) ?? null)} (${where})`;
  });
  if (without.length === list.length) {
    return v.fail(`None of the ${list.length} tools declares securitySchemes, so ChatGPT never offers to link an account`, details, SCHEMES_FIX);
  }
  const problems: string[] = [];
  if (without.length) problems.push(`${without.length} of ${list.length} tools declare no securitySchemes (${without.join(', ')}); ChatGPT applies the server default to them`);
  for (const tool of list) {
    const invalid = invalidEntries(schemesOf(tool) ?? []);
    if (invalid.length) problems.push(`${tool.name} has ${invalid.join(' and ')}`);
    const outside = (oauthScopes(tool) ?? []).filter((s) => have.size > 0 && !have.has(s));
    if (outside.length) problems.push(`${tool.name} asks for ${outside.join(' ')}, which the metadata's scopes_supported lacks`);
  }
  const [first] = problems;
  if (first) return v.warn(first, [...details, ...problems], SCHEMES_FIX);
  const protectedCount = list.filter((t) => oauthScopes(t) !== undefined).length;
  return v.pass(`All ${list.length} tools declare securitySchemes (${protectedCount} with oauth2)`, details);
});

/** The `_meta` object a protected tool returns to an anonymous caller, for the fix. */
function challengeExample(ctx: ServerContext): string {
  return `{ "isError": true, "content": [{ "type": "text", "text": "Sign in to use this tool." }], "_meta": { "mcp/www_authenticate": ["Bearer resource_metadata=\\"${insertionUrl(ctx.url)}\\", error=\\"invalid_token\\", error_description=\\"Sign in to use this tool.\\""] } }`;
}

/** AUTH-FACTS 34 (mixed mode). FAIL: an anonymous call of a protected tool is not answered with isError and a well-formed `_meta["mcp/www_authenticate"]`. */
export const toolChallengeCheck = define(SERVER_TOOL_CHALLENGE, 'Protected tools answer anonymous calls with a sign-in challenge', (ctx, v) => {
  const skip = unreachable(ctx);
  if (skip) return v.skip(skip);
  if (!answersAnonymously(ctx)) return v.skip('Skipped: required mode — every request without a token gets HTTP 401, which starts sign-in');
  const call = ctx.toolCall;
  if (!call) return v.skip('Skipped: the tools could not be listed anonymously');
  if (call.skipped || !call.exchange) return v.skip(`Skipped: ${call.skipped ?? 'no tool to call'}`);
  const fix = `Return the in-band challenge from the tool: ${challengeExample(ctx)}`;
  const ex = call.exchange;
  const what = `The anonymous call of the protected tool ${call.tool}`;
  if (ex.problem) return v.fail(`${what} failed: ${ex.problem}`, [], fix);
  if (ex.message?.error) return v.fail(`${what} got a JSON-RPC error (${ex.message.error.code ?? '?'}: ${ex.message.error.message ?? ''}); ChatGPT shows an error instead of "Connect"`, [], fix);
  const result = (ex.message?.result ?? {}) as { isError?: unknown; _meta?: Record<string, unknown> };
  if (result.isError !== true) return v.fail(`${what} succeeded without a token: it must return isError: true with _meta["mcp/www_authenticate"]`, [], fix);
  const raw = result._meta?.['mcp/www_authenticate'];
  const values = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string') : [];
  if (values.length === 0) return v.fail(`${what} returned isError but no _meta["mcp/www_authenticate"], so ChatGPT shows a plain error instead of "Connect"`, [], fix);
  const details = values.map((value) => `mcp/www_authenticate: ${value}`);
  for (const value of values) {
    if (/^['"]/.test(value.trim())) return v.fail(`${what} wraps the challenge in quotes (${value.slice(0, 40)}…); send the bare challenge`, details, fix);
    const challenge = parseChallenge(value);
    const missing = ['resource_metadata', 'error', 'error_description'].filter((p) => param(challenge, p) === undefined);
    if (challenge.scheme.toLowerCase() !== 'bearer' || challenge.problems.length || missing.length) {
      const problems = [...(challenge.scheme.toLowerCase() !== 'bearer' ? [`scheme ${challenge.scheme || '(none)'} instead of Bearer`] : []), ...challenge.problems, ...missing.map((p) => `no ${p}`)];
      return v.fail(`${what} returned a challenge ChatGPT can't use: ${problems.join('; ')}`, details, fix);
    }
  }
  return v.pass(`${what} returned isError with the sign-in challenge in _meta["mcp/www_authenticate"]`, details);
});
