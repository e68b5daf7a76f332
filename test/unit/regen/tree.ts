/** Test helper: a hash of a whole folder (paths, contents, modes, empty folders), to prove nothing changed. */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** Every entry under `dir` (node_modules skipped) → a hash of its content (or `dir` for a folder). */
export function treeEntries(dir: string, skip: ReadonlySet<string> = new Set(['node_modules'])): Map<string, string> {
  const entries = new Map<string, string>();
  const walk = (current: string, prefix: string) => {
    for (const name of readdirSync(current).sort()) {
      if (skip.has(name)) continue;
      const full = path.join(current, name);
      const rel = prefix ? `${prefix}/${name}` : name;
      const stat = statSync(full);
      if (stat.isDirectory()) {
        entries.set(`${rel}/`, 'dir');
        walk(full, rel);
      } else {
        entries.set(rel, `${(stat.mode & 0o777).toString(8)} ${createHash('sha256').update(readFileSync(full)).digest('hex')}`);
      }
    }
  };
  walk(dir, '');
  return entries;
}

export function treeHash(dir: string, skip?: ReadonlySet<string>): string {
  return createHash('sha256').update(JSON.stringify([...treeEntries(dir, skip)])).digest('hex');
}
