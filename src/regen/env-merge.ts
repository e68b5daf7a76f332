/**
 * `.env` holds the user's secrets and settings, so `auth` never rewrites it whole: it changes only
 * the lines of the keys it owns (`AUTH_ENV_KEYS`), and only where the new answers change the value.
 * Every other line, comment and blank line stays byte for byte.
 *
 * Per owned key, with `before` the value the recorded answers give and `after` the new answers':
 * - `before === after`: the line is left alone (a value you set by hand stays).
 * - a new value: the line is rewritten in place (`export ` and spacing kept); if it held a value of
 *   your own (neither `before` nor `after`), that line is kept, commented out, above the new one;
 *   a key with no line yet is appended.
 * - no value any more (the new provider does not use it): the line is commented out with a note,
 *   never deleted.
 */
import { envValue } from '../generate/env.js';

export interface EnvMerge {
  /** The new text; undefined when nothing changes. */
  content: string | undefined;
  /** Keys whose line was rewritten or added. */
  set: string[];
  /** Keys commented out because the new answers do not use them. */
  commented: string[];
  /** Keys whose own value was replaced (kept above the new line as a comment). */
  replacedOwn: string[];
}

// Spacing around `=` stays on its line: an empty value (`KEY=` then a line break) is still empty.
const ASSIGNMENT = /^(\s*(?:export\s+)?)([A-Za-z_][A-Za-z0-9_.-]*)([ \t]*=[ \t]*)(.*?)(\r?\n|$)/;

/** A dotenv value as Node's `loadEnvFile` reads it: quotes removed, an unquoted ` #` comment dropped. */
export function parseEnvValue(raw: string): string {
  const text = raw.trim();
  const quote = text[0];
  if ((quote === '"' || quote === "'" || quote === '`') && text.length >= 2) {
    const close = text.indexOf(quote, 1);
    if (close > 0) return text.slice(1, close);
  }
  const comment = text.search(/\s#/);
  return (comment === -1 ? text : text.slice(0, comment)).trim();
}

/**
 * The value `.env` gives `key` (the last uncommented assignment, as Node's `loadEnvFile` reads it),
 * or undefined when no line sets it.
 * @example readEnvValue('A=1\nOAUTH_BROKER_CLIENT_SECRET="s p"\n', 'OAUTH_BROKER_CLIENT_SECRET') // 's p'
 */
export function readEnvValue(text: string, key: string): string | undefined {
  let value: string | undefined;
  for (const line of splitKeepingEnds(text)) {
    const match = ASSIGNMENT.exec(line);
    if (match?.[2] === key) value = parseEnvValue(match[4]!);
  }
  return value;
}

/** Splits a text into lines that keep their own line endings (so joining gives the text back). */
function splitKeepingEnds(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/**
 * Merges the owned keys of `.env`.
 * @example mergeDotEnv('A=1\nOAUTH_ISSUER=x\n', { OAUTH_ISSUER: 'x' }, { OAUTH_ISSUER: 'y' }, ['OAUTH_ISSUER'], 'Okta').content // 'A=1\nOAUTH_ISSUER=y\n'
 */
export function mergeDotEnv(current: string, before: Record<string, string>, after: Record<string, string>, keys: readonly string[], providerName: string): EnvMerge {
  const lines = splitKeepingEnds(current);
  const eol = current.includes('\r\n') ? '\r\n' : '\n';
  const result: EnvMerge = { content: undefined, set: [], commented: [], replacedOwn: [] };
  let changed = false;
  const appended: string[] = [];

  for (const key of keys) {
    const from = before[key];
    const to = after[key];
    if (from === to) continue;
    const indexes = lines.flatMap((line, index) => (ASSIGNMENT.exec(line)?.[2] === key ? [index] : []));
    if (to === undefined) {
      // Not used with the new answers: comment out, never delete.
      if (indexes.length === 0) continue;
      for (const index of indexes.reverse()) {
        const line = lines[index]!;
        const end = /\r?\n$/.exec(line)?.[0] ?? eol;
        lines.splice(index, 1, `# Not used with ${providerName} (commented out by create-fastapps auth):${end}`, `# ${line.replace(/\r?\n$/, '')}${end}`);
      }
      result.commented.push(key);
      changed = true;
      continue;
    }
    if (indexes.length === 0) {
      // Beside its neighbours in create's order when one is there, else at the end.
      const at = insertionPoint(lines, keys, key);
      if (at === undefined) appended.push(`${key}=${envValue(to)}`);
      else lines.splice(at, 0, `${key}=${envValue(to)}${eol}`);
      result.set.push(key);
      changed = true;
      continue;
    }
    let touched = false;
    for (const index of indexes.reverse()) {
      const line = lines[index]!;
      const match = ASSIGNMENT.exec(line)!;
      const value = parseEnvValue(match[4]!);
      if (value === to) continue;
      const end = match[5] || eol;
      const rewritten = `${match[1]}${key}${match[3]}${envValue(to)}${end}`;
      if (value !== from) {
        // Your own value: keep it, commented out, above the new one.
        lines.splice(index, 1, `# Your earlier value, replaced by create-fastapps auth:${end}`, `# ${line.replace(/\r?\n$/, '')}${end}`, rewritten);
        if (!result.replacedOwn.includes(key)) result.replacedOwn.push(key);
      } else {
        lines[index] = rewritten;
      }
      touched = true;
    }
    if (touched) {
      result.set.push(key);
      changed = true;
    }
  }

  if (!changed) return result;
  let text = lines.join('');
  if (appended.length > 0) {
    if (text !== '' && !text.endsWith('\n')) text += eol;
    text += `# Added by create-fastapps auth${eol}${appended.map((line) => line + eol).join('')}`;
  }
  result.content = text;
  return result;
}

/** The line index after the closest earlier owned key (or before the closest later one), if any is in the file. */
function insertionPoint(lines: string[], keys: readonly string[], key: string): number | undefined {
  const lineOf = (wanted: string, last: boolean) => {
    const found = lines.flatMap((line, index) => (ASSIGNMENT.exec(line)?.[2] === wanted ? [index] : []));
    return found.length === 0 ? undefined : last ? found[found.length - 1] : found[0];
  };
  const position = keys.indexOf(key);
  for (let i = position - 1; i >= 0; i--) {
    const index = lineOf(keys[i]!, true);
    if (index !== undefined) {
      // The line before may lack a final line break (end of file).
      if (!/\n$/.test(lines[index]!)) lines[index] += lines.some((line) => line.endsWith('\r\n')) ? '\r\n' : '\n';
      return index + 1;
    }
  }
  for (let i = position + 1; i < keys.length; i++) {
    const index = lineOf(keys[i]!, false);
    if (index !== undefined) return index;
  }
  return undefined;
}

/** Keys whose values look like secrets (hidden in the `--dry-run` diff of `.env`). */
const SECRET_KEY = /(SECRET|PASSW(OR)?D|TOKEN|PRIVATE|CREDENTIAL|API_?KEY|(^|_)KEY$|(^|_)PASS$|COOKIE|SESSION|SALT|DSN|DATABASE_URL|CONNECTION)/i;

/**
 * `.env` with the values of secret-looking keys replaced (commented lines too), for printing.
 * @example redactDotEnv('API_SECRET=abc\nPORT=3000\n') // 'API_SECRET=<redacted>\nPORT=3000\n'
 */
export function redactDotEnv(text: string): string {
  return splitKeepingEnds(text)
    .map((line) => {
      const commented = /^(\s*#\s*)(.*)$/s.exec(line);
      const body = commented ? commented[2]! : line;
      const match = ASSIGNMENT.exec(body);
      if (!match || !SECRET_KEY.test(match[2]!) || match[4]!.trim() === '') return line;
      return `${commented ? commented[1] : ''}${match[1]}${match[2]}${match[3]}<redacted>${match[5]}`;
    })
    .join('');
}
