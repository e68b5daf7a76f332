/**
 * `create-fastapps doctor [issuer-or-url]`: registered by cli.ts. The command and its flags are
 * declared here (cheap); the checks are loaded only when the command runs.
 */
import { Option, type Command } from 'commander';
import type { CommandContext } from '../command-context.js';
import { providerOptions } from '../options/flags.js';
import type { DoctorFlags } from './input.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

const EXAMPLES = `
Examples:
  $ npx create-fastapps doctor https://acme.us.auth0.com/
  $ npx create-fastapps doctor --provider cognito --user-pool eu-west-1_AbC123 --client-id 5r2ci3d4kinbd8l2fasbrc8ba1
  $ npx create-fastapps doctor --server https://my-app.example.com/mcp
  $ npx create-fastapps doctor https://sso.example.com/realms/main --probe
  $ npx create-fastapps doctor --token-file token.txt          # inside a generated project: reads fastapps.json
  $ pbpaste | npx create-fastapps doctor --server https://my-app.example.com/mcp --token -

The argument may be an issuer or an MCP endpoint (detected, then checked as --server).
Without an argument or --provider, doctor reads fastapps.json from this folder or above.
--json prints the findings as JSON (schema: docs/doctor.md).
Exit codes: 0 nothing failed (warnings allowed unless --strict), 1 a check failed, 2 usage error.`;

/** Declares `doctor` on the program; the implementation is imported when it runs. */
export function registerDoctor(program: Command, ctx: CommandContext): void {
  const command = program
    .command('doctor')
    .description('diagnose an OAuth issuer, a running MCP server and a sample token, with a fix for each problem')
    .argument('[issuer-or-url]', 'issuer URL (or the MCP endpoint URL)');
  providerOptions(command)
    .option('--server <mcp-url>', 'also probe this running MCP server (e.g. https://my-app.example.com/mcp)')
    .option('--token <jwt>', 'also analyse this access token ("-" reads it from stdin); sent only to --server')
    .option('--token-file <path>', 'read the access token from a file')
    .option('--json', 'print the findings as JSON')
    .option('--strict', 'exit 1 on warnings too')
    .option('--probe', 'also send the authorization server (not --server) one deliberately invalid client registration, to see whether MCP clients may register themselves; servers refuse it, so no client is made')
    .addOption(new Option('--skip <ids>', 'check ids or groups to skip, comma separated (e.g. jwks.caching,server.cors)').argParser(collect))
    .addHelpText('after', EXAMPLES)
    .action(async (arg: string | undefined, flags: DoctorFlags) => {
      // The argument's first requests go out before the checks load; a slow issuer answers meanwhile.
      const { prefetchArgument } = await import('./prefetch.js');
      const prefetched = prefetchArgument(arg, flags, ctx.signal);
      // Connecting and writing each take a turn of the event loop: let them happen before loading the checks blocks it.
      if (prefetched) for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
      const { runDoctor } = await import('./run.js');
      await runDoctor(arg, flags, ctx, prefetched);
    });
}
