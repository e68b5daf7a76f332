/**
 * Issuer URL syntax (AUTH-FACTS doctor item 1) and the small URL predicates the checks share.
 */

/** One thing wrong with the issuer string. */
export interface IssuerProblem {
  message: string;
  fix: string;
}

/** The parsed issuer and what is wrong with it. */
export interface IssuerSyntax {
  /** The parsed URL, when the string is an absolute URL at all. */
  url: URL | undefined;
  problems: IssuerProblem[];
  /**
   * Whether discovery can still be attempted: an http(s) URL whose only problem (if any) is plain
   * http on a non-local host, so doctor can still say what the server publishes.
   */
  fetchable: boolean;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** True for `localhost`, `127.0.0.1` and `[::1]` (as `URL.hostname` spells them). */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase());
}

/**
 * The issuer a discovery URL was probably built from, e.g.
 * `https://x/realms/r/.well-known/openid-configuration` → `https://x/realms/r` and
 * `https://x/.well-known/oauth-authorization-server/t` → `https://x/t`.
 */
export function issuerFromDiscoveryUrl(url: URL): string {
  const match = /^(.*?)\/\.well-known\/[^/]+(.*)$/.exec(url.pathname);
  const before = match?.[1] ?? '';
  const after = match?.[2] ?? '';
  return `${url.origin}${before}${after}` || url.origin;
}

/**
 * Checks that the issuer is an absolute https URL (http only on localhost), without whitespace,
 * credentials, query or fragment, and not a `/.well-known/` discovery URL (RFC 8414 §2).
 *
 * @example parseIssuer('https://acme.us.auth0.com/').problems // []
 */
export function parseIssuer(issuer: string): IssuerSyntax {
  const problems: IssuerProblem[] = [];
  if (/\s/.test(issuer)) {
    problems.push({
      message: `The issuer ${JSON.stringify(issuer)} contains whitespace`,
      fix: 'Remove the spaces or line breaks (often pasted along with the URL)',
    });
  }
  const trimmed = issuer.trim();
  if (!URL.canParse(trimmed)) {
    problems.push({
      message: `The issuer ${JSON.stringify(issuer)} is not an absolute URL`,
      fix: 'Give the full issuer URL, e.g. https://acme.us.auth0.com/ or https://login.microsoftonline.com/<tenant-id>/v2.0',
    });
    return { url: undefined, problems, fetchable: false };
  }
  const url = new URL(trimmed);
  const scheme = url.protocol.slice(0, -1);
  const clean = problems.length === 0;
  if (scheme !== 'https' && scheme !== 'http') {
    problems.push({
      message: `The issuer ${issuer} uses ${scheme}:, not https:`,
      fix: 'Use the https:// URL of the authorization server',
    });
    return { url, problems, fetchable: false };
  }
  if (scheme === 'http' && !isLoopbackHost(url.hostname)) {
    problems.push({
      message: `The issuer ${issuer} uses plain http on ${url.host}; only localhost, 127.0.0.1 and [::1] may use http`,
      fix: 'Use the https:// URL of the authorization server (for Keycloak, set --hostname=https://<public host> so it publishes an https issuer)',
    });
  }
  const rest: IssuerProblem[] = [];
  if (url.username || url.password) {
    rest.push({ message: `The issuer ${url.origin}… contains a user name or password`, fix: 'Remove the credentials from the URL' });
  }
  if (trimmed.includes('?') || trimmed.includes('#')) {
    rest.push({
      message: `The issuer ${issuer} has a query or fragment; an issuer has neither (RFC 8414 §2)`,
      fix: `Drop everything from the "?" or "#": use ${url.origin}${url.pathname}`,
    });
  }
  if (/\/\.well-known\//.test(url.pathname)) {
    rest.push({
      message: `The issuer ${issuer} is a discovery document URL, not the issuer`,
      fix: `Use the issuer itself, e.g. ${issuerFromDiscoveryUrl(url)}, not the discovery URL`,
    });
  }
  problems.push(...rest);
  return { url, problems, fetchable: clean && rest.length === 0 };
}
