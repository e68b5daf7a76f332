/**
 * What `doctor` loads, read from the built bundle: its implementation is a chunk of its own,
 * imported only when the command runs; its static imports never reach the prompt library or the
 * template engine, and the MCP SDK is only imported dynamically (when --server is used). Before
 * the checks load, a small file sends the argument's first requests, which the checks then use.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { expect, test } from 'vitest';
import { BIN, REPO, cliEnv, tempDir } from '../helpers/cli.js';
import { startIssuerServer } from '../helpers/issuer-server.js';

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
  // The early requests' file holds no checks.
  expect(dynamicImports('cli.js')).toContain('lazy/doctor-prefetch.js');
  expect(read('lazy/doctor-prefetch.js')).not.toContain('discovery.issuer-echo');
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

test('doctor <url> sends its first requests (discovery, the protected resource metadata probe) from a small file loaded before its checks, and the checks use them: each is sent once', async () => {
  const arrived: string[] = [];
  const issuer = await startIssuerServer({
    issuerPath: '/realms/main',
    // Well-known documents answer late, as a far issuer's do, so the checks load meanwhile (bench/doctor.mjs measures what that saves).
    routes: async (request) => {
      arrived.push(request.url.pathname);
      if (request.url.pathname.includes('/.well-known/')) await new Promise((resolve) => setTimeout(resolve, 300));
      return false;
    },
  });
  try {
    const dir = tempDir();
    // Records the order in which the ES module loader loads files.
    writeFileSync(path.join(dir, 'hooks.mjs'), "export async function load(url, context, next) { if (url.startsWith('file:')) process.stderr.write(`loaded: ${url}\\n`); return next(url, context); }\n");
    writeFileSync(path.join(dir, 'probe.mjs'), "import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n");
    const run = await execa(process.execPath, ['--import', pathToFileURL(path.join(dir, 'probe.mjs')).href, BIN, 'doctor', issuer.issuer, '--json'], { cwd: dir, reject: false, env: cliEnv() });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const loaded = [...run.stderr.matchAll(/^loaded: \S*\/dist\/(\S+)$/gm)].map((m) => m[1]);
    expect(loaded.indexOf('lazy/doctor-prefetch.js')).toBeGreaterThan(-1);
    expect(loaded.indexOf('lazy/doctor-prefetch.js')).toBeLessThan(loaded.indexOf('lazy/doctor-run.js'));
    const early = ['/.well-known/oauth-authorization-server/realms/main', '/.well-known/openid-configuration/realms/main', '/realms/main/.well-known/openid-configuration', '/.well-known/oauth-protected-resource/realms/main'];
    // Sent once each: the checks took the early requests over and sent no second ones.
    for (const wellKnown of early) expect(arrived.filter((p) => p === wellKnown), wellKnown).toHaveLength(1);
    // …and their answers were used: the report has the document and the key set.
    const report = JSON.parse(run.stdout) as { findings: Array<{ id: string; status: string }> };
    expect(report.findings.find((f) => f.id === 'discovery.issuer-echo')?.status).toBe('pass');
    expect(report.findings.find((f) => f.id === 'jwks.signing-keys')?.status).toBe('pass');
  } finally {
    await issuer.close();
  }
});
