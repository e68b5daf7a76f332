/**
 * `create-fastapps auth`: registered by cli.ts. The flags are create's provider flags (same names,
 * same checks) plus what only auth has; the implementation is loaded only when the command runs.
 */
import type { Command } from 'commander';
import type { CommandContext } from '../command-context.js';
import { providerOptions, signInOption } from '../options/flags.js';
import type { AuthFlags } from './auth.js';

const EXAMPLES = `
Run it inside a project create-fastapps generated (it finds fastapps.json in this folder or above).
Every answer not given defaults to the one recorded in fastapps.json; changing --provider drops the
old provider's values, so give the new provider's.

Examples:
  $ npx create-fastapps auth --dry-run --scopes mcp:tools,mcp:admin
  $ npx create-fastapps auth --provider auth0 --domain acme.us.auth0.com
  $ npx create-fastapps auth --provider azure --tenant <tenant-id> --client-id <api-app-client-id>
  $ npx create-fastapps auth --resource https://my-app.example.com/mcp

A file you edited is never overwritten: the new version is written beside it as <file>.new
(--force overwrites). Files no longer needed are listed; --prune removes those unchanged since
they were generated, with the dependencies and scripts only the old setup needed (an edited one is
kept, with the files and packages it imports). Widgets, tools and other files of yours are not touched.

Exit codes: 0 done or nothing to change, 1 failure (not a project, issuer check, uncommitted
changes, write), 2 usage error, 130 cancelled.`;

export function registerAuth(program: Command, ctx: CommandContext): void {
  signInOption(providerOptions(
    program
      .command('auth')
      .description("regenerate this project's auth configuration (provider, issuer, audience, scopes, auth mode, sign-in) without overwriting your edits"),
  ))
    .option('--skip-issuer-check', 'write even if the issuer cannot be checked now (recorded as owed)')
    .option('--dry-run', 'print what would change, with a unified diff; write nothing')
    .option('--prune', 'remove the files, dependencies and scripts the new answers no longer need, where unchanged since generated (edited ones are kept and listed)')
    .option('--no-prune', 'do not offer to remove them on a terminal')
    .option('--force', 'overwrite files you edited (instead of writing <file>.new), recreate files you deleted, and rewrite files with uncommitted changes')
    .option('-y, --yes', 'use the recorded answers for everything not given; never ask')
    .option('--debug', 'print stack traces for unexpected errors')
    .addHelpText('after', EXAMPLES)
    .action(async (flags: AuthFlags & { yes?: boolean }) => {
      const { runAuth } = await import('./auth.js');
      const interactive = ctx.interactive(flags.yes);
      const { terminalPrompter } = await import('../options/prompter.js');
      await runAuth(flags, {
        out: ctx.out,
        cwd: ctx.cwd,
        env: ctx.env,
        prompter: interactive ? terminalPrompter() : undefined,
        version: ctx.version,
        signal: ctx.signal,
      });
    });
}
