/**
 * Counts for the summary table: cases run, bad tokens accepted, 5xx answers, wrong or
 * missing challenges, stack traces. Each test file prints its own table when it ends.
 */
export interface Row {
  cases: number;
  acceptedBad: number;
  serverErrors: number;
  wrongChallenge: number;
  stackTraces: number;
  halfWritten: number;
  notes: string[];
}

export function row(): Row {
  return { cases: 0, acceptedBad: 0, serverErrors: 0, wrongChallenge: 0, stackTraces: 0, halfWritten: 0, notes: [] };
}

export function printTable(title: string, rows: Record<string, Row>, started: number): void {
  const lines = [`\n${title} (${((Date.now() - started) / 1000).toFixed(1)} s)`, '| | cases | accepted bad tokens | 5xx | wrong challenge | stack traces | half-written projects | notes |', '|---|---|---|---|---|---|---|---|'];
  for (const [name, r] of Object.entries(rows)) {
    lines.push(`| ${name} | ${r.cases} | ${r.acceptedBad} | ${r.serverErrors} | ${r.wrongChallenge} | ${r.stackTraces} | ${r.halfWritten} | ${r.notes.join('; ')} |`);
  }
  process.stdout.write(lines.join('\n') + '\n');
}
