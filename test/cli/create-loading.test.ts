/**
 * What `create` loads, read from the built bundle and seen in a run: one file for the create path
 * (scripts/build.mjs), templates precompiled at build time, so it carries Handlebars' runtime and
 * not its compiler, and a run requires only the specs of the template folders it renders;
 * commander's child_process is loaded only if a subcommand were spawned.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execa } from 'execa';
import path from 'node:path';
import { expect, test } from 'vitest';
import { BIN, REPO, cliEnv, tempDir } from '../helpers/cli.js';
import { startIssuerServer } from '../helpers/issuer-server.js';

const DIST = path.join(REPO, 'dist');
const read = (file: string) => readFileSync(path.join(DIST, file), 'utf8');
const dynamicImports = (file: string) => [...read(file).matchAll(/import\("(\.{1,2}\/[^"]+)"\)/g)].map((m) => path.join(path.dirname(file), m[1]!));
const staticImports = (file: string) => [...read(file).matchAll(/(?:^|[;}\s])import\s*(?:[\w*{}\s,$]+from\s*)?"(\.{1,2}\/[^"]+)"/g)].map((m) => path.join(path.dirname(file), m[1]!));

/** The chunks `entry` imports, statically (and with `dynamic`, through import() too). */
function closure(entry: string, dynamic = false): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const next of [...staticImports(file), ...(dynamic ? dynamicImports(file) : [])]) visit(next);
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

test('every template is precompiled into dist/precompiled, and create loads no template compiler', () => {
  // The create path is dist/create.js, and the state it shares with the other commands.
  const loaded = closure('create.js');
  expect(loaded.sort()).toEqual(['create.js', 'shared/cleanup.js', 'shared/errors.js']);
  expect(read('create.js').includes('registerHelper'), 'Handlebars runtime is loaded').toBe(true);
  // --version, --help and doctor parse none of it.
  expect(read('cli.js').includes('registerHelper')).toBe(false);
  // The compiler's parser error text is in every build of Handlebars' compiler, never in its runtime.
  expect(loaded.filter((f) => read(f).includes('Parse error on line'))).toEqual([]);
  const specs = readdirSync(path.join(DIST, 'precompiled')).flatMap((f) => [...read(`precompiled/${f}`).matchAll(/"(sha256-[0-9a-f]{64})":\{/g)].map((m) => m[1]));
  expect(new Set(specs).size).toBe(templateSources(path.join(REPO, 'templates')));
});

test('create, issuer check included, loads four ES modules: the command line, the create path and the state they share', async () => {
  const issuer = await startIssuerServer({ fixture: 'keycloak-realm-http' });
  try {
    const dir = tempDir();
    // Records every file the ES module loader loads.
    writeFileSync(path.join(dir, 'hooks.mjs'), "export async function load(url, context, next) { if (url.startsWith('file:')) process.stderr.write(`loaded: ${url}\\n`); return next(url, context); }\n");
    writeFileSync(path.join(dir, 'probe.mjs'), "import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n");
    const run = await execa(process.execPath, ['--import', pathToFileURL(path.join(dir, 'probe.mjs')).href, BIN, 'app', '--provider', 'oidc', '--issuer', issuer.issuer, '--no-install', '--no-git'], { cwd: dir, reject: false, env: cliEnv() });
    expect(run.exitCode, run.stderr).toBe(0);
    const loaded = [...run.stderr.matchAll(/^loaded: (.*)$/gm)].map((m) => path.relative(REPO, fileURLToPath(m[1]!)).split(path.sep).join('/'));
    expect(loaded.sort()).toEqual(['bin/create-fastapps.js', 'dist/cli.js', 'dist/create.js', 'dist/shared/cleanup.js', 'dist/shared/errors.js']);
  } finally {
    await issuer.close();
  }
});

test('create renders from the precompiled specs of its own template folders only', async () => {
  const dir = tempDir();
  // Records which precompiled files the run required.
  const probe = path.join(dir, 'probe.mjs');
  writeFileSync(probe, "import { createRequire } from 'node:module';\nconst cache = createRequire(import.meta.url)('node:module')._cache;\nprocess.on('exit', () => process.stderr.write(`required: ${JSON.stringify(Object.keys(cache))}\\n`));\n");
  const run = await execa(process.execPath, ['--import', pathToFileURL(probe).href, BIN, 'app', '--provider', 'oidc', '--issuer', 'https://sso.example.com/realms/main', '--skip-issuer-check', '--no-install', '--no-git'], { cwd: dir, reject: false, env: cliEnv() });
  expect(run.exitCode, run.stderr).toBe(0);
  const required = JSON.parse(/required: (.*)/.exec(run.stderr)![1]!) as string[];
  expect(required.filter((file) => file.includes(`${path.sep}precompiled${path.sep}`)).map((file) => path.basename(file)).sort()).toEqual(['partials.cjs', 'project.cjs', 'providers-oidc.cjs']);
  // And what it wrote came from them: AUTH_SETUP.md is the oidc checklist, rendered.
  expect(readFileSync(path.join(dir, 'app', 'AUTH_SETUP.md'), 'utf8')).toContain('https://sso.example.com/realms/main');
});

test('a create that checks its issuer loads neither WebCrypto, perf_hooks nor undici (built-ins are taken through require)', async () => {
  const issuer = await startIssuerServer({ fixture: 'keycloak-realm-http' });
  try {
    const dir = tempDir();
    const probe = path.join(dir, 'probe.mjs');
    writeFileSync(probe, "process.on('exit', () => process.stderr.write(`builtins: ${JSON.stringify(process.moduleLoadList)}\\n`));\n");
    const run = await execa(process.execPath, ['--import', pathToFileURL(probe).href, BIN, 'app', '--provider', 'oidc', '--issuer', issuer.issuer, '--no-install', '--no-git'], { cwd: dir, reject: false, env: cliEnv() });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Issuer ${issuer.issuer} checked`);
    const builtins = JSON.parse(/builtins: (.*)/.exec(run.stderr)![1]!) as string[];
    expect(builtins, 'the check used node:http').toContain('NativeModule _http_client');
    // Each is loaded by the ES module facade of node:crypto / the performance global / node:http's
    // lazy WebSocket exports (Node 22 and later), and create uses none of them.
    expect(builtins.filter((name) => /internal\/crypto\/webcrypto|^NativeModule perf_hooks$|undici/.test(name))).toEqual([]);
  } finally {
    await issuer.close();
  }
});

test('start-up does not load child_process (commander only needs it to spawn subcommands)', () => {
  const uses = closure('cli.js').flatMap((f) => [...read(f).matchAll(/(=>)?[\w$]+\("node:child_process"\)|from\s*"node:child_process"/g)]);
  expect(uses.length, 'the lazy require is still there').toBeGreaterThan(0);
  expect(uses.filter((m) => m[1] !== '=>').map((m) => m[0])).toEqual([]);
});
