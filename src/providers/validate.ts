/** Small validators shared by providers and options. Each returns true or a sentence with the fix. */

const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/i;
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `https://acme.us.auth0.com/` → `acme.us.auth0.com` (people paste URLs where a domain is asked). */
export function stripToHost(value: string): string {
  return value.trim().replace(/^https?:\/\//i, '').replace(/\/+$/, '').toLowerCase();
}

export function isHostname(value: string): boolean {
  return HOSTNAME.test(value);
}

export const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * An issuer URL as RFC 8414 §2 defines it: https (http only on loopback), no query, no fragment,
 * not a discovery URL.
 */
export function validateIssuerUrl(value: string): true | string {
  const text = value.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `${JSON.stringify(value)} is not a URL; give the issuer, e.g. https://sso.example.com/realms/main.`;
  }
  // The URL parser silently drops tabs and line breaks and encodes the rest: check the text itself.
  const unsafe = unsafeUrlCharacter(text);
  if (unsafe) return `The issuer ${unsafe}.`;
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `The issuer must be an https URL, not ${url.protocol}.`;
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) {
    return `The issuer must use https; http is only allowed for localhost. Use https://${url.host}${url.pathname}.`;
  }
  if (url.search || url.hash || text.includes('?') || text.includes('#')) return 'The issuer must not contain a query (?) or fragment (#).';
  if (url.username || url.password) return 'The issuer must not contain a user name or password.';
  if (url.pathname.includes('/.well-known/')) {
    const issuer = url.origin + url.pathname.slice(0, url.pathname.indexOf('/.well-known/'));
    return `That is a discovery URL; give the issuer itself: ${issuer}`;
  }
  if (!isUrlHost(url.hostname)) return `"${url.hostname}" is not a host name or IP address.`;
  return true;
}

/**
 * Why `text` cannot be written as a URL into generated files (.env, Markdown, shell commands in
 * the docs), or undefined: whitespace and control characters (a line break would end the .env
 * line; `new URL` silently drops tabs and line breaks), non-ASCII (hosts have a punycode form),
 * and the characters RFC 3986 never allows unencoded (quotes, backticks, braces, angle brackets).
 */
function unsafeUrlCharacter(text: string): string | undefined {
  if (/[\s\x00-\x1F\x7F]/.test(text)) return 'must not contain spaces, line breaks or other control characters';
  if (/[^\x21-\x7E]/.test(text)) {
    const ascii = URL.canParse(text) ? ` (${new URL(text).href})` : '';
    return `must be plain ASCII; write an international domain name or path in its encoded form${ascii}`;
  }
  const bad = /["<>\\^`{|}]/.exec(text);
  return bad ? `must not contain ${bad[0]}: a URL cannot hold it unencoded` : undefined;
}

/** A host name, an IPv4 address or a bracketed IPv6 address (as the URL parser writes them). */
function isUrlHost(hostname: string): boolean {
  return /^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$/i.test(hostname) || /^\[[0-9a-f:.]+\]$/i.test(hostname);
}

/** The MCP endpoint's public URL: canonical, with a path, no trailing slash. */
export function validateResourceUrl(value: string): true | string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${JSON.stringify(value)} is not a URL; give the public URL of the MCP endpoint, e.g. https://my-app.example.com/mcp.`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `The resource URL must be http(s), not ${url.protocol}.`;
  if (url.search || url.hash || value.includes('?') || value.includes('#')) return 'The resource URL must not contain a query (?) or fragment (#).';
  if (url.username || url.password) return 'The resource URL must not contain a user name or password.';
  if (url.pathname === '/' ) return `The resource URL needs the endpoint path: ${url.origin}/mcp.`;
  if (url.pathname.endsWith('/')) return `Drop the trailing slash: ${url.origin}${url.pathname.replace(/\/+$/, '')}.`;
  // Clients compare it byte for byte with what the server publishes (RFC 9728 §3.3).
  if (url.href !== value) return `Write the resource URL in canonical form: ${url.href}`;
  // It is written into .env (where OAUTH_AUDIENCE is comma separated), Markdown and the shell
  // commands of the README: only characters that are inert in all of them.
  if (!isUrlHost(url.hostname)) return `"${url.hostname}" is not a host name or IP address.`;
  const bad = /[^A-Za-z0-9\-._~%:@+=/]/.exec(url.pathname);
  if (bad) return `The resource URL path may use letters, digits and - . _ ~ % : @ + = / only, not ${bad[0]} (percent-encode it if you must).`;
  return true;
}

/**
 * A scope token (RFC 6749 §3.3: printable ASCII except space, `"` and `\`), minus the backtick,
 * which no provider uses and which would break the Markdown code spans the checklist shows scopes in.
 */
export function validateScope(scope: string): true | string {
  return /^[\x21\x23-\x5B\x5D-\x5F\x61-\x7E]+$/.test(scope) ? true : `${JSON.stringify(scope)} is not a valid OAuth scope (no spaces, quotes, backslashes or backticks).`;
}

export function splitList(value: string | string[] | undefined): string[] {
  const items = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return items.flatMap((item) => item.split(/[\s,]+/)).filter(Boolean);
}

/**
 * A client id lands in `.env`, fastapps.json, AUTH_SETUP.md and shell commands: the characters
 * providers use (Auth0, Okta and Cognito ids, Entra GUIDs, Google's `….apps.googleusercontent.com`,
 * URL-shaped ids), so it is bare and inert everywhere.
 */
export function validateBrokerClientId(value: string): true | string {
  const id = value.trim();
  if (id === '') return 'the client id is empty; give the id of the server\'s own client at the provider.';
  if (id.length > 256) return 'that is longer than any provider\'s client id (256 characters at most).';
  return /^[A-Za-z0-9._~:@/+=-]+$/.test(id)
    ? true
    : `${JSON.stringify(id)} is not a client id: use it as the provider shows it (letters, digits and . _ ~ : @ / + = -).`;
}

/**
 * What is wrong with a client secret, without ever repeating it: it must fit on one `.env` line
 * that reads back byte for byte (`envValue`).
 */
export function validateBrokerSecret(value: string): true | string {
  if (value.trim() === '') return 'the client secret is empty.';
  if (/[\x00-\x1F\x7F]/.test(value)) return 'the client secret holds a line break or another control character; copy it again from the provider.';
  if (value.includes("'") && /["\\]/.test(value)) return 'the client secret holds both a single quote and a double quote or backslash, which .env cannot hold; generate another one at the provider.';
  return true;
}
