/**
 * Command-line wiring: `create` (the default), `doctor` and `auth`; exit codes (SPEC §7):
 * 0 success, 1 failure, 2 usage error, 130 cancelled. Each command's module is loaded only when
 * that command runs, so `--help` and `--version` stay fast.
 */
import { Command, CommanderError } from 'commander';
import { createExampleLines, createOptions } from './options/flags.js';
import type { CommandContext } from './command-context.js';
import { registerAdd } from './add/command.js';
import { registerAuth } from './regen/command.js';
import { registerDoctor } from './doctor/command.js';
import { cancelNote, inCancellableStep, runAbortTasks, setCancelNote } from './cleanup.js';
import { CliError, ReportedFailure } from './errors.js';
import type { CreateFlags } from './options/answers.js';
import { createOutput, type Output } from './ui/output.js';

declare const __VERSION__: string | undefined;
export const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';

/** `create`'s help epilogue, built when help is shown; one example per provider, from its module. */
function examples(): string {
  return `
Non-interactive usage (no terminal, --yes, or CI set: nothing is asked; missing values are errors):
  $ npx create-fastapps demo --yes
${createExampleLines().map((line) => `  $ ${line}`).join('\n')}

Exit codes: 0 success, 1 failure (issuer check, write refused, install), 2 usage error, 130 cancelled.`;
}

export interface Io {
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Interactive only when stdin and stdout are terminals and neither --yes nor CI is set. */
export function isInteractive(io: Required<Pick<Io, 'stdin' | 'stdout' | 'env'>>, yes: boolean | undefined): boolean {
  const ci = io.env.CI !== undefined && io.env.CI !== '' && io.env.CI !== '0' && io.env.CI.toLowerCase() !== 'false';
  return Boolean(io.stdin.isTTY && io.stdout.isTTY) && !yes && !ci;
}

/** Names of options the user typed (not defaults), for "was it given?" questions. */
function givenOptions(command: Command): Set<string> {
  const given = new Set<string>();
  for (const option of command.options) {
    const key = option.attributeName();
    if (command.getOptionValueSource(key) === 'cli') given.add(key);
  }
  return given;
}

export async function main(argv: string[], io: Io = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const stdin = io.stdin ?? process.stdin;
  const env = io.env ?? process.env;
  const cwd = io.cwd ?? process.cwd();
  const out = createOutput({ stdout, stderr, env });
  const debug = argv.includes('--debug');
  const aborter = new AbortController();

  const onSigint = () => {
    // Inside a cancellable step (a child process is running), the first Ctrl+C lets the step stop
    // its child and clean up; it then ends the command with CancelledError (see cleanup.ts).
    if (inCancellableStep() && !aborter.signal.aborted) {
      aborter.abort();
      return;
    }
    aborter.abort();
    runAbortTasks();
    out.errorLine('Cancelled');
    const note = cancelNote();
    if (note) out.errorLine(`  ${note}`);
    process.exit(130);
  };
  process.on('SIGINT', onSigint);

  const program = new Command('create-fastapps')
    .description('Create an OAuth 2.1-protected MCP widget server for ChatGPT and MCP Apps hosts, and diagnose issuers, servers and tokens.')
    .version(VERSION, '-v, --version')
    .option('--debug', 'print stack traces for unexpected errors')
    .exitOverride()
    .configureOutput({ writeOut: (text) => stdout.write(text), writeErr: (text) => stderr.write(text) })
    .showHelpAfterError('(run with --help for usage)')
    // Options after a subcommand name belong to the subcommand (doctor and auth share flag names).
    .enablePositionalOptions();

  const createAction = async (dir: string | undefined, flags: CreateFlags & { yes?: boolean }, command: Command) => {
    const { runCreate } = await import('./create.js');
    // The prompts (inquirer) are loaded only where questions may be asked.
    const prompter = isInteractive({ stdin, stdout, env }, flags.yes) ? (await import('./options/prompter.js')).terminalPrompter() : undefined;
    await runCreate(dir, flags, {
      out,
      cwd,
      env,
      prompter,
      given: givenOptions(command),
      version: VERSION,
      signal: aborter.signal,
    });
  };

  // `create-fastapps [dir]` and `create-fastapps create [dir]` are the same command.
  createOptions(program).argument('[dir]', 'project folder').addHelpText('after', examples).action(createAction);
  // The subcommands (and their options) are declared only when the command line may name one, or
  // asks for help: `create-fastapps my-app …`, the common case, does not build them (about a tenth
  // of its start-up). Any word that is a subcommand's name, or help, declares them all.
  if (!mayNameSubcommand(argv.slice(2))) return run(program);
  createOptions(program.command('create').description('create a project (what create-fastapps [dir] does)').argument('[dir]', 'project folder'))
    .addHelpText('after', examples)
    .action(createAction);

  const ctx: CommandContext = {
    out,
    stdin,
    stdout,
    stderr,
    env,
    cwd,
    version: VERSION,
    signal: aborter.signal,
    interactive: (yes) => isInteractive({ stdin, stdout, env }, yes),
  };
  registerDoctor(program, ctx);
  registerAuth(program, ctx);
  registerAdd(program, ctx);
  return run(program);

  async function run(parsed: Command): Promise<number> {
    try {
      await parsed.parseAsync(argv);
      return finish(0);
    } catch (error) {
      return finish(report(error, out, debug));
    } finally {
      process.off('SIGINT', onSigint);
      setCancelNote(undefined);
    }
  }
}

const SUBCOMMANDS = new Set(['create', 'doctor', 'auth', 'add', 'help']);

/** Whether the arguments may name a subcommand or ask for help (then every command is declared). */
export function mayNameSubcommand(args: string[]): boolean {
  return args.some((arg) => SUBCOMMANDS.has(arg) || arg === '-h' || arg === '--help');
}

function finish(code: number): number {
  process.exitCode = code;
  return code;
}

function report(error: unknown, out: Output, debug: boolean): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
    return 2; // commander already printed the message
  }
  if (error instanceof ReportedFailure) return error.exitCode;
  if (error instanceof CliError) {
    if (error.exitCode === 130) {
      out.errorLine('Cancelled');
      const note = error.hint ?? cancelNote();
      if (note) out.errorLine(`  ${note}`);
      return 130;
    }
    out.errorLine(`${out.c.red('✖')} ${error.message}`);
    if (error.hint) out.errorLine(`  ${error.hint}`);
    if (debug && error.stack) out.errorLine(error.stack);
    return error.exitCode;
  }
  const message = (error as Error)?.message ?? String(error);
  out.errorLine(`${out.c.red('✖')} Unexpected error: ${message}`);
  if (debug) out.errorLine((error as Error)?.stack ?? '');
  else out.errorLine('  Run again with --debug for details, and report it at https://github.com/fastapps/create-fastapps/issues');
  return 1;
}
