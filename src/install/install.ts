/**
 * Installs dependencies and initialises git in the new project. Failures keep the project.
 * Ctrl+C during the install (`signal` aborted, or the package manager itself killed by SIGINT)
 * stops the package manager, waits for it, and removes what it had half-made (`node_modules` and
 * a lockfile, when they were not there before): the project is left exactly as `--no-install`
 * would have written it, and the error says how to install later.
 */
import { execa } from 'execa';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { CancelledError, FailureError } from '../errors.js';
import type { PackageManager } from '../options/answers.js';
import { shellQuote } from '../options/command-line.js';
import { installCommand } from './package-manager.js';

/** What an install creates in the project folder. */
const INSTALL_OUTPUTS = ['node_modules', 'package-lock.json', 'npm-shrinkwrap.json', 'pnpm-lock.yaml', 'yarn.lock', '.yarn', '.pnp.cjs', '.pnp.loader.mjs', 'bun.lock', 'bun.lockb'];

export async function installDependencies(dir: string, pm: PackageManager, options: { showOutput: boolean; shownDir: string; signal?: AbortSignal }): Promise<void> {
  const args = pm === 'yarn' ? [] : ['install'];
  const absent = INSTALL_OUTPUTS.filter((name) => !existsSync(path.join(dir, name)));
  try {
    await execa(pm, args, {
      cwd: dir,
      stdio: options.showOutput ? 'inherit' : 'pipe',
      env: { npm_config_fund: 'false', npm_config_audit: 'false' },
      ...(options.signal ? { cancelSignal: options.signal } : {}),
      forceKillAfterDelay: 3_000,
    });
  } catch (error) {
    const result = error as { code?: string; exitCode?: number; stderr?: string; isTerminated?: boolean; isCanceled?: boolean; signal?: string };
    if (options.signal?.aborted || result.isCanceled || result.signal === 'SIGINT' || result.exitCode === 130) {
      for (const name of absent) rmSync(path.join(dir, name), { recursive: true, force: true });
      throw new CancelledError(`The project is complete in ${options.shownDir}, without its dependencies. To install them: cd ${shellQuote(options.shownDir)} && ${installCommand(pm)}`);
    }
    const reason = result.code === 'ENOENT' ? `${pm} was not found on PATH` : `${pm} exited with code ${result.exitCode ?? '?'}`;
    const tail = (result.stderr ?? '').trim().split('\n').slice(-5).join('\n');
    throw new FailureError(
      `Installing dependencies failed (${reason}); the project itself is complete in ${options.shownDir}.${tail ? `\n${tail}` : ''}`,
      `Run: cd ${options.shownDir} && ${installCommand(pm)}`,
    );
  }
}

export type GitResult = 'initialized' | 'inside-repository' | 'git-missing' | 'failed';

/** `git init`, unless git is missing or the folder is already inside a work tree. Never commits. */
export async function initGit(dir: string): Promise<GitResult> {
  try {
    await execa('git', ['--version']);
  } catch {
    return 'git-missing';
  }
  try {
    const inside = await execa('git', ['rev-parse', '--is-inside-work-tree'], { cwd: dir, reject: false });
    if (inside.exitCode === 0 && inside.stdout.trim() === 'true') return 'inside-repository';
    if (existsSync(path.join(dir, '.git'))) return 'inside-repository';
    await execa('git', ['init', '-q'], { cwd: dir });
    return 'initialized';
  } catch {
    return 'failed';
  }
}
