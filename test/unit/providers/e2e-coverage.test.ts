/**
 * Every provider module runs the shared tests: a provider that issues tokens this server verifies
 * has a case in test/e2e/provider-cases.ts, a thin test/e2e/create-<id>.test.ts that runs the
 * shared e2e with it, and a place in the hardening token matrix; a broker-only one is covered by
 * test/e2e/broker.test.ts. Adding a provider module without its case fails here, not silently.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { providers } from '../../../src/providers/index.js';
import { REPO } from '../../helpers/cli.js';
import { cases } from '../../e2e/provider-cases.js';
import { SHAPES, brokerOnly, caseOf } from '../../hardening/support/shapes.js';

const e2e = (file: string) => path.join(REPO, 'test', 'e2e', file);

describe.each(providers.map((provider) => [provider.id, provider] as const))('%s', (id, provider) => {
  if (brokerOnly(provider)) {
    test('broker-only: test/e2e/broker.test.ts signs in with it, and the token matrix leaves it out', () => {
      expect(readFileSync(e2e('broker.test.ts'), 'utf8')).toContain(`describe('--provider ${id}:`);
      expect(SHAPES).not.toContain(id);
    });
    return;
  }

  test('its tokens are in the hardening token matrix', () => {
    expect(SHAPES).toContain(id);
  });

  if (id === 'local') {
    // Its embedded authorization server has no discovery fixture: its own e2e file.
    test('it has its own e2e file', () => expect(existsSync(e2e('create-local.test.ts'))).toBe(true));
    return;
  }

  test('it has a shared e2e case and a create-<id>.test.ts that runs the shared e2e with it', () => {
    const spec = caseOf(id);
    expect(spec, `no case for ${id} in test/e2e/provider-cases.ts`).toBeDefined();
    expect(spec!.provider).toBe(id);
    expect(provider.signIn).toContain(spec!.signIn);
    const file = e2e(`create-${id}.test.ts`);
    expect(existsSync(file), `${file} is missing`).toBe(true);
    expect(readFileSync(file, 'utf8')).toContain(`providerE2E(cases.${id})`);
  });

  test('a façade provider\'s case has a fake for the hosts to sign in at', () => {
    if (provider.signIn[0] === 'facade') expect(caseOf(id)!.facade).toBeDefined();
  });
});

test('no case names a provider that is not in the list', () => {
  const ids = providers.map((provider) => provider.id);
  for (const key of Object.keys(cases)) expect(ids).toContain(key);
});
