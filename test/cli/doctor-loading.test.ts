/**
 * What `doctor` loads, read from the built bundle: its implementation is a chunk of its own,
 * imported only when the command runs; its static imports never reach the prompt library or the
 * template engine, and the MCP SDK is only imported dynamically (when --server is used).
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { REPO } from '../helpers/cli.js';

const DIST = path.join(REPO, 'dist');
const read = (file: string) => readFileSync(path.join(DIST, file), 'utf8');
const staticImports = (file: string) => [...read(file).matchAll(/(?:^|[;}\s])import\s*(?:[\w*{}\s,$]+from\s*)?"(\.{1,2}\/[^"]+)"/g)].map((m) => path.join(path.dirname(file), m[1]!));
const dynamicImports = (file: string) => [...read(file).matchAll(/import\("(\.{1,2}\/[^"]+)"\)/g)].map((m) => path.join(path.dirname(file), m[1]!));

function closure(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const next of staticImports(file)) visit(next);
  };
  visit(entry);
  return seen;
}

test('the doctor chunk is loaded lazily and statically reaches neither the prompts nor the MCP SDK', () => {
  const lazy = readdirSync(path.join(DIST, 'lazy')).map((f) => `lazy/${f}`);
  const doctor = lazy.filter((f) => read(f).includes('with --strict, warnings fail'));
  expect(doctor).toEqual(['lazy/doctor-run.js']);
  const entry = closure('cli.js');
  expect(entry.has(doctor[0]!)).toBe(false);
  expect(dynamicImports('cli.js')).toContain('lazy/doctor-run.js');
  const loaded = [...closure(doctor[0]!)];
  expect(loaded.length).toBeGreaterThan(1); // the reader of import statements works
  const inquirer = loaded.filter((f) => read(f).includes('ExitPromptError'));
  const sdk = loaded.filter((f) => read(f).includes('trying to load well-known OAuth protected resource metadata'));
  const templateEngine = loaded.filter((f) => read(f).includes('registerHelper'));
  expect(inquirer).toEqual([]);
  expect(sdk).toEqual([]);
  expect(templateEngine, 'doctor renders no templates: Handlebars stays out of its chunks').toEqual([]);
  // …but the SDK is one dynamic import away.
  expect(dynamicImports(doctor[0]!).some((f) => read(f).includes('trying to load well-known OAuth protected resource metadata'))).toBe(true);
});
