/**
 * Checks on the issuer string itself: syntax (item 1) and Okta's org server (item 3).
 */
import { ISSUER_URL, OKTA_ORG_SERVER } from './check-ids.js';
import { defineCheck } from './context.js';

/** AUTH-FACTS 1. FAIL: not an absolute https URL (http only on localhost), query, fragment, well-known URL. */
export const issuerUrlCheck = defineCheck(ISSUER_URL, 'Issuer URL is well-formed', (ctx, v) => {
  const { problems } = ctx.syntax;
  const [first] = problems;
  if (!first) {
    const local = ctx.syntax.url?.protocol === 'http:' ? ' (plain http: allowed on localhost only)' : '';
    return v.pass(`The issuer ${ctx.input.issuer} is a well-formed URL${local}`);
  }
  return v.fail(
    first.message,
    problems.map((p) => p.message),
    problems.map((p) => p.fix).join('; '),
  );
});

/** AUTH-FACTS 3. FAIL: an Okta issuer without `/oauth2/{id}` is the org server, not for your APIs. */
export const oktaOrgServerCheck = defineCheck(OKTA_ORG_SERVER, 'Okta issuer is a custom authorization server', (ctx, v) => {
  if (ctx.flavor !== 'okta') return v.skip('Skipped: not an Okta issuer');
  const url = ctx.syntax.url;
  if (!url) return v.skip('Skipped: the issuer is not a URL');
  if (/^\/oauth2\/[^/]+/.test(url.pathname)) return v.pass(`${ctx.input.issuer} is a custom authorization server`);
  const example = `${url.origin}/oauth2/default`;
  return v.fail(
    `${ctx.input.issuer} is Okta's org authorization server; its access tokens are meant for Okta's own APIs and can't be validated by your MCP server`,
    ['Okta: org-server tokens "aren’t intended for validation or use by your own apps"'],
    `Use a custom authorization server such as ${example} (Okta Admin › Security › API › Authorization Servers) and set its Audience to your MCP URL`,
  );
});
