// Bundles the CLI into dist/ so the published package installs as one package with no
// runtime dependencies. Commands are split into chunks loaded on demand (see src/cli.ts),
// so `--version` and `create` never parse the MCP SDK or the prompt library. Templates are
// precompiled here (dist/precompiled/), so `create` loads Handlebars' runtime and not its compiler,
// and only the specs of the templates it renders.
import { build, transformSync } from 'esbuild';
import Handlebars from 'handlebars';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// OUTDIR: another folder, to compare builds side by side.
const outdir = process.env.OUTDIR ? path.resolve(process.env.OUTDIR) : path.join(root, 'dist');
rmSync(outdir, { recursive: true, force: true });

// The same options as src/generate/render.ts (COMPILE_OPTIONS).
const COMPILE_OPTIONS = { noEscape: true, strict: true };

/**
 * Every templates/**\/*.hbs, precompiled into one CommonJS file per template folder:
 * `dist/precompiled/<group>.cjs` (`project`, `partials`, `add`, `providers-<id>`, `signin-<mode>`),
 * `{ <sha256 of source>: <template spec>, … }`. A run requires only the folders it renders (create
 * for oidc: a third of them), synchronously, the first time one of their templates is used.
 */
function precompileTemplates() {
  const groups = new Map();
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.hbs')) {
        const parts = path.relative(path.join(root, 'templates'), full).split(path.sep);
        const group = (parts[0] === 'providers' || parts[0] === 'signin' ? parts.slice(0, 2) : parts.slice(0, 1)).join('-');
        const source = readFileSync(full, 'utf8');
        const key = `sha256-${createHash('sha256').update(source).digest('hex')}`;
        if (!groups.has(group)) groups.set(group, new Map());
        groups.get(group).set(key, Handlebars.precompile(source, COMPILE_OPTIONS));
      }
    }
  };
  walk(path.join(root, 'templates'));
  const out = path.join(outdir, 'precompiled');
  mkdirSync(out, { recursive: true });
  const groupOf = {};
  for (const [group, specs] of groups) {
    const entries = [...specs].map(([key, spec]) => `${JSON.stringify(key)}: ${spec}`);
    writeFileSync(path.join(out, `${group}.cjs`), transformSync(`'use strict';\nmodule.exports = {\n${entries.join(',\n')}\n};\n`, { minify: true, loader: 'js' }).code);
    for (const key of specs.keys()) groupOf[key] = group;
  }
  return groupOf;
}

/** src/generate/precompiled.ts as bundled: which folder holds each template's spec, and the lookup. */
function precompiledModule(groupOf, folder) {
  return `import { createRequire } from 'node:module';
const groupOf = ${JSON.stringify(groupOf)};
const load = createRequire(new URL(${JSON.stringify(folder)}, import.meta.url));
const loaded = new Map();
export function precompiledSpec(key) {
  const group = groupOf[key];
  if (group === undefined) return undefined;
  let specs = loaded.get(group);
  if (specs === undefined) loaded.set(group, (specs = load(\`./\${group}.cjs\`)));
  return specs[key];
}
`;
}

const groupOf = precompileTemplates();

/** precompiled.ts as the lookup into dist/precompiled/, given where that is from the bundle's files. */
const precompiledTemplates = (folder) => ({
  name: 'precompiled-templates',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]generate[\\/]precompiled\.ts$/ }, () => ({ contents: precompiledModule(groupOf, folder), loader: 'js' }));
  },
});

// commander requires node:child_process at load (6–10 ms of every start-up) only to spawn
// executable subcommands, which this CLI has none of: load it when first used instead.
const COMMANDER_CHILD_PROCESS = "const childProcess = require('node:child_process');";
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes(COMMANDER_CHILD_PROCESS)) throw new Error(`commander changed: ${args.path} no longer has ${COMMANDER_CHILD_PROCESS}`);
      return { contents: source.replace(COMMANDER_CHILD_PROCESS, "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };"), loader: 'js' };
    });
  },
};

// `import { createHash } from 'node:crypto'` goes through Node's ES module facade of the built-in,
// which reads every export once, lazy getters included: node:crypto's load all of WebCrypto, and on
// Node 22 and later node:http's load undici (tens of ms of every create, which uses neither).
// Taken through require(), only what is used is touched. node:module stays an import: the banner
// needs it to make require().
const builtinsByRequire = {
  name: 'builtins-by-require',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) =>
      args.kind === 'import-statement' && args.path !== 'node:module' && path.relative(root, args.importer).startsWith(`src${path.sep}`) ? { path: args.path, namespace: 'builtin-by-require' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'builtin-by-require' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
  },
};

/**
 * `create`, the command nearly every run is, loads two files: dist/cli.js, the command line, and
 * dist/create.js, the whole create path. Every ES module costs its resolution and load on top of
 * its parse, and esbuild's code splitting cut the create path into some twenty chunks (one per set
 * of commands sharing a module). So the bundle is built in parts:
 *
 * - dist/shared/: errors.ts and cleanup.ts, the state every command must share (error classes
 *   cli.ts tells apart, what Ctrl+C undoes), one instance whichever part loaded them;
 * - dist/cli.js: cli.ts and what it reaches, short of the parts below (so --version, --help and
 *   doctor parse no create code);
 * - dist/create.js: create.ts and everything it reaches, short of the shared and lazy parts;
 * - dist/lazy/: what only doctor, auth, add, an install or a prompt needs (the MCP SDK, execa,
 *   inquirer), one file each, loaded when the command runs (what it imports dynamically, such as
 *   the MCP SDK for doctor --server, in files of its own beside it).
 * Modules several parts use are bundled into each (pure code and data; the state is in shared/).
 */
const SHARED = { 'src/errors.ts': 'shared/errors.js', 'src/cleanup.ts': 'shared/cleanup.js' };
const CREATE = { 'src/create.ts': 'create.js' };
const LAZY = {
  'src/doctor/run.ts': 'lazy/doctor-run.js',
  'src/doctor/prefetch.ts': 'lazy/doctor-prefetch.js',
  'src/regen/auth.ts': 'lazy/regen-auth.js',
  'src/add/run.ts': 'lazy/add-run.js',
  'src/install/install.ts': 'lazy/install.js',
  'src/options/prompter.ts': 'lazy/prompter.js',
};

/** Imports of `targets` (source → output file) become imports of the built file, relative to `from` (the importing output's folder). */
const externalTo = (targets, from) => ({
  name: 'external-parts',
  setup(b) {
    b.onResolve({ filter: /^\./ }, (args) => {
      const source = path.relative(root, path.resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'))).split(path.sep).join('/');
      const target = targets[source];
      if (target === undefined) return undefined;
      const relative = path.posix.relative(from, target);
      return { path: relative.startsWith('.') ? relative : `./${relative}`, external: true };
    });
  },
});

const common = {
  absWorkingDir: root,
  outdir,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'linked',
  alias: { handlebars: 'handlebars/runtime' },
  // Some CommonJS dependencies call require(); give the ESM bundle a real one.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
  define: { __VERSION__: JSON.stringify(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version) },
};
const entries = (targets) => Object.fromEntries(Object.entries(targets).map(([source, out]) => [out.replace(/\.js$/, ''), source]));

await build({ ...common, entryPoints: entries(SHARED), splitting: true, chunkNames: 'shared/[name]-[hash]', plugins: [builtinsByRequire] });
await build({ ...common, entryPoints: { cli: 'src/cli.ts' }, splitting: false, plugins: [externalTo({ ...SHARED, ...LAZY, ...CREATE }, '.'), lazyChildProcess, builtinsByRequire] });
await build({ ...common, entryPoints: { create: 'src/create.ts' }, splitting: false, plugins: [externalTo({ ...SHARED, ...LAZY }, '.'), precompiledTemplates('./precompiled/'), builtinsByRequire] });
// Each lazy command on its own, so that it too is one file (plus what it imports dynamically, such
// as the MCP SDK for doctor --server), not chunks shared with the others.
for (const [entry, source] of Object.entries(entries(LAZY))) {
  await build({
    ...common,
    entryPoints: { [entry]: source },
    splitting: true,
    chunkNames: `${entry}-[name]-[hash]`,
    plugins: [externalTo(SHARED, 'lazy'), precompiledTemplates('../precompiled/'), lazyChildProcess, builtinsByRequire],
  });
}
