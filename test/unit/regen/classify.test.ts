/** Each planned file against its recorded hash and the disk: the table in src/regen/classify.ts. */
import { describe, expect, test } from 'vitest';
import { sha256 } from '../../../src/generate/plan.js';
import { classify, writesInPlace, type FileState } from '../../../src/regen/classify.js';

const generated = Buffer.from('export const rules = "auth0";\n');
const planned = Buffer.from('export const rules = "okta";\n');
const edited = Buffer.from('export const rules = "auth0"; // mine\n');
const state = (over: Partial<FileState>): FileState => ({ path: 'src/auth/verifier.ts', planned, base: sha256(generated), disk: generated, pendingNew: undefined, ...over });

describe('classify', () => {
  const cases: Array<[string, Partial<FileState>, boolean, ReturnType<typeof classify>]> = [
    ['on disk as planned', { disk: planned }, false, { kind: 'unchanged' }],
    ['on disk as planned, even if you wrote it so', { disk: planned, base: undefined }, false, { kind: 'unchanged' }],
    ['untouched since generated', {}, false, { kind: 'replace' }],
    ['new for this provider', { base: undefined, disk: undefined }, false, { kind: 'add' }],
    ['edited, with a new version', { disk: edited }, false, { kind: 'conflict', writeNew: true, staleNew: false }],
    ['edited, the .new already holds the new version', { disk: edited, pendingNew: planned }, false, { kind: 'conflict', writeNew: false, staleNew: false }],
    ['edited, a stale .new from an earlier run', { disk: edited, pendingNew: Buffer.from('old offer') }, false, { kind: 'conflict', writeNew: true, staleNew: true }],
    ['edited, nothing new to offer', { disk: edited, base: sha256(planned) }, false, { kind: 'kept', pending: false }],
    ['edited, nothing new, the .new still waits', { disk: edited, base: sha256(planned), pendingNew: planned }, false, { kind: 'kept', pending: true }],
    ['a file of yours where the tool adds one', { disk: edited, base: undefined }, false, { kind: 'conflict', writeNew: true, staleNew: false }],
    ['deleted, with a new version', { disk: undefined }, false, { kind: 'deleted', changed: true }],
    ['deleted, nothing new', { disk: undefined, base: sha256(planned) }, false, { kind: 'deleted', changed: false }],
    ['--force over an edit', { disk: edited }, true, { kind: 'overwrite' }],
    ['--force over a deletion', { disk: undefined }, true, { kind: 'recreate' }],
    ['--force changes nothing for an untouched file', {}, true, { kind: 'replace' }],
  ];
  for (const [name, over, force, expected] of cases) {
    test(name, () => expect(classify(state(over), force)).toEqual(expected));
  }

  test('only add, replace and the --force actions write the file itself', () => {
    expect(writesInPlace({ kind: 'replace' })).toBe(true);
    expect(writesInPlace({ kind: 'conflict', writeNew: true, staleNew: false })).toBe(false);
    expect(writesInPlace({ kind: 'kept', pending: false })).toBe(false);
  });
});
