/**
 * Explains how two issuer strings differ, so a byte-exact mismatch is obvious: a trailing slash,
 * letter case, a `{tenantid}` placeholder, `/v2.0`, scheme or host.
 */

/** What kind of difference it is. */
export type IssuerDifference =
  | 'trailing-slash-added'
  | 'trailing-slash-missing'
  | 'placeholder'
  | 'case'
  | 'v2'
  | 'origin'
  | 'other';

/** The kind of difference, a short note, and where the strings first differ. */
export interface IssuerDiff {
  kind: IssuerDifference;
  note: string;
  /** Index of the first differing character. */
  index: number;
}

function firstDifference(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

function originOf(url: string): { scheme: string; host: string } | undefined {
  if (!URL.canParse(url)) return undefined;
  const u = new URL(url);
  return { scheme: u.protocol.slice(0, -1), host: u.host };
}

function originNote(expected: string, actual: string): string | undefined {
  const e = originOf(expected);
  const a = originOf(actual);
  if (!e || !a) return undefined;
  const parts: string[] = [];
  if (e.scheme !== a.scheme) parts.push(`scheme ${a.scheme} instead of ${e.scheme}`);
  if (e.host.toLowerCase() !== a.host.toLowerCase()) parts.push(`host ${a.host} instead of ${e.host}`);
  return parts.length ? `the document has ${parts.join(' and ')}` : undefined;
}

/**
 * Classifies the difference between the configured issuer and the one in the document.
 *
 * @example explainIssuerDifference('https://x.us.auth0.com/', 'https://x.us.auth0.com').note
 * // 'the document has no trailing "/"; the configured issuer has one'
 */
export function explainIssuerDifference(expected: string, actual: string): IssuerDiff {
  const index = firstDifference(expected, actual);
  if (actual === `${expected}/`) return { kind: 'trailing-slash-added', index, note: 'only a trailing "/" differs: the document has one, the configured issuer does not' };
  if (expected === `${actual}/`) return { kind: 'trailing-slash-missing', index, note: 'only a trailing "/" differs: the configured issuer has one, the document does not' };
  if (/\{[^}]*\}/.test(actual)) return { kind: 'placeholder', index, note: `the document's issuer contains the placeholder ${/\{[^}]*\}/.exec(actual)?.[0]}, not a real tenant` };
  if (expected.toLowerCase() === actual.toLowerCase()) return { kind: 'case', index, note: 'they differ only in letter case' };
  const v2 = /\/v2\.0\/?$/;
  if (v2.test(expected) !== v2.test(actual) && expected.replace(v2, '') === actual.replace(v2, '')) {
    return {
      kind: 'v2',
      index,
      note: v2.test(actual) ? 'the document ends in /v2.0 and the configured issuer does not' : 'the configured issuer ends in /v2.0 and the document does not',
    };
  }
  const origin = originNote(expected, actual);
  if (origin) return { kind: 'origin', index, note: origin };
  return { kind: 'other', index, note: `they first differ at character ${index + 1}` };
}

/**
 * Two aligned lines plus a caret under the first difference, for monospace output:
 * `configured "…"`, `document   "…"`, `           ^ note`.
 */
export function issuerDiffLines(expected: string, actual: string, diff: IssuerDiff): string[] {
  const pad = ' '.repeat('configured "'.length + diff.index);
  return [`configured ${JSON.stringify(expected)}`, `document   ${JSON.stringify(actual)}`, `${pad}^ ${diff.note}`];
}
