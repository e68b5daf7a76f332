/**
 * Uncommitted changes in the files `auth` would rewrite: with them, a replaced file could not be
 * got back from git, so auth stops and asks (copier refuses a dirty repository outright).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

function git(cwd: string, args: string[]): { ok: boolean; stdout: string } {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_LITERAL_PATHSPECS: '1', GIT_OPTIONAL_LOCKS: '0' }, timeout: 15_000 });
  return { ok: !result.error && result.status === 0, stdout: result.stdout ?? '' };
}

/**
 * The `paths` (relative to `root`) that git reports as modified, added, deleted or untracked;
 * undefined when `root` is not in a git work tree or git is missing. Ignored files (`.env`) are
 * not reported.
 */
export function uncommittedChanges(root: string, paths: readonly string[]): string[] | undefined {
  const top = git(root, ['rev-parse', '--show-toplevel']);
  if (!top.ok) return undefined;
  if (paths.length === 0) return [];
  const status = git(root, ['status', '--porcelain', '-z', '--untracked-files=all', '--', ...paths]);
  if (!status.ok) return undefined;
  const topDir = top.stdout.trim();
  const changed: string[] = [];
  const entries = status.stdout.split('\0');
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    if (entry.length < 4) continue;
    const code = entry.slice(0, 2);
    // A rename is followed by its source path as a separate entry.
    if (code[0] === 'R' || code[0] === 'C') i++;
    changed.push(path.relative(root, path.join(topDir, entry.slice(3))).split(path.sep).join('/'));
  }
  return changed.sort();
}
