/**
 * Rendering a doctor report: for people, grouped by section, one `✔`/`⚠`/`✖`/`ℹ` line per check
 * with its summary, details and `Fix:` indented below, and a closing count; for machines, the
 * report as JSON. Skipped checks are counted, not listed (they are in the JSON).
 */
import type { Output } from '../ui/output.js';
import { sectionOf, type Section } from './ids.js';
import type { DoctorReport } from './report.js';

const SECTION_TITLES: Record<Section, string> = { input: 'Input', issuer: 'Issuer', server: 'Server', token: 'Token' };

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The closing line: "N/M checks passed (W warnings, F failures)", counting info as passed and
 * leaving skipped checks out of M.
 *
 * @example closingLine({ pass: 20, info: 2, warn: 1, fail: 1, skip: 3 }) // '22/24 checks passed (1 warning, 1 failure); 3 skipped'
 */
export function closingLine(summary: DoctorReport['summary']): string {
  const passed = summary.pass + summary.info;
  const total = passed + summary.warn + summary.fail;
  const skipped = summary.skip ? `; ${summary.skip} skipped` : '';
  return `${passed}/${total} checks passed (${plural(summary.warn, 'warning')}, ${plural(summary.fail, 'failure')})${skipped}`;
}

/** The heading line of a section. */
function sectionHeading(section: Section, report: DoctorReport): string {
  const t = report.target;
  if (section === 'issuer' && t.issuer) return `Issuer ${t.issuer}${t.issuerSource ? ` (from ${t.issuerSource})` : ''}`;
  if (section === 'server' && t.server) return `Server ${t.server}`;
  if (section === 'token' && t.token) return `Token ${t.token}`;
  // Inside a project its findings are the project's (the owed check, its code).
  if (section === 'input' && t.project) return `Project ${t.project}`;
  return SECTION_TITLES[section];
}

/** Prints the report for people through `out` (colours only where `out` allows them). */
export function renderHuman(report: DoctorReport, out: Output): void {
  const { c } = out;
  const icon = { pass: c.green('✔'), warn: c.yellow('⚠'), fail: c.red('✖'), info: c.blue('ℹ'), skip: c.dim('-') };
  for (const note of report.target.notes) out.line(`${c.blue('ℹ')} ${note}`);
  let current: Section | undefined;
  for (const f of report.findings) {
    if (f.status === 'skip') continue;
    const section = sectionOf(f.id);
    if (section !== current) {
      if (current !== undefined || report.target.notes.length) out.line();
      out.line(c.bold(sectionHeading(section, report)));
      current = section;
    }
    out.line(`${icon[f.status]} ${f.title} ${c.dim(`[${f.id}]`)}`);
    out.line(`    ${f.status === 'pass' ? c.dim(f.summary) : f.summary}`);
    if (f.status !== 'pass') for (const d of f.details) out.line(`    ${c.dim(d)}`);
    if (f.fix && f.status !== 'pass') out.line(`    ${c.bold('Fix:')} ${f.fix}`);
  }
  out.line();
  const strictFailure = report.exitCode !== 0 && report.summary.fail === 0;
  const line = closingLine(report.summary) + (strictFailure ? ' — with --strict, warnings fail' : '');
  out.line(strictFailure || report.summary.fail ? c.red(line) : report.summary.warn ? c.yellow(line) : c.green(line));
}

/** The report as JSON text (pretty-printed, one trailing newline is added by `out.line`). */
export function renderJson(report: DoctorReport): string {
  return JSON.stringify(report, null, 2);
}
