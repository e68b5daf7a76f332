/**
 * A strict reader of `WWW-Authenticate: Bearer k="v", …` (RFC 7235 §2.1, RFC 6750 §3), so doctor
 * can say exactly what is malformed, where the SDK's lenient regex would quietly guess.
 */

/** One auth-param as written. */
export interface ChallengeParam {
  name: string;
  value: string;
  /** Written as a quoted-string (RFC 9728 §5.1 examples quote every value). */
  quoted: boolean;
}

/** The first challenge of a header value. */
export interface ParsedChallenge {
  /** The auth scheme as written (`Bearer`, `bearer`, `Basic`, …), or '' when there is none. */
  scheme: string;
  /** Parameters by lower-case name (the first occurrence wins). */
  params: Record<string, ChallengeParam>;
  /** What is malformed, one short phrase each (empty when the header parses cleanly). */
  problems: string[];
}

const TOKEN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+/;

/**
 * Parses the first challenge of a `WWW-Authenticate` value; a second challenge (another scheme)
 * ends it.
 *
 * @example
 * parseChallenge('Bearer resource_metadata="https://x/.well-known/oauth-protected-resource/mcp", scope="a b"')
 * // { scheme: 'Bearer', params: { resource_metadata: {…}, scope: {…} }, problems: [] }
 */
export function parseChallenge(header: string): ParsedChallenge {
  const problems: string[] = [];
  const params: Record<string, ChallengeParam> = {};
  let rest = header.trim();
  const scheme = TOKEN.exec(rest)?.[0] ?? '';
  if (!scheme) return { scheme, params, problems: [`no auth scheme at the start of ${JSON.stringify(header)}`] };
  rest = rest.slice(scheme.length);
  if (rest !== '' && !/^\s/.test(rest)) problems.push(`unexpected ${JSON.stringify(rest[0])} after the scheme`);
  for (;;) {
    rest = rest.replace(/^[\s,]+/, '');
    if (rest === '') break;
    const name = TOKEN.exec(rest)?.[0];
    if (!name) {
      problems.push(`unexpected text ${JSON.stringify(rest.slice(0, 20))}`);
      break;
    }
    const afterName = rest.slice(name.length).replace(/^\s*/, '');
    if (!afterName.startsWith('=')) break; // a new challenge (scheme) starts here
    let value: string;
    let quoted: boolean;
    let remaining = afterName.slice(1).replace(/^\s*/, '');
    if (remaining.startsWith('"')) {
      const match = /^"((?:[^"\\]|\\.)*)"/.exec(remaining);
      if (!match) {
        problems.push(`the value of ${name} has no closing quote`);
        break;
      }
      value = (match[1] ?? '').replace(/\\(.)/g, '$1');
      quoted = true;
      remaining = remaining.slice(match[0].length);
    } else {
      // Read like the TS SDK does (anything up to a comma or space), then say when it isn't a token.
      value = /^[^\s,"]+/.exec(remaining)?.[0] ?? '';
      if (value === '') {
        problems.push(`${name} has no value`);
        break;
      }
      if (TOKEN.exec(value)?.[0] !== value) problems.push(`${name} must be a quoted string (its value has characters a bare token can't)`);
      quoted = false;
      remaining = remaining.slice(value.length);
    }
    const key = name.toLowerCase();
    if (params[key]) problems.push(`${name} appears twice`);
    else params[key] = { name, value, quoted };
    const next = remaining.replace(/^\s*/, '');
    if (next !== '' && !next.startsWith(',')) {
      problems.push(`missing "," after ${name}`);
    }
    rest = next;
  }
  return { scheme, params, problems };
}

/** The value of a parameter, or undefined. */
export function param(challenge: ParsedChallenge, name: string): string | undefined {
  return challenge.params[name]?.value;
}
