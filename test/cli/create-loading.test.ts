/**
 * What `create` loads, read from the built bundle: templates precompiled at build time, so the
 * create chunk carries Handlebars' runtime and not its compiler; commander's child_process is
 * loaded only if a subcommand were spawned.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { REPO } from '../helpers/cli.js';

const DIST = path.join(REPO, 'dist');
const read = (file: string) => readFileSync(path.join(DIST, file), 'utf8');
const staticImports = (file: string) => [...read(file).matchAll(/(?:^|[;}\s])import\s*(?:[\w*{}\s,$]+from\s*)?"(\.\/[^"]+)"/g)].map((m) => path.join(path.dirname(file), m[1]!));

function closure(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const next of staticImports(file)) visit(next);
  };
  visit(entry);
  return [...seen];
}

/** The distinct template sources (identical ones share one precompiled entry). */
function templateSources(dir: string, found = new Set<string>()): number {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) templateSources(full, found);
    else if (entry.name.endsWith('.hbs')) found.add(createHash('sha256').update(readFileSync(full)).digest('hex'));
  }
  return found.size;
}

test('the create chunk carries every template precompiled and no template compiler', () => {
  const chunks = readdirSync(path.join(DIST, 'chunks')).map((f) => `chunks/${f}`);
  const create = chunks.filter((f) => f.startsWith('chunks/create-'));
  expect(create).toHaveLength(1);
  const loaded = closure(create[0]!);
  expect(loaded.some((f) => read(f).includes('registerHelper')), 'Handlebars runtime is loaded').toBe(true);
  // The compiler's parser error text is in every build of Handlebars' compiler, never in its runtime.
  expect(loaded.filter((f) => read(f).includes('Parse error on line'))).toEqual([]);
  const precompiled = loaded.map((f) => [...read(f).matchAll(/"sha256-[0-9a-f]{64}":\{/g)].length).reduce((a, b) => a + b, 0);
  expect(precompiled).toBe(templateSources(path.join(REPO, 'templates')));
});

test('start-up does not load child_process (commander only needs it to spawn subcommands)', () => {
  const uses = closure('cli.js').flatMap((f) => [...read(f).matchAll(/(=>)?[\w$]+\("node:child_process"\)|from\s*"node:child_process"/g)]);
  expect(uses.length, 'the lazy require is still there').toBeGreaterThan(0);
  expect(uses.filter((m) => m[1] !== '=>').map((m) => m[0])).toEqual([]);
});
