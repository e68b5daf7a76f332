/** What `auth --prune` keeps because a kept leftover imports it: specifiers, packages, and the closure over files. */
import { describe, expect, test } from 'vitest';
import { importSpecifiers, keptImports, packageOf, typesPackageOf } from '../../../src/regen/leftovers.js';

describe('reading imports', () => {
  test('static, type-only, re-exports, side effects, dynamic and require, in order', () => {
    const text = [
      "import { parseArgs } from 'node:util';",
      "import type { Adapter } from 'oidc-provider';",
      "import Provider, {\n  errors,\n} from \"oidc-provider/lib/x.js\";",
      "export * from './keys.js';",
      "import './side-effect.js';",
      "const m = await import('../dyn.js');",
      "const r = require('@scope/pkg/sub');",
    ].join('\n');
    expect(importSpecifiers(text)).toEqual(['node:util', 'oidc-provider', 'oidc-provider/lib/x.js', './keys.js', './side-effect.js', '../dyn.js', '@scope/pkg/sub']);
  });

  test('package names and their types', () => {
    expect(packageOf('oidc-provider/lib/x.js')).toBe('oidc-provider');
    expect(packageOf('@scope/pkg/sub')).toBe('@scope/pkg');
    for (const notAPackage of ['./x.js', '../x', '/abs', 'node:fs', '#internal']) expect(packageOf(notAPackage), notAPackage).toBeUndefined();
    expect(typesPackageOf('oidc-provider')).toBe('@types/oidc-provider');
    expect(typesPackageOf('@scope/pkg')).toBe('@types/scope__pkg');
  });
});

describe('the closure', () => {
  const prunable = new Map([
    ['src/local-as/index.ts', "import Provider from 'oidc-provider';\nimport { loadOrCreateKeys } from './keys.js';\nimport { JsonFileStore } from './store.js';"],
    ['src/local-as/keys.ts', "import { exportJWK } from 'jose';"],
    ['src/local-as/store.ts', "import type { Adapter } from 'oidc-provider';\nimport { loadOrCreateKeys } from './keys.js';"],
    ['src/local-as/unused.ts', "import { x } from './index.js';"],
    ['test/support/sign-in.ts', ''],
  ]);

  test('follows relative imports (./x.js is x.ts) through kept files, names the first importer, and lists packages', () => {
    const kept = keptImports(new Map([['scripts/token.ts', "import { createLocalAuthServer } from '../src/local-as/index.js';\nimport { readConfig } from '../src/config.js';"]]), prunable);
    expect([...kept.files]).toEqual([
      ['src/local-as/index.ts', { by: 'scripts/token.ts', edited: true }],
      ['src/local-as/keys.ts', { by: 'src/local-as/index.ts', edited: false }],
      ['src/local-as/store.ts', { by: 'src/local-as/index.ts', edited: false }],
    ]);
    expect([...kept.packages]).toEqual([
      ['oidc-provider', { by: 'src/local-as/index.ts', edited: false }],
      ['jose', { by: 'src/local-as/keys.ts', edited: false }],
    ]);
  });

  test('an edited leftover that imports nothing prunable keeps nothing else', () => {
    const kept = keptImports(new Map([['test/support/sign-in.ts', "import type { OAuthClientProvider } from '@modelcontextprotocol/client';"]]), prunable);
    expect(kept.files.size).toBe(0);
    expect([...kept.packages.keys()]).toEqual(['@modelcontextprotocol/client']);
  });
});
