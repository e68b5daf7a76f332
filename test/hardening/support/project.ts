/**
 * Generated projects for the hardening suite: made by the built CLI (`--no-install`), given the
 * shared `node_modules`, and run with `node --import tsx src/index.ts` (one process, so its pid is
 * the server's: RSS is read from /proc/<pid>/status).
 */
import { execa, type ResultPromise } from 'execa';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { runCli, tempDir } from '../../helpers/cli.js';
import { freePort } from '../../helpers/generated-server.js';
import { linkDeps } from './deps.js';

export const STACK = /\n\s+at .+:\d+:\d+|\bat (?:async )?[\w.<>]+ \(.+:\d+:\d+\)/;

export interface GeneratedProject {
  dir: string;
  port: number;
  origin: string;
  /** The MCP endpoint, e.g. http://127.0.0.1:40123/mcp. */
  resource: string;
  /** Path-aware protected resource metadata URL. */
  prmUrl: string;
}

/** Runs the built CLI with `args` (after the folder) and `--resource`; expects success. */
export async function generateProject(args: string[], options: { name?: string; parent?: string } = {}): Promise<GeneratedProject> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const resource = `${origin}/mcp`;
  const parent = options.parent ?? tempDir('fastapps-hardening-');
  const dir = path.join(parent, options.name ?? 'app');
  const created = await runCli([dir, ...args, '--resource', resource, '--no-install', '--no-git'], { cwd: parent });
  expect(created.exitCode, created.stderr + created.stdout).toBe(0);
  await linkDeps(dir);
  return { dir, port, origin, resource, prmUrl: `${origin}/.well-known/oauth-protected-resource/mcp` };
}

export interface ServerProcess {
  pid: number;
  output(): string;
  /** Resident set size in KiB (VmRSS). */
  rssKiB(): number;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | undefined>;
  stop(): Promise<void>;
}

/**
 * Starts `node --import tsx src/index.ts` in `dir`. `env` replaces the environment (PATH and HOME
 * are kept); the project's `.env` fills in what is not set. Resolves when the server listens, or
 * (with `expectExit`) when it exits.
 */
export async function startServer(dir: string, env: Record<string, string> = {}, options: { expectExit?: boolean; timeoutMs?: number } = {}): Promise<ServerProcess> {
  let output = '';
  const child: ResultPromise = execa('node', ['--import', 'tsx', 'src/index.ts'], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1', ...env },
    extendEnv: false,
    reject: false,
    all: true,
    buffer: false,
    detached: true,
    cleanup: true,
  });
  child.all!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = child.then((result) => result.exitCode);
  const pid = child.pid!;
  const server: ServerProcess = {
    pid,
    output: () => output,
    rssKiB() {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    },
    exited,
    async stop() {
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
      await exited;
    },
  };
  const timeoutMs = options.timeoutMs ?? 60_000;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not ${options.expectExit ? 'exit' : 'start'} within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = () => {
      if (!options.expectExit && /MCP server listening/.test(output)) {
        clearTimeout(timer);
        child.all!.off('data', onData);
        resolve();
      }
    };
    child.all!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      if (options.expectExit) resolve();
      else reject(new Error(`server exited with ${code} before it was ready:\n${output}`));
    });
  });
  return server;
}

/** Waits until `predicate` holds (polling), or fails with `message`. */
export async function waitFor(predicate: () => boolean, message: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(message);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
