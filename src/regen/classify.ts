/**
 * What `auth` does with each file it owns, decided from three versions (as copier and Yeoman do,
 * with hashes instead of a stored copy): `base`, the hash `fastapps.json` recorded for what the
 * tool last generated; `disk`, the file as it is; `planned`, what the new answers generate.
 *
 * | disk                 | base                   | planned vs disk | → action                                  |
 * |----------------------|------------------------|-----------------|-------------------------------------------|
 * | equal to planned     | any                    | same            | unchanged                                 |
 * | missing              | not recorded           | —               | add                                       |
 * | missing              | recorded (you deleted) | —               | deleted: not recreated (`--force`: recreate) |
 * | hash equals base     | recorded               | differs         | replace                                   |
 * | differs from base    | planned equals base    | differs         | kept: nothing new to offer                |
 * | differs from base    | planned differs        | differs         | conflict: new version beside it (`.new`); `--force`: overwrite |
 *
 * A file on disk that the manifest does not list counts as yours (its base is unknown).
 */
import { sha256 } from '../generate/plan.js';

export interface FileState {
  path: string;
  planned: Buffer;
  /** Hash recorded in fastapps.json (`sha256-…`), if any. */
  base: string | undefined;
  /** The file on disk, if it exists. */
  disk: Buffer | undefined;
  /** `<path>.new` on disk, if it exists (from an earlier run). */
  pendingNew: Buffer | undefined;
}

export type Action =
  /** On disk as planned: nothing to write. */
  | { kind: 'unchanged' }
  /** Not generated before, not on disk: write it. */
  | { kind: 'add' }
  /** Untouched since it was generated: replace it. */
  | { kind: 'replace' }
  /** You changed it and the tool has nothing new for it: leave it (`pending`: an earlier `.new` still waits). */
  | { kind: 'kept'; pending: boolean }
  /** You changed it and the tool has a new version: write `<path>.new` (unless it already holds it). */
  | { kind: 'conflict'; writeNew: boolean; staleNew: boolean }
  /** You deleted it: not recreated (`changed`: the tool's version has changed since). */
  | { kind: 'deleted'; changed: boolean }
  /** `--force` over your edit. */
  | { kind: 'overwrite' }
  /** `--force` over your deletion. */
  | { kind: 'recreate' };

export function classify(file: FileState, force: boolean): Action {
  const planned = sha256(file.planned);
  if (file.disk === undefined) {
    if (file.base === undefined) return { kind: 'add' };
    if (force) return { kind: 'recreate' };
    return { kind: 'deleted', changed: planned !== file.base };
  }
  if (file.disk.equals(file.planned)) return { kind: 'unchanged' };
  if (file.base !== undefined && sha256(file.disk) === file.base) return { kind: 'replace' };
  if (force) return { kind: 'overwrite' };
  if (planned === file.base) return { kind: 'kept', pending: file.pendingNew !== undefined && file.pendingNew.equals(file.planned) };
  const writeNew = file.pendingNew === undefined || !file.pendingNew.equals(file.planned);
  return { kind: 'conflict', writeNew, staleNew: writeNew && file.pendingNew !== undefined };
}

/** Whether the action writes `path` itself (not a `.new` beside it). */
export function writesInPlace(action: Action): boolean {
  return action.kind === 'add' || action.kind === 'replace' || action.kind === 'overwrite' || action.kind === 'recreate';
}

/** `src/auth/verifier.ts` → `src/auth/verifier.ts.new`. */
export const newPath = (path: string) => `${path}.new`;
