/**
 * Line diffs for `auth`: the unified diff `--dry-run` prints and the "+a −b lines" summary of a
 * kept edit. Myers' O((N+M)·D) algorithm over lines, after trimming the common head and tail, so
 * the small, local changes auth makes cost next to nothing.
 */

export type DiffOp = ' ' | '-' | '+';

export interface DiffLine {
  op: DiffOp;
  line: string;
}

interface Lines {
  lines: string[];
  /** The text ended with a line break (the usual case). */
  finalNewline: boolean;
}

function toLines(text: string): Lines {
  if (text === '') return { lines: [], finalNewline: true };
  const lines = text.split('\n');
  const finalNewline = lines[lines.length - 1] === '';
  if (finalNewline) lines.pop();
  return { lines, finalNewline };
}

/** The shortest edit script turning `a` into `b` (Myers 1986), as kept, removed and added lines. */
export function diffLines(a: readonly string[], b: readonly string[]): DiffLine[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  const middle = grouped(myers(x, y));
  return [...a.slice(0, head).map((line) => ({ op: ' ' as const, line })), ...middle, ...a.slice(a.length - tail).map((line) => ({ op: ' ' as const, line }))];
}

/** Within each run of changes, removals before additions (as `diff -u` prints them). */
function grouped(script: DiffLine[]): DiffLine[] {
  const out: DiffLine[] = [];
  let removed: DiffLine[] = [];
  let added: DiffLine[] = [];
  const flush = () => {
    out.push(...removed, ...added);
    removed = [];
    added = [];
  };
  for (const entry of script) {
    if (entry.op === '-') removed.push(entry);
    else if (entry.op === '+') added.push(entry);
    else {
      flush();
      out.push(entry);
    }
  }
  flush();
  return out;
}

function myers(a: readonly string[], b: readonly string[]): DiffLine[] {
  const n = a.length;
  const m = b.length;
  if (n === 0) return b.map((line) => ({ op: '+', line }));
  if (m === 0) return a.map((line) => ({ op: '-', line }));
  const max = n + m;
  const offset = max;
  const v = new Int32Array(2 * max + 2);
  // trace[d]: the furthest x on each diagonal k ∈ [-d, d] before step d (only that window is kept).
  const trace: Int32Array[] = [];
  const at = (d: number, k: number) => trace[d]![k + d + 1]!;
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  // Walk the trace back from (n, m) to (0, 0).
  const out: DiffLine[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const k = x - y;
    const prevK = k === -d || (k !== d && at(d, k - 1) < at(d, k + 1)) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : at(d, prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      out.push({ op: ' ', line: a[x]! });
    }
    if (d > 0) {
      if (x === prevX) out.push({ op: '+', line: b[--y]! });
      else out.push({ op: '-', line: a[--x]! });
    }
  }
  return out.reverse();
}

/**
 * Lines added and removed between two texts.
 * @example diffStat('a\nb\n', 'a\nc\nd\n') // { added: 2, removed: 1 }
 */
export function diffStat(before: string, after: string): { added: number; removed: number } {
  const script = diffText(before, after);
  return { added: script.filter((l) => l.op === '+').length, removed: script.filter((l) => l.op === '-').length };
}

/** A missing final line break counts as a change of the last line, as `diff -u` shows it. */
function diffText(before: string, after: string): DiffLine[] {
  const a = toLines(before);
  const b = toLines(after);
  const mark = (lines: Lines) => (lines.finalNewline || lines.lines.length === 0 ? lines.lines : [...lines.lines.slice(0, -1), `${lines.lines[lines.lines.length - 1]}\n\\ No newline at end of file`]);
  return diffLines(mark(a), mark(b));
}

/**
 * A unified diff (`diff -u` format, 3 lines of context) from `before` (undefined: the file is new)
 * to `after`; an empty string when they are equal.
 * @example unifiedDiff('a\n', 'b\n', 'x') // '--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n'
 */
export function unifiedDiff(before: string | undefined, after: string | undefined, oldLabel: string, newLabel = oldLabel, context = 3): string {
  if (before === after) return '';
  const script = diffText(before ?? '', after ?? '');
  const header = `--- ${before === undefined ? '/dev/null' : `a/${oldLabel}`}\n+++ ${after === undefined ? '/dev/null' : `b/${newLabel}`}\n`;
  const hunks: string[] = [];
  // Positions (1-based line numbers) of each script entry in the old and new text.
  const oldAt: number[] = [];
  const newAt: number[] = [];
  let o = 1;
  let n = 1;
  for (const entry of script) {
    oldAt.push(o);
    newAt.push(n);
    if (entry.op !== '+') o++;
    if (entry.op !== '-') n++;
  }
  let i = 0;
  while (i < script.length) {
    if (script[i]!.op === ' ') {
      i++;
      continue;
    }
    // A hunk: this change, with context, merged with any change within 2 × context lines.
    const start = Math.max(0, i - context);
    let end = i;
    for (;;) {
      while (end < script.length && script[end]!.op !== ' ') end++;
      let next = end;
      while (next < script.length && script[next]!.op === ' ') next++;
      if (next < script.length && next - end <= 2 * context) end = next;
      else break;
    }
    const stop = Math.min(script.length, end + context);
    const slice = script.slice(start, stop);
    const oldCount = slice.filter((l) => l.op !== '+').length;
    const newCount = slice.filter((l) => l.op !== '-').length;
    const oldStart = oldCount === 0 ? oldAt[start]! - 1 : oldAt[start]!;
    const newStart = newCount === 0 ? newAt[start]! - 1 : newAt[start]!;
    const range = (startLine: number, count: number) => (count === 1 ? `${startLine}` : `${startLine},${count}`);
    hunks.push(`@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@\n${slice.map((l) => `${l.op}${l.line}\n`).join('')}`);
    i = stop;
  }
  return header + hunks.join('');
}
