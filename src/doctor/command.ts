/** `create-fastapps doctor`: registered by cli.ts. */
import type { Command } from 'commander';
import type { CommandContext } from '../command-context.js';

export function registerDoctor(_program: Command, _ctx: CommandContext): void {
  // Not yet: the doctor command lands with its checks.
}
