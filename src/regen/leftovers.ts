/**
 * What `auth --prune` keeps although the new answers no longer need it and it is unchanged since it
 * was generated: whatever a kept leftover (one you edited) imports, file by file and package by
 * package, followed through the files it keeps. Pruning those would leave a project whose type
 * check and build fail on an import of a file or package that is gone.
 *
 * Imports are read from the text: `import … from '…'`, `export … from '…'`, `import '…'`,
 * `import('…')` and `require('…')` with a literal. A relative one resolves as this project's
 * NodeNext TypeScript does (`../src/local-as/index.js` is `src/local-as/index.ts`). Something that
 * only looks like an import (in a comment, say) keeps a little more, never less.
 */
import path from 'node:path';

/** Why something is kept: the file that imports it, and whether that file is one you edited. */
export interface KeptBecause {
  by: string;
  edited: boolean;
}

export interface KeptImports {
  /** Leftover files kept, with the first kept file found importing each. */
  files: Map<string, KeptBecause>;
  /** Packages a kept file imports (`oidc-provider`, `@scope/name`), with the first importer. */
  packages: Map<string, KeptBecause>;
}

const SPECIFIER = /\bfrom\s*['"]([^'"\r\n]+)['"]|\bimport\s*\(?\s*['"]([^'"\r\n]+)['"]|\brequire\s*\(\s*['"]([^'"\r\n]+)['"]\s*\)/g;

/** The module specifiers a TypeScript or JavaScript file imports, in order. */
export function importSpecifiers(text: string): string[] {
  return [...text.matchAll(SPECIFIER)].map((match) => match[1] ?? match[2] ?? match[3]!);
}

/** The package a bare specifier names (`oidc-provider/lib/x` → `oidc-provider`), or undefined for relative, absolute, `node:` and `#` imports. */
export function packageOf(specifier: string): string | undefined {
  if (/^[./#]/.test(specifier) || /^[a-z][a-z0-9+.-]*:/i.test(specifier)) return undefined;
  const [first, second] = specifier.split('/');
  if (!first) return undefined;
  if (!first.startsWith('@')) return first;
  return second ? `${first}/${second}` : undefined;
}

/** The DefinitelyTyped package of a package: `@types/oidc-provider`, `@types/scope__name`. */
export function typesPackageOf(name: string): string {
  return `@types/${name.startsWith('@') ? name.slice(1).replace('/', '__') : name}`;
}

/** The project paths a relative specifier in `from` may name. */
function candidates(from: string, specifier: string): string[] {
  const target = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  const swaps: Array<[string, string[]]> = [
    ['.js', ['.ts', '.tsx']],
    ['.jsx', ['.tsx']],
    ['.mjs', ['.mts']],
    ['.cjs', ['.cts']],
  ];
  for (const [js, ts] of swaps) if (target.endsWith(js)) return [target, ...ts.map((ext) => target.slice(0, -js.length) + ext)];
  return [target, ...['.ts', '.tsx', '.js', '/index.ts', '/index.js'].map((ext) => target + ext)];
}

/**
 * Follows the imports of `kept` (the leftovers you edited: path → text) into `prunable` (the
 * leftovers unchanged since generated: path → text): every prunable file reached is kept too, and
 * every package a kept file imports is listed.
 */
export function keptImports(kept: ReadonlyMap<string, string>, prunable: ReadonlyMap<string, string>): KeptImports {
  const result: KeptImports = { files: new Map(), packages: new Map() };
  const queue = [...kept.keys()];
  const edited = new Set(queue);
  for (let index = 0; index < queue.length; index++) {
    const file = queue[index]!;
    const text = kept.get(file) ?? prunable.get(file) ?? '';
    const because: KeptBecause = { by: file, edited: edited.has(file) };
    for (const specifier of importSpecifiers(text)) {
      const name = packageOf(specifier);
      if (name !== undefined) {
        if (!result.packages.has(name)) result.packages.set(name, because);
        continue;
      }
      if (!specifier.startsWith('.')) continue;
      const target = candidates(file, specifier).find((candidate) => prunable.has(candidate));
      if (target === undefined || edited.has(target) || result.files.has(target)) continue;
      result.files.set(target, because);
      queue.push(target);
    }
  }
  return result;
}
