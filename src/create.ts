/**
 * `create-fastapps [dir]`: from answers to a running, protected widget server.
 *
 *   1. resolve and validate the answers (flags → defaults → prompts); no network, no writes
 *   2. check the target folder
 *   3. check the issuer (discovery, issuer echo, JWKS, signing keys) before writing anything
 *   4. plan the project (pure) and write it, staged and moved into place
 *   5. install dependencies and `git init`
 *   6. print next steps (and, after prompts, the equivalent one-line command)
 */
import path from 'node:path';
import { cancellable, setCancelNote } from './cleanup.js';
import { CancelledError } from './errors.js';
import { brokerCallbackLine, expectedIssuerCheck, issuerStep, printSetupNotes } from './issuer-step.js';
import { runCommand, installCommand } from './install/package-manager.js';
import type { Answers, CreateFlags } from './options/answers.js';
import { equivalentCommand, equivalentCommandNote, shellQuote } from './options/command-line.js';
import type { Prompter } from './options/prompter.js';
import { resolveCreateAnswers } from './options/resolve.js';
import { getProvider } from './providers/index.js';
import { planProjectInTurns, type GeneratorInfo, type ProjectPlan } from './generate/plan.js';
import { loadTemplates } from './generate/templates.js';
import { checkTarget, writeProject } from './generate/write.js';
import type { Output } from './ui/output.js';

export interface CreateContext {
  out: Output;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Present when questions may be asked. */
  prompter?: Prompter;
  given: ReadonlySet<string>;
  version: string;
  signal: AbortSignal;
}

export async function runCreate(dirArg: string | undefined, flags: CreateFlags, ctx: CreateContext): Promise<Answers> {
  const { out } = ctx;
  const c = out.c;

  // 1. Answers.
  let answers = await resolveCreateAnswers(dirArg, flags, { cwd: ctx.cwd, env: ctx.env, prompter: ctx.prompter, userAgent: ctx.env.npm_config_user_agent, given: ctx.given });
  const shownDir = path.relative(ctx.cwd, answers.targetDir) || '.';

  // 2. Target folder.
  checkTarget(answers.targetDir, answers.force, shownDir);

  // 3. Issuer. The check is mostly waiting for the issuer, and the plan is all work for this
  // process, so the project is planned while the check's requests are out: for the outcome that
  // lets create go on (the check passes for these answers). Nothing is written before the check
  // passes; if it adopts another issuer (Entra: a tenant named by domain), the plan is made again.
  const expected = expectedIssuerCheck(answers);
  const checking = issuerStep(answers, { out, signal: ctx.signal, where: ' in the project' });
  const planning = planLater(answers, expected, ctx.version);
  // Its outcome is read after the check's: a failed check is reported first, and a plan for it is dropped.
  planning.catch(() => undefined);
  const checked = await checking;
  const { issuerCheck } = checked;
  const replan = checked.answers !== answers || issuerCheck !== expected;
  answers = checked.answers;

  printSetupNotes(answers, out);

  // 4. Plan (unless the check changed what it depends on) and write.
  // A plan made for answers the check replaced is dropped unread (even one that failed).
  const { files } = replan ? await planLater(answers, issuerCheck, ctx.version) : await planning;
  if (ctx.signal.aborted) throw new CancelledError();
  writeProject(files, answers.targetDir, { force: answers.force });
  out.line(`${c.green('✔')} Wrote ${files.length} files to ${shownDir}`);
  // From here on the project is complete; Ctrl+C says so instead of leaving the user to wonder.
  setCancelNote(
    answers.install
      ? `The project is complete in ${shownDir}, without its dependencies. To install them: cd ${shellQuote(shownDir)} && ${installCommand(answers.pm)}`
      : `The project is complete in ${shownDir}.`,
  );
  // A Ctrl+C that arrived during the (synchronous) write is handled here, before anything else
  // runs: "Cancelled", 130, and the note above. Signals are read in the event loop's poll phase.
  // One immediate is not enough (it can run in the check phase right after the poll that was
  // already under way), and a timer is not either (Node starts it from the loop time cached before
  // the write, so after a long write it is due before the next poll). An immediate scheduled from
  // an immediate runs in the next iteration, after a full poll: the signal is seen by then.
  await new Promise((resolve) => setImmediate(() => setImmediate(resolve)));

  // 5. Install and git (execa is loaded only when one of them runs).
  const needsProcess = answers.install || answers.git;
  const { initGit, installDependencies } = needsProcess ? await import('./install/install.js') : ({} as typeof import('./install/install.js'));
  if (answers.install) {
    await cancellable(() =>
      out.task(`Installing dependencies with ${answers.pm}`, () => installDependencies(answers.targetDir, answers.pm, { showOutput: false, shownDir, signal: ctx.signal }), () => `Installed dependencies with ${answers.pm}`),
    );
    setCancelNote(`The project is complete in ${shownDir}.`);
  }
  if (answers.git) {
    const git = await initGit(answers.targetDir);
    if (git === 'initialized') out.line(`${c.green('✔')} Initialized a git repository`);
    else if (git === 'inside-repository') out.line(`${c.dim('•')} Already inside a git repository; git init skipped`);
    else if (git === 'git-missing') out.line(`${c.dim('•')} git is not installed; git init skipped`);
    else out.line(`${c.yellow('⚠')} git init failed; the project is complete without it`);
  }

  // 6. Next steps.
  printNextSteps(out, answers, shownDir);
  if (ctx.prompter) {
    out.line();
    out.line(c.dim('To create this project again without questions:'));
    const note = equivalentCommandNote(answers);
    if (note) out.line(`  ${c.dim(note)}`);
    out.line(`  ${equivalentCommand(answers)}`);
  }
  return answers;
}

function printNextSteps(out: Output, answers: Answers, shownDir: string): void {
  const c = out.c;
  const steps = [];
  if (shownDir !== '.') steps.push(`cd ${shellQuote(shownDir)}`);
  if (!answers.install) steps.push(installCommand(answers.pm));
  steps.push(`${runCommand(answers.pm, 'dev')}     ${c.dim('# starts the server on ' + answers.resource)}`);
  out.line();
  out.line(c.bold('Next steps:'));
  for (const step of steps) out.line(`  ${step}`);
  out.line();
  out.line(`Connect MCP Inspector: ${c.cyan('npx @modelcontextprotocol/inspector')}, transport Streamable HTTP, URL ${answers.resource}`);
  if (answers.provider === 'local') {
    out.line('Sign in on the local login page with any name; the whoami widget shows who you are.');
  } else {
    if (answers.signIn === 'broker') out.line(brokerCallbackLine(answers, out));
    out.line(`Finish the ${getProvider(answers.provider).name} setup with your project's values: ${c.cyan(path.join(shownDir, 'AUTH_SETUP.md'))}`);
  }
}

/** The plan, made in turns with the issuer check's requests (planProjectInTurns). */
async function planLater(answers: Answers, issuerCheck: GeneratorInfo['issuerCheck'], version: string): Promise<ProjectPlan> {
  // The check's requests go out first: connecting and writing each takes a turn of the event loop.
  for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
  return planProjectInTurns(answers, loadTemplates(answers.provider, answers.signIn), { version, issuerCheck });
}
