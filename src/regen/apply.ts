/**
 * Writes `auth`'s changes so that a failure or Ctrl+C never leaves a half-updated project: every
 * new content is first written to a staging folder under the project's `.fastapps/` (gitignored),
 * then each file is renamed into place (atomic on one filesystem) after its old version is copied
 * aside; `fastapps.json` goes last. On any error every moved file is put back (new ones removed),
 * so fastapps.json and the tree are as they were; the staging folder is always removed.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { onAbort } from '../cleanup.js';

export interface Write {
  /** POSIX path relative to the project root. */
  path: string;
  content: Buffer;
  /** Remove the file instead (`auth --prune`); `content` is then unused. */
  remove?: true;
}

interface Moved {
  target: string;
  /** Copy of the previous version, when there was one. */
  backup: string | undefined;
  /** The file was removed (rollback puts the backup back; there is no new file to unlink). */
  removed?: true;
}

export class WriteFailure extends Error {
  constructor(
    readonly file: string,
    readonly reason: Error,
    /** Whether every moved file could be put back. */
    readonly restored: boolean,
  ) {
    super(`${file}: ${reason.message}`);
  }
}

/** Where auth stages its writes (inside the project, so the final renames stay on one filesystem). */
export const STAGING_PARENT = '.fastapps';

/**
 * Writes `writes` (in order; put fastapps.json last) under `root`.
 * Throws `WriteFailure` after putting everything back.
 */
export function applyWrites(root: string, writes: readonly Write[]): void {
  const parent = path.join(root, STAGING_PARENT);
  const parentExisted = existsSync(parent);
  const staging = path.join(parent, `auth-${randomBytes(4).toString('hex')}`);
  const moved: Moved[] = [];
  const createdDirs: string[] = [];
  let finished = false;

  const mkdirs = (dir: string) => {
    const missing: string[] = [];
    for (let d = dir; !existsSync(d); d = path.dirname(d)) missing.push(d);
    for (const d of missing.reverse()) {
      mkdirSync(d);
      createdDirs.push(d);
    }
  };
  const rollback = (): boolean => {
    let restored = true;
    for (const move of [...moved].reverse()) {
      try {
        if (move.backup) renameSync(move.backup, move.target);
        else if (!move.removed) unlinkSync(move.target);
      } catch {
        restored = false;
      }
    }
    moved.length = 0;
    for (const dir of [...createdDirs].reverse()) {
      try {
        if (readdirSync(dir).length === 0) rmdirSync(dir);
      } catch {
        // Left in place: it is empty or holds something that is not ours.
      }
    }
    return restored;
  };
  const cleanUp = () => {
    rmSync(staging, { recursive: true, force: true });
    try {
      if (!parentExisted && readdirSync(parent).length === 0) rmdirSync(parent);
    } catch {
      // Nothing to clean.
    }
  };
  const unregister = onAbort(() => {
    if (!finished) rollback();
    cleanUp();
  });

  let current = STAGING_PARENT;
  try {
    // 1. Stage every new content.
    mkdirSync(path.join(staging, 'new'), { recursive: true });
    mkdirSync(path.join(staging, 'old'), { recursive: true });
    for (const [index, write] of writes.entries()) {
      current = write.path;
      if (!write.remove) writeFileSync(path.join(staging, 'new', String(index)), write.content);
    }
    // 2. Move each into place, keeping a copy of what it replaces.
    for (const [index, write] of writes.entries()) {
      current = write.path;
      const target = path.join(root, ...write.path.split('/'));
      if (write.remove) {
        if (!existsSync(target)) continue;
        const backup = path.join(staging, 'old', String(index));
        renameSync(target, backup);
        moved.push({ target, backup, removed: true });
        continue;
      }
      const staged = path.join(staging, 'new', String(index));
      let backup: string | undefined;
      if (existsSync(target)) {
        backup = path.join(staging, 'old', String(index));
        copyFileSync(target, backup);
        chmodSync(staged, statSync(target).mode & 0o7777);
      } else {
        mkdirs(path.dirname(target));
      }
      renameSync(staged, target);
      moved.push({ target, backup });
    }
    finished = true;
  } catch (error) {
    const restored = rollback();
    cleanUp();
    unregister();
    throw new WriteFailure(current, error as Error, restored);
  }
  cleanUp();
  unregister();
  // Folders a removal emptied go too (src/local-as/ after a switch away from local); best effort,
  // after the write has finished, so a folder that cannot go never undoes it.
  for (const write of writes) {
    if (!write.remove) continue;
    for (let dir = path.dirname(path.join(root, ...write.path.split('/'))); dir !== root && dir.startsWith(root); dir = path.dirname(dir)) {
      try {
        if (!existsSync(dir) || readdirSync(dir).length > 0) break;
        rmdirSync(dir);
      } catch {
        break;
      }
    }
  }
}
