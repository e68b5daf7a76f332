/**
 * The doctor report: what was checked, every finding in report order, the counts, and the exit
 * code (0 nothing failed — warnings too with `--strict`; 1 otherwise). The same object is printed
 * for people and, with `--json`, as is (docs/doctor.md documents the schema).
 */
import type { Finding, ProviderId, Status } from '../issuer/types.js';
import type { IssuerSource } from './input.js';

/** What was checked. */
export interface DoctorTarget {
  issuer: string | null;
  issuerSource: IssuerSource | null;
  provider: ProviderId | null;
  server: string | null;
  /** A hash identifying the sample token (never the token itself). */
  token: string | null;
  /** The project folder whose fastapps.json was read. */
  project: string | null;
  /** How the input was interpreted (e.g. an argument that is an MCP endpoint). */
  notes: string[];
}

/** Counts per status. */
export type Summary = Record<Status, number>;

/** The whole report, as printed by `--json`. */
export interface DoctorReport {
  /** The create-fastapps version. */
  version: string;
  target: DoctorTarget;
  findings: Array<Required<Pick<Finding, 'id' | 'title' | 'status' | 'details'>> & { summary: string; fix: string | null }>;
  summary: Summary;
  exitCode: 0 | 1;
}

/** Replaces the findings of skipped ids with a `skip` finding saying so. */
export function applySkips(findings: Finding[], skip: ReadonlySet<string>): Finding[] {
  return findings.map((f) => (skip.has(f.id) ? { id: f.id, title: f.title, status: 'skip', summary: 'Skipped (--skip)', details: [] } : f));
}

/** Counts the findings per status. */
export function summarize(findings: Finding[]): Summary {
  const summary: Summary = { pass: 0, warn: 0, fail: 0, info: 0, skip: 0 };
  for (const f of findings) summary[f.status] += 1;
  return summary;
}

/** 1 when a check failed, or (with `strict`) warned; else 0. */
export function exitCodeOf(summary: Summary, strict: boolean): 0 | 1 {
  return summary.fail > 0 || (strict && summary.warn > 0) ? 1 : 0;
}

/** Builds the report from the findings (report order) and the target. */
export function buildReport(version: string, target: DoctorTarget, findings: Finding[], strict: boolean): DoctorReport {
  const summary = summarize(findings);
  return {
    version,
    target,
    findings: findings.map((f) => ({ id: f.id, title: f.title, status: f.status, summary: f.summary ?? f.title, details: f.details, fix: f.fix ?? null })),
    summary,
    exitCode: exitCodeOf(summary, strict),
  };
}
