/**
 * Tests that need a program this machine may lack (Chromium, tmux, openssl, redis-server). Off CI a
 * missing program skips those tests with one line in the run's output saying what to install; on CI
 * (`CI` set) it fails the run instead, so a skip can never pass for a pass there (.ci/run installs
 * every program listed here).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface Program {
  /** What the tests call it, e.g. "Chromium". */
  name: string;
  /** A path to look for, or a command run with `args` that must exit 0. */
  path?: string;
  command?: string;
  args?: string[];
  /** How to get it, e.g. "apt-get install chromium". */
  install: string;
}

export const programs = {
  chromium: { name: 'Chromium', path: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', install: 'apt-get install chromium, or set CHROMIUM_PATH' },
  tmux: { name: 'tmux', command: 'tmux', args: ['-V'], install: 'apt-get install tmux' },
  openssl: { name: 'openssl', command: 'openssl', args: ['version'], install: 'apt-get install openssl' },
  redis: { name: 'redis-server', command: 'redis-server', args: ['--version'], install: 'apt-get install redis-server' },
} satisfies Record<string, Program>;

export function hasProgram(program: Program): boolean {
  if (program.path) return existsSync(program.path);
  try {
    execFileSync(program.command!, program.args ?? [], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether the tests described by `what` must be skipped for want of `program`: false when it is
 * there; on CI, throws (the file fails, naming what is missing); elsewhere prints why and returns true.
 */
export function skipWithout(program: Program, what: string): boolean {
  if (hasProgram(program)) return false;
  const reason = `${what} need ${program.name}, which is not on this machine (${program.install})`;
  if (process.env.CI) throw new Error(`CI must not skip tests: ${reason}. .ci/run installs it.`);
  console.warn(`SKIPPED: ${reason}.`);
  return true;
}
