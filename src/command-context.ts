import type { Output } from './ui/output.js';

/** What every command gets from `cli.ts`: streams, environment, output, and the Ctrl+C signal. */
export interface CommandContext {
  out: Output;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  version: string;
  /** Aborted on Ctrl+C. */
  signal: AbortSignal;
  /** Whether questions may be asked (terminal, no --yes, no CI). */
  interactive(yes?: boolean): boolean;
}
