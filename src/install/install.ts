/** Installs dependencies and initialises git in the new project. Failures keep the project. */
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { FailureError } from '../errors.js';
import type { PackageManager } from '../options/answers.js';
import { installCommand } from './package-manager.js';

export async function installDependencies(dir: string, pm: PackageManager, options: { showOutput: boolean; shownDir: string }): Promise<void> {
  const args = pm === 'yarn' ? [] : ['install'];
  try {
    await execa(pm, args, {
      cwd: dir,
      stdio: options.showOutput ? 'inherit' : 'pipe',
      env: { npm_config_fund: 'false', npm_config_audit: 'false' },
    });
  } catch (error) {
    const result = error as { code?: string; exitCode?: number; stderr?: string; isTerminated?: boolean; signal?: string };
    if (result.signal === 'SIGINT') throw error;
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
