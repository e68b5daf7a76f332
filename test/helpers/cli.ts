/** Runs the real built CLI (`bin/create-fastapps.js` → `dist/`) as a child process. */
import { execa, type Options } from 'execa';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = path.join(REPO, 'bin', 'create-fastapps.js');

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** How long it ran, in ms. */
  ms: number;
}

/** A clean environment: no CI flag, no colours, no inherited npm user agent. */
export function cliEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { ...process.env, CI: undefined, NO_COLOR: '1', FORCE_COLOR: undefined, npm_config_user_agent: undefined, ...extra };
}

export async function runCli(args: string[], options: Options & { cwd: string } ): Promise<CliResult> {
  const started = Date.now();
  const result = await execa('node', [BIN, ...args], { reject: false, stdin: 'ignore', env: cliEnv(), extendEnv: false, timeout: 300_000, ...options });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr), ms: Date.now() - started };
}

export function tempDir(prefix = 'fastapps-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}
