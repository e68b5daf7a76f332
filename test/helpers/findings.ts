/**
 * Small assertions helpers for issuer reports.
 */
import type { Finding, IssuerReport } from '../../src/issuer/types.js';

/** The finding with this id (throws when absent, so a typo fails loudly). */
export function findingOf(report: IssuerReport | Finding[], id: string): Finding {
  const findings = Array.isArray(report) ? report : report.findings;
  const found = findings.find((f) => f.id === id);
  if (!found) throw new Error(`no finding ${id} in [${findings.map((f) => f.id).join(', ')}]`);
  return found;
}

/** id → status, for asserting a whole report at once. */
export function statuses(report: IssuerReport): Record<string, string> {
  return Object.fromEntries(report.findings.map((f) => [f.id, f.status]));
}
