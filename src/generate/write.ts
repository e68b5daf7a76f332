/**
 * Writes a planned project so that a failure or Ctrl+C never leaves a half-written one: files go
 * to a staging folder beside the target, which is renamed into place (atomic on one filesystem).
 * Writing into an existing folder needs `--force`; nothing is ever deleted.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { onAbort } from '../cleanup.js';
import { FailureError } from '../errors.js';
import type { PlannedFile } from './plan.js';

/** Entries that do not make a folder "not empty" (editor and VCS leftovers). */
const IGNORED = [/^\.git$/, /^\.DS_Store$/, /^Thumbs\.db$/, /^\.idea$/, /\.iml$/, /^\.vscode$/, /^LICENSE(\..*)?$/i, /^\.gitattributes$/, /^(npm|yarn|pnpm)-debug\.log/, /^yarn-error\.log/];

export interface TargetState {
  exists: boolean;
  /** Entries already there that are not ignorable. */
  conflicts: string[];
}

/**
 * Checks the target before anything else happens. Throws `FailureError` when it cannot be written:
 * a file, a parent that is a file, or a non-empty folder without `force`.
 */
export function checkTarget(dir: string, force: boolean, shown = dir): TargetState {
  // Every existing ancestor must be a folder.
  let ancestor = path.dirname(dir);
  while (!existsSync(ancestor)) ancestor = path.dirname(ancestor);
  if (!statSync(ancestor).isDirectory()) throw new FailureError(`Cannot create ${shown}: ${ancestor} is a file, not a folder.`, 'Choose another project folder.');

  if (!existsSync(dir)) return { exists: false, conflicts: [] };
  const stat = lstatSync(dir);
  if (!stat.isDirectory()) throw new FailureError(`${shown} exists and is not a folder.`, 'Choose another project folder, or move that file away.');
  const conflicts = readdirSync(dir).filter((name) => !IGNORED.some((pattern) => pattern.test(name))).sort();
  if (conflicts.length > 0 && !force) {
    const listed = conflicts.slice(0, 10).join(', ') + (conflicts.length > 10 ? `, and ${conflicts.length - 10} more` : '');
    throw new FailureError(`${shown} is not empty: ${listed}.`, 'Choose another folder, or pass --force to write into it (nothing is deleted; files with the same names are overwritten).');
  }
  return { exists: true, conflicts };
}

/** Writes `files` under `dir`. On any error the staging folder is removed and `dir` is as it was (or, with --force, has only whole files replaced). */
export function writeProject(files: PlannedFile[], dir: string, options: { force: boolean }): void {
  const parent = path.dirname(dir);
  mkdirSync(parent, { recursive: true });
  const staging = path.join(parent, `.${path.basename(dir)}.fastapps-${randomBytes(4).toString('hex')}`);
  const removeStaging = () => rmSync(staging, { recursive: true, force: true });
  const unregister = onAbort(removeStaging);
  try {
    mkdirSync(staging);
    for (const file of files) {
      const target = path.join(staging, ...file.path.split('/'));
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, file.content);
      if (file.path.endsWith('.sh')) chmodSync(target, 0o755);
    }
    if (!existsSync(dir)) {
      renameSync(staging, dir);
    } else {
      // An existing (empty, or --force) folder: move each file in; a same-named file is replaced whole.
      checkTarget(dir, options.force);
      for (const file of files) {
        const from = path.join(staging, ...file.path.split('/'));
        const to = path.join(dir, ...file.path.split('/'));
        mkdirSync(path.dirname(to), { recursive: true });
        renameSync(from, to);
      }
      removeStaging();
    }
  } catch (error) {
    removeStaging();
    throw error;
  } finally {
    unregister();
  }
}
