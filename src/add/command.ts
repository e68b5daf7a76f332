/** `create-fastapps add widget|tool <name>`: commander wiring; the work is in run.ts, loaded on demand. */
import type { Command } from 'commander';
import type { CommandContext } from '../command-context.js';

const EXAMPLES = `
Examples (inside a project made by create-fastapps):
  $ npx create-fastapps add tool orders --description "Lists your orders"          # protected: needs sign-in
  $ npx create-fastapps add tool refund --scopes write:orders                       # and a scope of its own
  $ npx create-fastapps add widget forecast --public --title "Forecast"             # with its UI in web/forecast/
  $ npx create-fastapps add tool orders --dry-run                                   # show what would be written

Writes src/tools/<name>.ts (and web/<name>/ for a widget), lists the tool in src/tools/index.ts and
records it in fastapps.json. Exit codes: 0 written, 1 a clash or a write that failed, 2 usage error.`;

export interface AddFlags {
  public?: boolean;
  scopes?: string;
  title?: string;
  description?: string;
  dryRun?: boolean;
}

export function registerAdd(program: Command, ctx: CommandContext): void {
  program
    .command('add')
    .description('add a tool (add tool <name>) or a tool with its widget UI (add widget <name>) to this project')
    .argument('<kind>', 'tool or widget')
    .argument('<name>', 'the tool name: lower-case letters, digits and dashes, e.g. weather-alerts')
    .option('--public', 'anyone may call it (in mixed auth mode); by default it needs a signed-in user')
    .option('--scopes <scopes>', 'scopes it needs beyond OAUTH_SCOPES, comma or space separated')
    .option('--title <text>', 'the title hosts show (default: from the name)')
    .option('--description <text>', 'what it does, for the model and the user')
    .option('--dry-run', 'print what would be written; write nothing')
    .addHelpText('after', EXAMPLES)
    .action(async (kind: string, name: string, flags: AddFlags) => {
      const { runAdd } = await import('./run.js');
      await runAdd(kind, name, flags, { out: ctx.out, cwd: ctx.cwd, signal: ctx.signal });
    });
}
