/** Reading doctor's output in tests: the `--json` report's shape and the human output's verdicts. */

/** One finding of `doctor --json`. */
export interface JsonFinding {
  id: string;
  title: string;
  status: 'pass' | 'warn' | 'fail' | 'info' | 'skip';
  summary: string;
  details: string[];
  fix: string | null;
}

/** The `doctor --json` report. */
export interface JsonReport {
  version: string;
  target: { issuer: string | null; issuerSource: string | null; provider: string | null; server: string | null; token: string | null; project: string | null; notes: string[] };
  findings: JsonFinding[];
  summary: Record<JsonFinding['status'], number>;
  exitCode: number;
}

const ICONS: Record<string, JsonFinding['status']> = { '✔': 'pass', '⚠': 'warn', '✖': 'fail', 'ℹ': 'info' };

/** id → status from the human output's `✔ Title [id]` lines. */
export function humanVerdicts(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const match = /^([✔⚠✖ℹ]) .+ \[([a-z0-9.-]+)\]$/.exec(line);
    if (match) out[match[2]!] = ICONS[match[1]!]!;
  }
  return out;
}

/** The finding with `id` (throws when absent, naming the ids present). */
export function jsonFinding(report: JsonReport, id: string): JsonFinding {
  const found = report.findings.find((f) => f.id === id);
  if (!found) throw new Error(`no finding ${id} in [${report.findings.map((f) => f.id).join(', ')}]`);
  return found;
}
