/**
 * Writes a planned project so that a failure or Ctrl+C never leaves a half-written one: files go
 * to a staging folder beside the target, which is renamed into place (atomic on one filesystem).
 * Writing into an existing folder needs `--force`; nothing is ever deleted.
 */
import { randomBytes } from 'node:crypto';
import { accessSync, chmodSync, constants, existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (error) {
    throw writeError(error, dir);
  }
  const conflicts = entries.filter((name) => !IGNORED.some((pattern) => pattern.test(name))).sort();
  if (conflicts.length > 0 && !force) {
    const listed = conflicts.slice(0, 10).join(', ') + (conflicts.length > 10 ? `, and ${conflicts.length - 10} more` : '');
    throw new FailureError(`${shown} is not empty: ${listed}.`, 'Choose another folder, or pass --force to write into it (nothing is deleted; files with the same names are overwritten).');
  }
  return { exists: true, conflicts };
}

/**
 * Writes `files` under `dir`. On any error the staging folder is removed, so are the parent
 * folders this call created, and `dir` is as it was (or, with --force, has only whole files
 * replaced); the error is a `FailureError` that names the path and the fix.
 *
 * The write is synchronous on purpose: Ctrl+C (SIGINT) is handled between event-loop turns, so it
 * can never land in the middle of it. The project is either not there yet or complete.
 */
export function writeProject(files: PlannedFile[], dir: string, options: { force: boolean }): void {
  const parent = path.dirname(dir);
  // The first folder `mkdirSync` creates (undefined when `parent` existed): removed again on failure,
  // so a failed create leaves nothing outside the target either.
  let createdParents: string | undefined;
  try {
    createdParents = mkdirSync(parent, { recursive: true });
  } catch (error) {
    throw writeError(error, parent);
  }
  const staging = path.join(parent, `.${path.basename(dir)}.fastapps-${randomBytes(4).toString('hex')}`);
  const removeStaging = () => {
    rmSync(staging, { recursive: true, force: true });
    if (createdParents) removeEmptyFolders(parent, createdParents);
  };
  const unregister = onAbort(removeStaging);
  try {
    mkdirSync(staging);
    // Each folder is made once: a recursive mkdirSync of a folder that exists still costs a
    // failed mkdir and a stat, which over ~60 files was most of the write.
    const made = new Set([staging]);
    for (const file of files) {
      const target = path.join(staging, ...file.path.split('/'));
      const folder = path.dirname(target);
      if (!made.has(folder)) {
        mkdirSync(folder, { recursive: true });
        made.add(folder);
      }
      writeFileSync(target, file.content);
      if (file.path.endsWith('.sh')) chmodSync(target, 0o755);
    }
    if (!existsSync(dir)) {
      renameSync(staging, dir);
    } else {
      // An existing (empty, or --force) folder: move each file in; a same-named file is replaced whole.
      // Everything that could stop the moves half-way is checked first.
      checkTarget(dir, options.force);
      preflight(files, dir);
      for (const file of files) {
        const from = path.join(staging, ...file.path.split('/'));
        const to = path.join(dir, ...file.path.split('/'));
        mkdirSync(path.dirname(to), { recursive: true });
        renameSync(from, to);
      }
      rmSync(staging, { recursive: true, force: true });
    }
  } catch (error) {
    removeStaging();
    throw error instanceof FailureError ? error : writeError(error, dir);
  } finally {
    unregister();
  }
}

/**
 * Before moving files into an existing folder: every destination must be writable and free of a
 * folder of the same name, and every folder on the way must be a folder, so the moves cannot
 * fail after some files are already in place.
 */
function preflight(files: PlannedFile[], dir: string): void {
  const checked = new Set<string>();
  for (const file of files) {
    const parts = file.path.split('/');
    let folder = dir;
    for (const part of parts.slice(0, -1)) {
      folder = path.join(folder, part);
      if (checked.has(folder)) continue;
      checked.add(folder);
      const stat = lstatSync(folder, { throwIfNoEntry: false });
      if (stat && !stat.isDirectory()) throw new FailureError(`Cannot write the project to ${dir}: ${folder} is a file, where the project needs a folder. Nothing was written.`, 'Move that file away, or choose another folder.');
    }
    const target = path.join(dir, ...parts);
    const stat = lstatSync(target, { throwIfNoEntry: false });
    if (stat?.isDirectory()) throw new FailureError(`Cannot write the project to ${dir}: ${target} is a folder, where the project needs a file. Nothing was written.`, 'Move that folder away, or choose another folder.');
  }
  for (const folder of [dir, ...checked]) {
    if (!existsSync(folder)) continue;
    try {
      accessSync(folder, constants.W_OK);
    } catch (error) {
      throw writeError(error, folder);
    }
  }
}

/** Removes `from` and its parents up to and including `to`, as long as each is an empty folder. */
function removeEmptyFolders(from: string, to: string): void {
  for (let folder = from; folder.length >= to.length; folder = path.dirname(folder)) {
    try {
      rmdirSync(folder);
    } catch {
      return;
    }
    if (folder === to) return;
  }
}

/** A file-system error as one sentence naming the path, with the fix. */
function writeError(error: unknown, dir: string): FailureError {
  const { code, path: where = dir } = error as NodeJS.ErrnoException;
  const reason: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'the file system is read-only',
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is exhausted',
    ENOTDIR: 'a part of the path is a file, not a folder',
    EEXIST: 'a file is in the way',
    EISDIR: 'a folder is in the way',
    ENAMETOOLONG: 'the path is too long',
  };
  const why = (code && reason[code]) ?? (error as Error).message;
  return new FailureError(`Cannot write the project to ${short(dir)}: ${why}${code ? ` (${code} at ${short(where)})` : ''}. Nothing was written.`, 'Choose a folder you can write to, or fix its permissions, and run the command again.');
}

/** A path short enough for a one-line message. */
function short(file: string): string {
  return file.length > 160 ? `${file.slice(0, 60)}…${file.slice(-90)}` : file;
}
