/**
 * Turning a report into what `create` prints when it refuses to write a project.
 */
import { BLOCKING_IDS } from './check-ids.js';
import type { Finding, IssuerReport } from './types.js';

/** True when the finding is a failure that must stop `create`. */
export function isBlocking(finding: Finding): boolean {
  return finding.status === 'fail' && BLOCKING_IDS.has(finding.id);
}

/** The failures that must stop `create`, in report order. */
export function blockingFailures(report: IssuerReport): Finding[] {
  return report.findings.filter(isBlocking);
}

/**
 * One clear sentence for the first blocking failure (else the first failure of any kind) and its
 * fix, for `create`'s stderr, e.g. `{ message: 'The discovery document at … names another issuer:
 * expected "https://x.us.auth0.com/" but the document says "https://x.us.auth0.com" (…)', hint: 'Auth0 issues …' }`.
 */
export function renderIssuerFailure(report: IssuerReport): { message: string; hint?: string } {
  const finding = blockingFailures(report)[0] ?? report.findings.find((f) => f.status === 'fail');
  if (!finding) return { message: `The issuer ${report.issuer} passed every check` };
  const sentence = finding.summary ?? `${finding.title}: check failed`;
  const message = /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
  return finding.fix ? { message, hint: finding.fix } : { message };
}
