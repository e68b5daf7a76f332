/** The unified diff `auth --dry-run` prints and the "+a −b lines" summary of a kept edit. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { diffLines, diffStat, unifiedDiff } from '../../../src/regen/diff.js';

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state % n;
  };
}

describe('diffLines', () => {
  test('the script turns the old lines into the new ones, and is as short as diff -u says', () => {
    const next = random(7);
    const dir = mkdtempSync(path.join(tmpdir(), 'fastapps-diff-'));
    for (let round = 0; round < 300; round++) {
      const a = Array.from({ length: next(14) }, () => `line ${next(5)}`);
      const b = Array.from({ length: next(14) }, () => `line ${next(5)}`);
      const script = diffLines(a, b);
      expect(script.filter((l) => l.op !== '+').map((l) => l.line)).toEqual(a);
      expect(script.filter((l) => l.op !== '-').map((l) => l.line)).toEqual(b);
      if (round % 10 === 0) {
        // Minimal: as many changed lines as GNU diff finds.
        const text = (lines: string[]) => lines.map((line) => `${line}\n`).join('');
        writeFileSync(path.join(dir, 'a'), text(a));
        writeFileSync(path.join(dir, 'b'), text(b));
        let gnu = '';
        try {
          execFileSync('diff', [path.join(dir, 'a'), path.join(dir, 'b')]);
        } catch (error) {
          gnu = String((error as { stdout: Buffer }).stdout);
        }
        const gnuChanged = gnu.split('\n').filter((line) => line.startsWith('< ') || line.startsWith('> ')).length;
        expect(script.filter((l) => l.op !== ' ').length).toBe(gnuChanged);
      }
    }
  });
});

describe('unifiedDiff', () => {
  test('equal texts: no diff', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n', 'x')).toBe('');
  });

  test('a changed line with three lines of context, removals before additions', () => {
    const before = ['1', '2', '3', '4', '5', '6', '7', '8'].join('\n') + '\n';
    const after = ['1', '2', '3', '4', 'five', 'FIVE', '6', '7', '8'].join('\n') + '\n';
    expect(unifiedDiff(before, after, 'f.txt')).toBe(['--- a/f.txt', '+++ b/f.txt', '@@ -2,7 +2,8 @@', ' 2', ' 3', ' 4', '-5', '+five', '+FIVE', ' 6', ' 7', ' 8', ''].join('\n'));
  });

  test('changes far apart make two hunks; close ones share one', () => {
    const lines = Array.from({ length: 30 }, (_, i) => `l${i}`);
    const far = [...lines];
    far[2] = 'x';
    far[25] = 'y';
    expect(unifiedDiff(lines.join('\n') + '\n', far.join('\n') + '\n', 'f').match(/^@@/gm)).toHaveLength(2);
    const near = [...lines];
    near[2] = 'x';
    near[8] = 'y';
    expect(unifiedDiff(lines.join('\n') + '\n', near.join('\n') + '\n', 'f').match(/^@@/gm)).toHaveLength(1);
  });

  test('a new file is diffed from /dev/null; a .new file is labelled as such', () => {
    expect(unifiedDiff(undefined, 'a\nb\n', 'src/new.ts')).toBe('--- /dev/null\n+++ b/src/new.ts\n@@ -0,0 +1,2 @@\n+a\n+b\n');
    expect(unifiedDiff('a\n', 'b\n', 'src/v.ts', 'src/v.ts.new')).toMatch(/^--- a\/src\/v\.ts\n\+\+\+ b\/src\/v\.ts\.new\n/);
  });

  test('a missing final line break is shown as diff -u shows it', () => {
    expect(unifiedDiff('a\nb', 'a\nb\n', 'f')).toBe('--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n');
  });
});

test('diffStat counts added and removed lines', () => {
  expect(diffStat('a\nb\nc\n', 'a\nB\nc\nd\n')).toEqual({ added: 2, removed: 1 });
  expect(diffStat('', 'x\n')).toEqual({ added: 1, removed: 0 });
});
