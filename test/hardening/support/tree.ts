/**
 * Folder snapshots for "nothing outside the target touched" and "no half-written project".
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Every entry under `root` (except `skip`), with its type, size and mtime. */
export function snapshot(root: string, skip: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (skip.includes(full)) continue;
      const stat = lstatSync(full);
      out[path.relative(root, full)] = `${stat.isDirectory() ? 'dir' : stat.isSymbolicLink() ? 'link' : 'file'} ${stat.isDirectory() ? '' : stat.size} ${stat.mtimeMs} ${stat.mode.toString(8)}`;
      if (stat.isDirectory()) walk(full);
    }
  };
  walk(root);
  return out;
}

export type ProjectState = 'absent' | 'complete' | `partial: ${string}`;

/**
 * `absent`, `complete` (every file fastapps.json lists, with its recorded hash, plus `.env`, and
 * nothing else but `allowExtra`), or what is wrong.
 */
export function projectState(dir: string, allowExtra: string[] = []): ProjectState {
  if (!existsSync(dir)) return 'absent';
  const manifestPath = path.join(dir, 'fastapps.json');
  if (!existsSync(manifestPath)) return `partial: no fastapps.json (${readdirSync(dir).join(', ')})`;
  let manifest: { files: Record<string, string> };
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { files: Record<string, string> };
  } catch {
    return 'partial: fastapps.json is not complete JSON';
  }
  const expected = new Set([...Object.keys(manifest.files), '.env', 'fastapps.json']);
  for (const [file, hash] of Object.entries(manifest.files)) {
    const full = path.join(dir, file);
    if (!existsSync(full)) return `partial: ${file} is missing`;
    if ('sha256-' + createHash('sha256').update(readFileSync(full)).digest('hex') !== hash) return `partial: ${file} differs from what was generated`;
  }
  if (!existsSync(path.join(dir, '.env'))) return 'partial: .env is missing';
  const extra: string[] = [];
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const full = path.join(folder, name);
      const rel = path.relative(dir, full).split(path.sep).join('/');
      if (allowExtra.includes(rel)) continue;
      if (lstatSync(full).isDirectory()) walk(full);
      else if (!expected.has(rel)) extra.push(rel);
    }
  };
  walk(dir);
  return extra.length > 0 ? `partial: unexpected ${extra.slice(0, 5).join(', ')}` : 'complete';
}
