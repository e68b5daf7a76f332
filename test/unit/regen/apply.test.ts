/** Staged writes: all or nothing, fastapps.json last, no staging folder left behind. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { applyWrites, WriteFailure } from '../../../src/regen/apply.js';
import { treeHash } from './tree.js';

function project(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'fastapps-apply-'));
  mkdirSync(path.join(root, 'src', 'auth'), { recursive: true });
  writeFileSync(path.join(root, 'src', 'auth', 'verifier.ts'), 'old verifier\n');
  writeFileSync(path.join(root, 'fastapps.json'), '{"old":true}\n');
  writeFileSync(path.join(root, 'README.md'), 'mine\n');
  return root;
}

test('replaces, adds (creating folders) and leaves no staging folder', () => {
  const root = project();
  applyWrites(root, [
    { path: 'src/auth/verifier.ts', content: Buffer.from('new verifier\n') },
    { path: 'src/local-as/index.ts', content: Buffer.from('added\n') },
    { path: 'fastapps.json', content: Buffer.from('{"new":true}\n') },
  ]);
  expect(readFileSync(path.join(root, 'src/auth/verifier.ts'), 'utf8')).toBe('new verifier\n');
  expect(readFileSync(path.join(root, 'src/local-as/index.ts'), 'utf8')).toBe('added\n');
  expect(readFileSync(path.join(root, 'fastapps.json'), 'utf8')).toBe('{"new":true}\n');
  expect(existsSync(path.join(root, '.fastapps')), 'the staging parent it created is removed').toBe(false);
});

test('a failure part-way puts every moved file back and removes what it added', () => {
  const root = project();
  const before = treeHash(root);
  let failure: unknown;
  try {
    applyWrites(root, [
      { path: 'src/auth/verifier.ts', content: Buffer.from('new verifier\n') },
      { path: 'src/local-as/index.ts', content: Buffer.from('added\n') },
      // README.md is a file, so nothing can be written under it.
      { path: 'README.md/oops.ts', content: Buffer.from('x\n') },
      { path: 'fastapps.json', content: Buffer.from('{"new":true}\n') },
    ]);
  } catch (error) {
    failure = error;
  }
  expect(failure).toBeInstanceOf(WriteFailure);
  expect((failure as WriteFailure).file).toBe('README.md/oops.ts');
  expect((failure as WriteFailure).restored).toBe(true);
  expect(treeHash(root)).toBe(before);
});

test('an existing .fastapps folder (the local provider keeps its keys there) is left as it was', () => {
  const root = project();
  mkdirSync(path.join(root, '.fastapps', 'local-as'), { recursive: true });
  writeFileSync(path.join(root, '.fastapps', 'local-as', 'keys.json'), '{}');
  applyWrites(root, [{ path: 'fastapps.json', content: Buffer.from('{}\n') }]);
  expect(readFileSync(path.join(root, '.fastapps', 'local-as', 'keys.json'), 'utf8')).toBe('{}');
  expect(existsSync(path.join(root, '.fastapps'))).toBe(true);
  expect(readdirSync(path.join(root, '.fastapps')), 'no staging folder left').toEqual(['local-as']);
});
