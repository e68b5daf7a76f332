// Bundles the CLI into dist/ so the published package installs as one package with no
// runtime dependencies. Commands are split into chunks loaded on demand (see src/cli.ts),
// so `--version` and `create` never parse the MCP SDK or the prompt library. Templates are
// precompiled here, so `create` loads Handlebars' runtime and not its compiler.
import { build } from 'esbuild';
import Handlebars from 'handlebars';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

// The same options as src/generate/render.ts (COMPILE_OPTIONS).
const COMPILE_OPTIONS = { noEscape: true, strict: true };

/** `export const precompiled = { <sha256 of source>: <template spec>, … }` for every templates/**\/*.hbs. */
function precompiledModule() {
  const entries = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.hbs')) {
        const source = readFileSync(full, 'utf8');
        const key = `sha256-${createHash('sha256').update(source).digest('hex')}`;
        entries.push(`${JSON.stringify(key)}: ${Handlebars.precompile(source, COMPILE_OPTIONS)}`);
      }
    }
  };
  walk(path.join(root, 'templates'));
  return `export const precompiled = {\n${entries.join(',\n')}\n};\n`;
}

const precompiledTemplates = {
  name: 'precompiled-templates',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]generate[\\/]precompiled\.ts$/ }, () => ({ contents: precompiledModule(), loader: 'js' }));
  },
};

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

await build({
  absWorkingDir: root,
  entryPoints: ['src/cli.ts'],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  alias: { handlebars: 'handlebars/runtime' },
  plugins: [precompiledTemplates, lazyChildProcess],
  // Some CommonJS dependencies call require(); give the ESM bundle a real one.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
  define: { __VERSION__: JSON.stringify(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version) },
});
