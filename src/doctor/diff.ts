/**
 * Side-by-side display of two strings that must be byte-identical (a resource URL, an issuer), with
 * a caret under the first difference and a neutral note saying what differs.
 */
import { explainIssuerDifference } from '../issuer/issuer-diff.js';

/** What differs between `a` and `b`, in neutral words (neither side is assumed right). */
export function differenceNote(a: string, b: string, aName: string, bName: string): string {
  const kind = explainIssuerDifference(a, b).kind;
  if (kind === 'trailing-slash-added') return `only a trailing "/" differs: ${bName} has one, ${aName} does not`;
  if (kind === 'trailing-slash-missing') return `only a trailing "/" differs: ${aName} has one, ${bName} does not`;
  if (kind === 'case') return 'they differ only in letter case';
  const { index } = explainIssuerDifference(a, b);
  return `they first differ at character ${index + 1}`;
}

/**
 * Two aligned lines and a caret line.
 *
 * @example
 * diffLines('MCP URL', 'https://x/mcp', 'resource', 'https://x/')
 * // ['MCP URL  "https://x/mcp"', 'resource "https://x/"', '                    ^ they first differ at character 11']
 */
export function diffLines(aName: string, a: string, bName: string, b: string): string[] {
  const width = Math.max(aName.length, bName.length);
  const { index } = explainIssuerDifference(a, b);
  return [
    `${aName.padEnd(width)} ${JSON.stringify(a)}`,
    `${bName.padEnd(width)} ${JSON.stringify(b)}`,
    `${' '.repeat(width + 2 + index)}^ ${differenceNote(a, b, aName, bName)}`,
  ];
}
