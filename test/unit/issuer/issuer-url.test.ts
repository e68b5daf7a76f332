import { describe, expect, test } from 'vitest';
import { runChecks, ISSUER_URL, DISCOVERY_RESOLUTION, JWKS_REACHABLE } from '../../../src/issuer/checks.js';
import { inferFlavor, inferFlavorFromUrl } from '../../../src/issuer/flavor.js';
import { explainIssuerDifference, issuerDiffLines } from '../../../src/issuer/issuer-diff.js';
import { parseIssuer } from '../../../src/issuer/issuer-url.js';
import type { CheckContext } from '../../../src/issuer/context.js';
import { findingOf } from '../../helpers/findings.js';

/** The findings for an issuer that is never fetched (syntax only). */
function offline(issuer: string): ReturnType<typeof runChecks> {
  const ctx: CheckContext = { input: { issuer, timeoutMs: 1000 }, flavor: inferFlavor(undefined, issuer), syntax: parseIssuer(issuer) };
  return runChecks(ctx);
}

describe('issuer URL syntax (check issuer.url-syntax)', () => {
  test.each([
    'https://acme.us.auth0.com/',
    'https://login.microsoftonline.com/9a95fd9e-005d-487a-9a01-d08c1eab2757/v2.0',
    'http://localhost:8080/realms/master',
    'http://127.0.0.1:3000',
    'http://[::1]:8080/realms/dev',
  ])('%s is accepted', (issuer) => {
    const syntax = parseIssuer(issuer);
    expect(syntax.problems).toEqual([]);
    expect(syntax.fetchable).toBe(true);
  });

  test('plain http on a non-local host fails with the https fix, but can still be fetched for diagnosis', () => {
    const syntax = parseIssuer('http://docker-rp-1:8080/realms/demorealm');
    expect(syntax.problems).toEqual([
      {
        message: 'The issuer http://docker-rp-1:8080/realms/demorealm uses plain http on docker-rp-1:8080; only localhost, 127.0.0.1 and [::1] may use http',
        fix: 'Use the https:// URL of the authorization server (for Keycloak, set --hostname=https://<public host> so it publishes an https issuer)',
      },
    ]);
    expect(syntax.fetchable).toBe(true);
  });

  test('a discovery URL is refused with the issuer it belongs to', () => {
    const f = findingOf(offline('https://sso.example.com/realms/demo/.well-known/openid-configuration'), ISSUER_URL);
    expect(f.status).toBe('fail');
    expect(f.summary).toBe('The issuer https://sso.example.com/realms/demo/.well-known/openid-configuration is a discovery document URL, not the issuer');
    expect(f.fix).toBe('Use the issuer itself, e.g. https://sso.example.com/realms/demo, not the discovery URL');
    const inserted = parseIssuer('https://auth.example.com/.well-known/oauth-authorization-server/tenant1');
    expect(inserted.problems[0]?.fix).toBe('Use the issuer itself, e.g. https://auth.example.com/tenant1, not the discovery URL');
  });

  test.each([
    ['https://acme.us.auth0.com/?x=1', 'has a query or fragment; an issuer has neither (RFC 8414 §2)'],
    ['https://acme.us.auth0.com/#frag', 'has a query or fragment'],
    [' https://acme.us.auth0.com/', 'contains whitespace'],
    ['https://acme.us.auth0.com/\n', 'contains whitespace'],
    ['acme.us.auth0.com', 'is not an absolute URL'],
    ['ftp://acme.example.com', 'uses ftp:, not https:'],
    ['https://user:secret@acme.example.com', 'contains a user name or password'],
  ])('%j fails: %s', (issuer, expected) => {
    const syntax = parseIssuer(issuer);
    expect(syntax.problems.map((p) => p.message).join(' | ')).toContain(expected);
    expect(syntax.fetchable).toBe(false);
  });

  test('credentials are never echoed back', () => {
    const f = findingOf(offline('https://user:secret@acme.example.com'), ISSUER_URL);
    expect(JSON.stringify(f)).not.toContain('secret');
  });

  test('an unusable issuer skips every network check instead of failing them', () => {
    const findings = offline('not a url');
    expect(findingOf(findings, ISSUER_URL).status).toBe('fail');
    expect(findingOf(findings, DISCOVERY_RESOLUTION).status).toBe('skip');
    expect(findingOf(findings, JWKS_REACHABLE).status).toBe('skip');
    expect(findings.filter((f) => f.status === 'fail').map((f) => f.id)).toEqual([ISSUER_URL]);
  });
});

describe('provider family inference', () => {
  test.each([
    ['https://acme.us.auth0.com/', 'auth0'],
    ['https://dev-1.okta.com/oauth2/default', 'okta'],
    ['https://dev-1.oktapreview.com/oauth2/aus1', 'okta'],
    ['https://common.okta.com', 'okta'],
    ['https://login.microsoftonline.com/x/v2.0', 'azure'],
    ['https://sts.windows.net/x/', 'azure'],
    ['https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC', 'cognito'],
    ['https://sso.example.com/realms/demo', 'keycloak'],
    ['https://sso.example.com/auth/realms/demo', 'keycloak'],
    ['https://accounts.google.com', 'generic'],
    ['not a url', 'generic'],
  ])('%s → %s', (issuer, flavor) => {
    expect(inferFlavorFromUrl(issuer)).toBe(flavor);
  });

  test('an explicit provider wins; oidc and local are inferred from the URL', () => {
    expect(inferFlavor('cognito', 'http://127.0.0.1:3000/pool')).toBe('cognito');
    expect(inferFlavor('oidc', 'http://127.0.0.1:3000/realms/demo')).toBe('keycloak');
    expect(inferFlavor('local', 'http://127.0.0.1:3000')).toBe('generic');
  });
});

describe('issuer differences', () => {
  test.each([
    ['https://x.us.auth0.com/', 'https://x.us.auth0.com', 'trailing-slash-missing', 'only a trailing "/" differs: the configured issuer has one, the document does not'],
    ['https://x.us.auth0.com', 'https://x.us.auth0.com/', 'trailing-slash-added', 'only a trailing "/" differs: the document has one, the configured issuer does not'],
    ['https://login.microsoftonline.com/common/v2.0', 'https://login.microsoftonline.com/{tenantid}/v2.0', 'placeholder', "the document's issuer contains the placeholder {tenantid}, not a real tenant"],
    ['https://ec2amaz-5a2fki6.redpanda.com/adfs', 'https://EC2AMAZ-5A2FKI6.REDPANDA.COM/adfs', 'case', 'they differ only in letter case'],
    ['https://login.microsoftonline.com/t', 'https://login.microsoftonline.com/t/v2.0', 'v2', 'the document ends in /v2.0 and the configured issuer does not'],
    ['https://sso.example.com/realms/demo', 'http://docker-rp-1:8080/realms/demo', 'origin', 'the document has scheme http instead of https and host docker-rp-1:8080 instead of sso.example.com'],
    ['https://a.example.com/x', 'https://a.example.com/y', 'other', 'they first differ at character 23'],
  ])('%s vs %s: %s', (expected, actual, kind, note) => {
    const diff = explainIssuerDifference(expected, actual);
    expect(diff.kind).toBe(kind);
    expect(diff.note).toBe(note);
  });

  test('the diff lines put a caret under the first difference', () => {
    const diff = explainIssuerDifference('https://x.us.auth0.com/', 'https://x.us.auth0.com');
    const [configured, document, caret] = issuerDiffLines('https://x.us.auth0.com/', 'https://x.us.auth0.com', diff);
    expect(configured).toBe('configured "https://x.us.auth0.com/"');
    expect(document).toBe('document   "https://x.us.auth0.com"');
    expect(caret?.indexOf('^')).toBe(configured?.indexOf('/"'));
  });
});
