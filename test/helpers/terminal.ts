/**
 * Drives a command in a real pseudo-terminal through tmux: type keys, read the screen, wait for
 * text. The command's exit code is written to a file when it ends.
 */
import { execa } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

let counter = 0;

export interface Terminal {
  screen(): Promise<string>;
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<string>;
  type(text: string): Promise<void>;
  /** tmux key names: Enter, Down, BSpace, C-c, … */
  press(...keys: string[]): Promise<void>;
  /** Waits for the command to end and returns its exit code. */
  exitCode(timeoutMs?: number): Promise<number>;
  close(): Promise<void>;
}

const quote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;

export async function openTerminal(command: string[], options: { cwd: string; env?: Record<string, string> }): Promise<Terminal> {
  const session = `fastapps-${process.pid}-${++counter}`;
  const exitFile = path.join(options.cwd, '..', `${session}.exit`);
  const env = Object.entries({ NO_COLOR: '1', TERM: 'xterm-256color', ...options.env }).map(([k, v]) => `${k}=${quote(v)}`).join(' ');
  // `env -u CI`: a CI variable would (rightly) turn prompts off.
  const shell = `env -u CI -u npm_config_user_agent ${env} ${command.map(quote).join(' ')}; echo $? > ${quote(exitFile)}; sleep 30`;
  await execa('tmux', ['new-session', '-d', '-s', session, '-x', '120', '-y', '50', '-c', options.cwd, shell]);

  const terminal: Terminal = {
    async screen() {
      const { stdout } = await execa('tmux', ['capture-pane', '-p', '-J', '-S', '-200', '-t', session]);
      return stdout;
    },
    async waitFor(text, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const screen = await terminal.screen();
        if (typeof text === 'string' ? screen.includes(text) : text.test(screen)) return screen;
        if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${String(text)}; the screen shows:\n${screen}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async type(text) {
      await execa('tmux', ['send-keys', '-t', session, '-l', text]);
    },
    async press(...keys) {
      for (const key of keys) await execa('tmux', ['send-keys', '-t', session, key]);
    },
    async exitCode(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!existsSync(exitFile)) {
        if (Date.now() > deadline) throw new Error(`the command did not end within ${timeoutMs} ms:\n${await terminal.screen()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      return Number(readFileSync(exitFile, 'utf8').trim());
    },
    async close() {
      await execa('tmux', ['kill-session', '-t', session], { reject: false });
    },
  };
  return terminal;
}
