/**
 * One installed `node_modules` for every generated project of the hardening suite.
 *
 * A `local` project has the superset of the generated dependencies (the others lack only
 * oidc-provider), so one is generated with the built CLI and installed once into a cache folder
 * keyed by a hash of its package.json. Every project the suite generates with `--no-install`
 * gets a symlink to it. Test files run in separate processes: a lock folder makes the first one
 * install while the others wait.
 */
import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli, tempDir } from '../../helpers/cli.js';

const CACHE = path.join(tmpdir(), 'fastapps-hardening-deps');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let shared: Promise<string> | undefined;

/** The folder holding the shared `node_modules` (installing it on first use). */
export function sharedDeps(): Promise<string> {
  shared ??= install();
  return shared;
}

async function install(): Promise<string> {
  // The dependency list comes from what the CLI really generates.
  const probe = path.join(tempDir('fastapps-deps-probe-'), 'probe');
  const created = await runCli([probe, '--provider', 'local', '--no-install', '--no-git'], { cwd: path.dirname(probe) });
  if (created.exitCode !== 0) throw new Error(`could not generate the dependency probe project:\n${created.stderr}`);
  const pkg = JSON.parse(readFileSync(path.join(probe, 'package.json'), 'utf8')) as { dependencies: object; devDependencies: object };
  rmSync(path.dirname(probe), { recursive: true, force: true });
  const manifest = { name: 'fastapps-hardening-deps', private: true, type: 'module', dependencies: pkg.dependencies, devDependencies: pkg.devDependencies };
  const key = createHash('sha256').update(JSON.stringify(manifest)).digest('hex').slice(0, 16);
  const dir = path.join(CACHE, key);
  const ready = path.join(dir, '.ready');
  if (existsSync(ready)) return dir;

  mkdirSync(CACHE, { recursive: true });
  const lock = `${dir}.lock`;
  const deadline = Date.now() + 280_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(ready)) return dir;
      // A lock left by a killed run is stale after 5 minutes.
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${lock}`);
      await sleep(250);
    }
  }
  try {
    if (existsSync(ready)) return dir;
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
    const result = await execa('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, reject: false, all: true, env: { npm_config_update_notifier: 'false' } });
    if (result.exitCode !== 0) throw new Error(`npm install of the shared dependencies failed:\n${result.all}`);
    writeFileSync(ready, new Date().toISOString());
    return dir;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Gives a generated project the shared `node_modules`. */
export async function linkDeps(projectDir: string): Promise<void> {
  const deps = await sharedDeps();
  symlinkSync(path.join(deps, 'node_modules'), path.join(projectDir, 'node_modules'), 'dir');
}

/** A binary of the shared install, e.g. `tsc`. */
export async function depBin(name: string): Promise<string> {
  return path.join(await sharedDeps(), 'node_modules', '.bin', name);
}
