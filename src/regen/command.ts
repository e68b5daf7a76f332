/** `create-fastapps auth`: registered by cli.ts. */
import type { Command } from 'commander';
import type { CommandContext } from '../command-context.js';

export function registerAuth(_program: Command, _ctx: CommandContext): void {
  // Not yet: the auth command lands with the regenerator.
}
