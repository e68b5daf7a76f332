#!/usr/bin/env node
/**
 * Builds the widgets: each `web/<name>/index.html` becomes one self-contained file,
 * `dist/ui/<name>.html`, which the server returns as the widget's MCP Apps resource
 * (src/widgets/widget.ts).
 *
 * In index.html, `<script type="module" src="./main.ts"></script>` and
 * `<link rel="stylesheet" href="./style.css" />` are replaced by their code, bundled by esbuild
 * (imports, npm packages and CSS `@import` included; images and fonts become data: URLs).
 * References to other origins are left as they are. Folders without index.html (e.g. `shared`)
 * are not widgets.
 *
 * Usage: node scripts/build-ui.mjs   (npm run build:ui; also run by `npm run dev` and `npm run build`)
 */
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const webDir = path.join(root, 'web');
const outDir = path.join(root, 'dist', 'ui');

/** `<script … src="…"></script>` and `<link …>` tags in index.html. */
const SCRIPT_TAG = /<script\b[^>]*>\s*<\/script\s*>/gi;
const LINK_TAG = /<link\b[^>]*>/gi;

class BuildError extends Error {}

/** The value of attribute `name` in an HTML start tag. */
function attribute(tag, name) {
  return new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag)?.slice(1).find((value) => value !== undefined);
}

/** A path inside the widget's folder, or undefined for a URL (https:, //cdn…, data:). */
function localPath(dir, ref) {
  if (ref === undefined || /^([a-z][a-z0-9+.-]*:|\/\/)/i.test(ref)) return undefined;
  return path.resolve(dir, ref);
}

/**
 * zod (which the ext-apps SDK uses) re-exports every locale it ships through `../locales/index.js`,
 * and the SDK's `import * as z` keeps all of them: about a third of each widget. Widgets only use
 * English messages, so that one import resolves to the English locale alone. If zod moves its
 * files, this simply stops matching and the widgets are larger, never broken.
 */
const englishOnlyZodLocales = {
  name: 'english-only-zod-locales',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => {
      if (!/[\\/]zod[\\/]v4[\\/](classic|core|mini)$/.test(args.resolveDir)) return undefined;
      const english = path.join(args.resolveDir, '..', 'locales', 'en.js');
      return existsSync(english) ? { path: english, namespace: 'zod-locales' } : undefined;
    });
    esbuild.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: path.dirname(args.path),
    }));
  },
};

/** The assets an index.html references: each tag with the file esbuild bundles for it. */
function assetsOf(widget) {
  const assets = [];
  const add = (tag, kind, ref) => {
    const file = localPath(widget.dir, ref);
    if (file === undefined) return;
    if (!existsSync(file)) throw new BuildError(`web/${widget.name}/index.html: ${ref} does not exist`);
    assets.push({ tag, kind, file, out: `${widget.name}/${assets.length}` });
  };
  for (const [tag] of widget.html.matchAll(SCRIPT_TAG)) add(tag, 'script', attribute(tag, 'src'));
  for (const [tag] of widget.html.matchAll(LINK_TAG)) {
    if (attribute(tag, 'rel')?.toLowerCase() === 'stylesheet') add(tag, 'style', attribute(tag, 'href'));
  }
  return assets;
}

/**
 * Code inlined in HTML must not end its element early. esbuild already escapes `</script` and
 * `</style`; these guards keep it so, and `<!--` is escaped (`\x3C` is `<` in JS string, template
 * and regex literals) so that the HTML parser never enters its "script data double escaped" state.
 */
const inlineScript = (js) => `<script type="module">${js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '\\x3C!--')}</script>`;
const inlineStyle = (css) => `<style>${css.replace(/<\/(style)/gi, '<\\/$1')}</style>`;

async function findWidgets() {
  if (!existsSync(webDir)) return [];
  const entries = await readdir(webDir, { withFileTypes: true });
  const widgets = [];
  for (const entry of entries.filter((entry) => entry.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const dir = path.join(webDir, entry.name);
    const index = path.join(dir, 'index.html');
    if (existsSync(index)) widgets.push({ name: entry.name, dir, html: await readFile(index, 'utf8') });
  }
  return widgets;
}

async function main() {
  const widgets = await findWidgets();
  if (widgets.length === 0) {
    console.log('build-ui: no widgets in web/ (a widget is a folder with an index.html)');
    return;
  }
  for (const widget of widgets) widget.assets = assetsOf(widget);
  const assets = widgets.flatMap((widget) => widget.assets);

  // One esbuild run for every widget: shared code (the ext-apps SDK) is parsed once.
  const result = await build({
    absWorkingDir: root,
    entryPoints: assets.map(({ file, out }) => ({ in: file, out })),
    outdir: outDir,
    write: false,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    charset: 'utf8',
    loader: { '.png': 'dataurl', '.jpg': 'dataurl', '.jpeg': 'dataurl', '.gif': 'dataurl', '.webp': 'dataurl', '.svg': 'dataurl', '.woff': 'dataurl', '.woff2': 'dataurl' },
    plugins: [englishOnlyZodLocales],
    logLevel: 'warning',
  });
  const outputs = new Map(result.outputFiles.map((file) => [path.relative(outDir, file.path).split(path.sep).join('/'), file.text]));

  await mkdir(outDir, { recursive: true });
  const width = Math.max(...widgets.map((widget) => widget.name.length));
  const target = (widget) => path.join('dist', 'ui', `${widget.name}.html`);
  for (const widget of widgets) {
    const inlined = new Map(widget.assets.map((asset) => [asset.tag, asset]));
    // Replacer functions, not strings: `$&` and friends in the bundled code must stay as they are.
    const replace = (tag) => {
      const asset = inlined.get(tag);
      if (!asset) return tag;
      if (asset.kind === 'script') {
        const css = outputs.get(`${asset.out}.css`); // CSS imported by the script
        return (css ? inlineStyle(css) : '') + inlineScript(outputs.get(`${asset.out}.js`) ?? '');
      }
      return inlineStyle(outputs.get(`${asset.out}.css`) ?? '');
    };
    const html = widget.html.replace(SCRIPT_TAG, replace).replace(LINK_TAG, replace);
    await writeFile(path.join(root, target(widget)), html);
    const size = `${kB(Buffer.byteLength(html))} (${kB(gzipSync(html).length)} gzipped)`;
    console.log(`ui  ${widget.name.padEnd(width)}  ${target(widget).padEnd(width + 13)}  ${size}`);
  }
}

function kB(bytes) {
  return `${(bytes / 1000).toFixed(1)} kB`;
}

try {
  await main();
} catch (error) {
  // esbuild has already printed its errors with their locations.
  const message = error instanceof BuildError ? error.message : error?.errors ? `esbuild found ${error.errors.length} error${error.errors.length === 1 ? '' : 's'} (see above)` : String(error?.stack ?? error);
  console.error(`build-ui: widgets not built: ${message}`);
  process.exitCode = 1;
}
