/**
 * Moving a project made before `createAuth` to the current layout.
 *
 * Such a project's `src/app.ts` wires the auth modules itself and registers its tools by hand in
 * `src/server.ts`: after `auth` its auth files are new, but nothing declares which tools are
 * public, so it is not protected by default, and the old wiring misses what createAuth added (the
 * façade and broker sign-in, per-tool scopes). Its user files of the layout are yours, yet they
 * were generated: each one still exactly as generated (its sha256 is the hash `fastapps.json`
 * recorded) is replaced, an edited one gets the new version beside it (`<file>.new`), and a missing
 * one is added (`--force` overwrites an edit, as for any file `auth` writes). Until its `.new` is
 * merged and deleted, a layout file stays in `auth`'s care, so later runs keep reminding of it.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Action } from './classify.js';
import { newPath } from './classify.js';

/** The user files of the layout built around `createAuth` and the one-call tool API. */
export const LAYOUT_FILES: readonly string[] = ['src/app.ts', 'src/server.ts', 'src/tools/index.ts', 'src/tools/hello.ts', 'src/tools/whoami.ts'];

/** Whether `src/app.ts` was written before `createAuth` (src/auth/index.ts) existed. */
export function predatesCreateAuth(root: string): boolean {
  const app = path.join(root, 'src', 'app.ts');
  return existsSync(app) && !readFileSync(app, 'utf8').includes('createAuth');
}

/** Whether `auth` decides about this user file: a layout file while migrating, or while its `.new` waits. */
export function isLayoutFile(root: string, file: string, migrating: boolean): boolean {
  return LAYOUT_FILES.includes(file) && (migrating || existsSync(path.join(root, ...newPath(file).split('/'))));
}

/** The recorded hash to classify a layout file against: none for a missing file, which is then added. */
export function layoutBase(recorded: string | undefined, disk: Buffer | undefined): string | undefined {
  return disk === undefined ? undefined : recorded;
}

export interface LayoutFile {
  path: string;
  action: Action;
}

/** The line printed before the per-file report. */
export function migrationNote(): string {
  return `src/app.ts predates createAuth: moving the project to the current layout (${LAYOUT_FILES.join(', ')}); a file unchanged since it was generated is replaced, an edited one keeps your edit and gets the new version beside it (.new)`;
}

/** The next steps for the layout: what changed, and what is left to merge. */
export function migrationSteps(files: readonly LayoutFile[], signIn: string): string[] {
  const kept = files.filter((file) => file.action.kind === 'conflict' || (file.action.kind === 'kept' && file.action.pending));
  const steps = [];
  if (kept.length === 0) {
    if (!files.some((file) => file.action.kind === 'replace' || file.action.kind === 'add' || file.action.kind === 'overwrite')) return [];
    steps.push('Your tools are now declared in src/tools/index.ts (publicTool / protectedTool, README "Add a tool"): any other tool is protected in every auth mode');
  } else {
    const news = kept.map((file) => newPath(file.path)).join(', ');
    const wiring = signIn === 'facade' ? ', the façade sign-in' : signIn === 'broker' ? ', the broker sign-in' : '';
    steps.push(
      `Merge ${news} into the file beside ${kept.length === 1 ? 'it' : 'each'} (your edits were kept) and delete the .new: until then the project is not on the current layout (createAuth, tools declared in src/tools/index.ts and protected by default, per-tool scopes${wiring}) and may not type-check, as the files that were replaced expect it`,
    );
  }
  return steps;
}
