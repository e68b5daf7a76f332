/** Reads the template trees shipped in `templates/` (next to `dist/` in the published package). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface TemplateFile {
  /** POSIX path relative to the tree root. */
  path: string;
  content: Buffer;
  executable: boolean;
}

/** Walks up from this module to the folder holding `templates/project` (works from src/ and from the bundle). */
export function templatesRoot(from = fileURLToPath(import.meta.url)): string {
  let dir = path.dirname(from);
  for (;;) {
    const candidate = path.join(dir, 'templates');
    if (existsSync(path.join(candidate, 'project'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('create-fastapps: the templates folder is missing from this installation; reinstall the package.');
    dir = parent;
  }
}

/**
 * Orders paths by UTF-16 code units: stable on every machine and locale, and free, where the first
 * `localeCompare` call costs about 12 ms of ICU start-up on the create path.
 */
export const byPath = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const SKIP = new Set(['node_modules', 'dist', '.fastapps', '.DS_Store']);

export function readTemplateTree(root: string): TemplateFile[] {
  const files: TemplateFile[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => byPath(a.name, b.name))) {
      if (SKIP.has(entry.name)) continue;
      const full = path.join(dir, entry.name);
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(full, rel);
      else if (entry.isFile()) files.push({ path: rel, content: readFileSync(full), executable: false });
    }
  };
  if (existsSync(root)) walk(root, '');
  return files;
}

export interface TemplateSource {
  base: TemplateFile[];
  overlay: TemplateFile[];
  /** Shared pieces (`templates/partials/<name>.hbs`), used as `{{> name}}`; never files of their own. */
  partials: TemplateFile[];
}

/**
 * The base project plus the provider's overlay and the sign-in mode's (`templates/signin/<mode>`,
 * e.g. the broker's `src/auth/broker/`), and the partials they may use.
 */
export function loadTemplates(provider: string, signIn = 'direct', root = templatesRoot()): TemplateSource {
  return {
    base: readTemplateTree(path.join(root, 'project')),
    overlay: [...readTemplateTree(path.join(root, 'providers', provider)), ...readTemplateTree(path.join(root, 'signin', signIn))],
    partials: readTemplateTree(path.join(root, 'partials')),
  };
}
