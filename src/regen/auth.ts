/**
 * `create-fastapps auth`: regenerate a project's auth configuration without losing an edit.
 *
 *   1. find the project (fastapps.json, upward from the current folder) and read what was recorded
 *   2. resolve the new answers: flag → recorded answer → prompt (same flags as create)
 *   3. check the issuer with the shared engine, as create does (nothing is written if it fails)
 *   4. plan the new auth files (pure) and decide per file: unchanged, replace, add, kept edit
 *      (`.new` beside it), deleted by you, no longer needed; merge `.env` and `package.json`
 *   5. `--dry-run`: print the plan and a unified diff, write nothing
 *   6. uncommitted changes in the files to rewrite: stop unless `--force` or confirmed
 *   7. write, staged under `.fastapps/`, fastapps.json last; roll back on failure or Ctrl+C
 *   8. report per file, then next steps
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { CancelledError, FailureError } from '../errors.js';
import { AUTH_ENV_KEYS } from '../generate/env.js';
import { MANIFEST_FILE, planConfig, planProject, sha256, type ProjectConfig, type ProjectPlan } from '../generate/plan.js';
import { loadTemplates } from '../generate/templates.js';
import { detectPackageManager, installCommand, runCommand } from '../install/package-manager.js';
import { brokerCallbackLine, issuerStep, printSetupNotes } from '../issuer-step.js';
import type { Answers, CreateFlags, PackageManager } from '../options/answers.js';
import { equivalentCommand, equivalentCommandNote } from '../options/command-line.js';
import type { Prompter } from '../options/prompter.js';
import { BROKER_SECRET_ENV, checkChoiceFlags, checkValueFlags, resolveAuthSettings, resolveBrokerSecret, type AuthSettings } from '../options/resolve.js';
import { getProvider, providerIds, type Provider, type ProviderId } from '../providers/index.js';
import { requiredFieldArgs } from '../providers/fields.js';
import type { Output } from '../ui/output.js';
import { applyWrites, WriteFailure, type Write } from './apply.js';
import { classify, newPath, writesInPlace, type Action } from './classify.js';
import { diffStat, unifiedDiff } from './diff.js';
import { mergeDotEnv, readEnvValue, redactDotEnv, type EnvMerge } from './env-merge.js';
import { uncommittedChanges } from './git.js';
import { isLayoutFile, layoutBase, migrationNote, migrationSteps, predatesCreateAuth } from './migrate.js';
import { MERGED_SECTIONS, mergePackageJson, type PackageMerge } from './package-merge.js';
import { keptImports, typesPackageOf, type KeptBecause, type KeptImports } from './leftovers.js';
import { findProjectRoot, projectName, readProject, type RegenerableProject } from './project.js';

export interface AuthFlags extends CreateFlags {
  dryRun?: boolean;
  /** Remove what the new answers no longer need, where it is unchanged since it was generated. */
  prune?: boolean;
}

export interface AuthContext {
  out: Output;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Present when questions may be asked. */
  prompter?: Prompter | undefined;
  version: string;
  signal: AbortSignal;
}

/** One auth-owned file and what happens to it. */
interface FileResult {
  path: string;
  action: Action;
  planned: Buffer;
  disk: Buffer | undefined;
  /** A user file of the current layout, in a project that predates createAuth or while its .new waits (migrate.ts). */
  layout?: boolean;
}

export interface AuthOutcome {
  /** Nothing differed: no file written. */
  nothingToChange: boolean;
  /** Paths written (dry run: that would be written). */
  written: string[];
}

export async function runAuth(flags: AuthFlags, ctx: AuthContext): Promise<AuthOutcome> {
  const { out } = ctx;
  const c = out.c;

  // 1. The project and what was recorded.
  const timeoutMs = checkChoiceFlags(flags);
  checkValueFlags(flags);
  const root = findProjectRoot(ctx.cwd);
  if (!root) {
    throw new FailureError(
      `No fastapps.json in ${ctx.cwd} or any folder above it: this is not a project create-fastapps generated.`,
      'Run create-fastapps auth inside the project (the folder with fastapps.json), or create one: npx create-fastapps my-app',
    );
  }
  const shownManifest = path.relative(ctx.cwd, path.join(root, MANIFEST_FILE)) || MANIFEST_FILE;
  const recorded = readProject(root, shownManifest);
  const before = getProvider(recorded.settings.provider);
  out.line(`Project ${c.bold(root)} ${c.dim(`(${before.name}${recorded.settings.provider === 'local' ? '' : `, ${recorded.settings.issuer}`})`)}`);

  // 2. The new answers; the broker's client secret is kept from .env when it is there.
  const settings = await resolveAuthSettings(flags, { prompter: ctx.prompter, base: recorded.settings, example: authExample });
  const secretInEnv = brokerSecretInDotEnv(root);
  // The secret in .env belongs to the recorded broker client: another client (or provider) needs its own.
  const sameClient = recorded.settings.signIn !== 'broker' || (recorded.settings.provider === settings.provider && recorded.settings.brokerClientId === settings.brokerClientId);
  const brokerClientSecret = await resolveBrokerSecret(settings, { env: ctx.env, prompter: ctx.prompter, existing: sameClient ? secretInEnv || undefined : undefined, dryRun: flags.dryRun === true });
  const pm = packageManagerOf(root, ctx.env.npm_config_user_agent);
  let answers: Answers = {
    targetDir: root,
    targetArg: '.',
    projectName: projectName(root),
    ...settings,
    ...(brokerClientSecret !== undefined ? { brokerClientSecret } : {}),
    skipIssuerCheck: flags.skipIssuerCheck ?? false,
    install: false,
    git: false,
    pm,
    force: flags.force ?? false,
    timeoutMs,
  };
  const changes = describeChanges(recorded.settings, settings);
  out.line(changes.length === 0 ? `${c.dim('•')} Same answers as recorded` : `${c.green('✔')} Changing ${changes.join('; ')}`);

  // 3. The issuer, checked exactly as create checks it.
  // A check that passed for this very issuer still stands when it is skipped; a new issuer's is owed.
  const checked = await issuerStep(answers, { out, signal: ctx.signal, ...(recorded.issuerCheck === 'passed' ? { passedFor: recorded.settings.issuer } : {}) });
  answers = checked.answers;
  const { issuerCheck } = checked;
  printSetupNotes(answers, out);
  // What the recorded answers generated; the secret is never recorded, so it is what .env holds now
  // (the merge then leaves an unchanged secret alone, and never blanks one).
  const { brokerClientSecret: _new, brokerClientId: _newId, ...rest } = answers;
  const previous: Answers = { ...rest, ...recorded.settings, ...(secretInEnv !== undefined ? { brokerClientSecret: secretInEnv } : {}) };

  // 4. Plan and decide, per file.
  const planned = planProject(answers, loadTemplates(answers.provider, answers.signIn), { version: ctx.version, issuerCheck });
  // What the recorded answers generated, from the same plan: the "before" of every merge.
  const generated = planConfig(previous);
  let plan = decide(root, recorded, planned, generated, answers, flags.force ?? false, flags.prune ?? false);
  // On a terminal, finishing a switch is offered: what is left of the old setup and still as generated.
  const prunable = plan.notNeeded.filter((file) => file.unchanged && !plan.inUse.has(file.path)).length + (plan.pkg?.notNeeded.length ?? 0);
  if (flags.prune === undefined && ctx.prompter && prunable > 0) {
    out.line(`${c.dim('•')} ${prunable} file${prunable === 1 ? '' : 's'} or package.json entr${prunable === 1 ? 'y' : 'ies'} of the old setup ${prunable === 1 ? 'is' : 'are'} no longer needed`);
    if (await ctx.prompter.confirm({ message: 'Remove what is no longer needed and unchanged since it was generated?', default: true })) {
      plan = decide(root, recorded, planned, generated, answers, flags.force ?? false, true);
    }
  }
  const manifest = planned.manifest(plan.hashes, recorded.document['tools']);
  const writes: Write[] = [...plan.writes];
  if (writes.length > 0 ? manifest !== recorded.raw : !sameManifest(manifest, recorded.document)) writes.push({ path: MANIFEST_FILE, content: Buffer.from(manifest) });

  if (writes.length === 0) {
    printReport(out, plan, []);
    out.line(`${c.green('✔')} Nothing to change: the auth files already match these answers.`);
    printPending(out, plan);
    return { nothingToChange: true, written: [] };
  }

  // 5. Dry run: what would happen, and the diff; nothing is written.
  if (flags.dryRun) {
    out.line();
    out.line(c.bold('Dry run (nothing is written). What auth would do:'));
    printReport(out, plan, writes);
    out.line();
    for (const write of writes) out.line(diffFor(root, write).trimEnd());
    out.line();
    if (answers.signIn === 'broker' && answers.brokerClientSecret === undefined) {
      out.line(`${c.dim('•')} ${BROKER_SECRET_ENV} is not shown above: without --dry-run it is read from the environment, or asked.`);
    }
    out.line(`${c.dim('•')} Dry run: nothing was written. Run again without --dry-run to apply.`);
    return { nothingToChange: false, written: writes.map((write) => write.path) };
  }

  // 6. Uncommitted changes in files that would be rewritten in place.
  const inPlace = writes.filter((write) => !write.path.endsWith('.new')).map((write) => write.path);
  const dirty = uncommittedChanges(root, inPlace) ?? [];
  if (dirty.length > 0) {
    const listed = dirty.slice(0, 8).join(', ') + (dirty.length > 8 ? `, and ${dirty.length - 8} more` : '');
    if (flags.force) {
      out.line(`${c.yellow('⚠')} Uncommitted changes in files auth rewrites: ${listed} ${c.dim('(continuing: --force)')}`);
    } else if (ctx.prompter) {
      out.line(`${c.yellow('⚠')} Uncommitted changes in files auth would rewrite: ${listed}`);
      if (!(await ctx.prompter.confirm({ message: 'Rewrite them anyway? (git could not give the current versions back)', default: false }))) {
        throw new FailureError('Stopped: nothing was written.', 'Commit or stash your changes (git stash), then run create-fastapps auth again.');
      }
    } else {
      throw new FailureError(
        `Uncommitted changes in files auth would rewrite: ${listed}. Nothing was written.`,
        'Commit or stash them first (git add -A && git commit, or git stash), or run again with --force to rewrite them anyway.',
      );
    }
  }

  // 7. Write, staged; fastapps.json last.
  if (ctx.signal.aborted) throw new CancelledError();
  try {
    applyWrites(root, writes);
  } catch (error) {
    if (!(error instanceof WriteFailure)) throw error;
    throw new FailureError(
      `Could not write ${error.file}: ${error.reason.message}. ${error.restored ? 'Nothing was changed: every file is as it was.' : 'Some files could not be put back; check them with git status.'}`,
      'Fix the cause (permissions, disk space, a folder in the way) and run create-fastapps auth again.',
    );
  }

  // 8. What happened, and what to do next.
  printReport(out, plan, writes);
  printNextSteps(out, plan, previous, answers, root);
  if (ctx.prompter) {
    out.line();
    out.line(c.dim('To make this change again without questions:'));
    const note = equivalentCommandNote(answers);
    if (note) out.line(`  ${c.dim(note)}`);
    out.line(`  ${equivalentCommand(answers, 'auth')}`);
  }
  return { nothingToChange: false, written: writes.map((write) => write.path) };
}

interface Plan {
  files: FileResult[];
  /** src/app.ts predates createAuth: the layout's user files are in `files` too (migrate.ts). */
  migration: boolean;
  /** Files the manifest lists that the new answers do not generate, still on disk (`unchanged`: as generated). */
  notNeeded: Array<{ path: string; unchanged: boolean }>;
  /** Of those, the ones `--prune` removes (unchanged since generated, and no kept file imports them). */
  pruned: string[];
  /** Whether this plan prunes. */
  prune: boolean;
  /**
   * What `--prune` keeps although unchanged, because a kept leftover imports it: a file's path, or
   * `package.json <entry>`, and why (`scripts/token.ts (which you edited) imports it`).
   */
  inUse: Map<string, string>;
  pkg: PackageMerge | undefined;
  /** package.json was deleted although the change needs entries in it. */
  pkgMissing: boolean;
  env: EnvMerge | undefined;
  /** `.env` does not exist although owned values change (`--force` creates it). */
  envMissing: boolean;
  envCreated: boolean;
  writes: Write[];
  hashes: Record<string, string>;
}

/** `OAUTH_BROKER_CLIENT_SECRET` as the project's `.env` sets it (perhaps empty), or undefined when no line does. Never printed. */
function brokerSecretInDotEnv(root: string): string | undefined {
  const file = path.join(root, '.env');
  if (!existsSync(file) || !statSync(file).isFile()) return undefined;
  return readEnvValue(readFileSync(file, 'utf8'), BROKER_SECRET_ENV);
}

function readFileIfAny(root: string, relative: string): Buffer | undefined {
  const file = path.join(root, ...relative.split('/'));
  if (!existsSync(file)) return undefined;
  if (!statSync(file).isFile()) throw new FailureError(`${relative} is a folder, where auth would write a file.`, `Move it away, then run create-fastapps auth again.`);
  return readFileSync(file);
}

function pick(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([key]) => (AUTH_ENV_KEYS as readonly string[]).includes(key)));
}

/** Pure apart from reading the project: what to write, and the hashes to record. */
function decide(root: string, recorded: RegenerableProject, planned: ProjectPlan, previous: ProjectConfig, answers: Answers, force: boolean, prune: boolean): Plan {
  const plan: Plan = { files: [], migration: predatesCreateAuth(root), notNeeded: [], pruned: [], prune, inUse: new Map(), pkg: undefined, pkgMissing: false, env: undefined, envMissing: false, envCreated: false, writes: [], hashes: {} };
  const plannedPaths = new Set(planned.files.map((file) => file.path));
  // What the new answers do not generate but is still there. An edited one is yours and stays, and
  // so does what it imports, files and packages: without them the project would not type-check.
  const leftovers = leftoversOf(root, recorded, plannedPaths);
  const text = (files: typeof leftovers) => new Map(files.map((file) => [file.path, file.disk.toString('utf8')]));
  const kept = keptImports(text(leftovers.filter((file) => !file.unchanged)), text(leftovers.filter((file) => file.unchanged)));
  for (const [file, because] of kept.files) plan.inUse.set(file, importsIt(because));

  // package.json: only the entries the change of answers needs. With --prune, also the entries
  // another provider's setup would have generated and these answers do not need (an earlier
  // switch left them), so a prune after the switch still finds them.
  const pkgAfter = planned.packageJson;
  // Only where another provider's files are still recorded (the local server's, after a switch).
  const leftoverProviders = providerIds.filter((id) => id !== answers.provider && Object.keys(recorded.files).some((file) => file.startsWith(OWN_FOLDERS[id] ?? '\0')));
  const pkgBefore = prune && leftoverProviders.length > 0 ? withLeftovers(previous.packageJson, pkgAfter, answers, leftoverProviders) : previous.packageJson;
  const keepEntries = entriesInUse(kept, [...leftovers.filter((file) => !file.unchanged).map((file) => file.path), ...kept.files.keys()], pkgBefore);
  for (const [entry, why] of keepEntries) plan.inUse.set(`package.json ${entry}`, why);
  const pkgDisk = readFileIfAny(root, 'package.json');
  const pkgRelevant = (json: Record<string, unknown>) => JSON.stringify([json['description'], ...MERGED_SECTIONS.map((name) => json[name])]);
  if (pkgRelevant(pkgBefore) !== pkgRelevant(pkgAfter)) {
    if (pkgDisk === undefined) {
      plan.pkgMissing = true;
    } else {
      try {
        plan.pkg = mergePackageJson(pkgDisk.toString('utf8'), pkgBefore, pkgAfter, { prune, keep: new Set(keepEntries.keys()) });
      } catch (error) {
        throw new FailureError(`package.json cannot be read (${(error as Error).message}), and the new answers need entries in it. Nothing was written.`, 'Fix package.json (npm pkg get name shows whether npm can read it), then run create-fastapps auth again.');
      }
    }
  }

  // .env: only the owned keys whose values change.
  const envBefore = pick(previous.env);
  const envAfter = pick(planned.env);
  const envDisk = readFileIfAny(root, '.env');
  if (envDisk !== undefined) {
    plan.env = mergeDotEnv(envDisk.toString('utf8'), envBefore, envAfter, AUTH_ENV_KEYS, getProvider(answers.provider).name);
  } else if (JSON.stringify(envBefore) !== JSON.stringify(envAfter)) {
    if (force) plan.envCreated = true;
    else plan.envMissing = true;
  }

  for (const file of planned.files) {
    if (file.path === MANIFEST_FILE) continue;
    if (file.path === '.env') {
      if (plan.env?.content !== undefined) plan.writes.push({ path: '.env', content: Buffer.from(plan.env.content) });
      else if (plan.envCreated) plan.writes.push({ path: '.env', content: Buffer.from(planned.dotEnv) });
      continue;
    }
    if (file.path === 'package.json') {
      if (plan.pkg?.content !== undefined) {
        plan.writes.push({ path: 'package.json', content: Buffer.from(plan.pkg.content) });
        plan.hashes[file.path] = sha256(plan.pkg.content);
      } else if (recorded.files[file.path] !== undefined) {
        plan.hashes[file.path] = recorded.files[file.path]!;
      }
      continue;
    }
    const layout = isLayoutFile(root, file.path, plan.migration);
    if (file.owner !== 'auth' && !layout) {
      // Yours: never touched; its record stays as it was.
      if (recorded.files[file.path] !== undefined) plan.hashes[file.path] = recorded.files[file.path]!;
      continue;
    }
    const disk = readFileIfAny(root, file.path);
    const pendingNew = readFileIfAny(root, newPath(file.path));
    const base = layout ? layoutBase(recorded.files[file.path], disk) : recorded.files[file.path];
    const action = classify({ path: file.path, planned: file.content, base, disk, pendingNew }, force);
    plan.files.push({ path: file.path, action, planned: file.content, disk, ...(layout ? { layout } : {}) });
    // The record is what the tool generated last for this path (offered beside it, for a kept edit).
    plan.hashes[file.path] = sha256(file.content);
    if (writesInPlace(action)) plan.writes.push({ path: file.path, content: file.content });
    else if (action.kind === 'conflict' && action.writeNew) plan.writes.push({ path: newPath(file.path), content: file.content });
  }

  for (const { path: recordedPath, unchanged } of leftovers) {
    // Only what is exactly as it was generated is removed; an edit makes it yours, with what it imports.
    if (prune && unchanged && !kept.files.has(recordedPath)) {
      plan.pruned.push(recordedPath);
      plan.writes.push({ path: recordedPath, content: Buffer.alloc(0), remove: true });
    } else {
      plan.notNeeded.push({ path: recordedPath, unchanged });
      // Still recorded, so a later --prune can tell whether it is still as generated.
      plan.hashes[recordedPath] = recorded.files[recordedPath]!;
    }
  }
  return plan;
}

/** Files the manifest lists that the new answers do not generate, still on disk, and whether each is as generated. */
function leftoversOf(root: string, recorded: RegenerableProject, plannedPaths: ReadonlySet<string>): Array<{ path: string; disk: Buffer; unchanged: boolean }> {
  const leftovers: Array<{ path: string; disk: Buffer; unchanged: boolean }> = [];
  for (const recordedPath of Object.keys(recorded.files)) {
    if (recordedPath === MANIFEST_FILE || plannedPaths.has(recordedPath)) continue;
    const disk = readFileIfAny(root, recordedPath);
    if (disk !== undefined) leftovers.push({ path: recordedPath, disk, unchanged: sha256(disk) === recorded.files[recordedPath] });
  }
  return leftovers;
}

const importsIt = (because: KeptBecause) => `${because.by}${because.edited ? ' (which you edited)' : ''} imports it`;

/**
 * The package.json entries a kept file still uses, with why: the packages it imports and their
 * types (in dependencies or devDependencies), and the scripts that run it. `generated` holds the
 * scripts as generated; only an entry `--prune` would remove is ever looked up.
 */
function entriesInUse(kept: KeptImports, keptFiles: readonly string[], generated: Record<string, unknown>): Map<string, string> {
  const entries = new Map<string, string>();
  for (const [name, because] of kept.packages) {
    for (const section of ['dependencies', 'devDependencies']) {
      entries.set(`${section}.${name}`, importsIt(because));
      entries.set(`${section}.${typesPackageOf(name)}`, `the types of ${name}, which ${because.by} imports`);
    }
  }
  const edited = new Set(keptFiles.filter((file) => !kept.files.has(file)));
  for (const [script, command] of Object.entries((generated['scripts'] ?? {}) as Record<string, string>)) {
    const file = keptFiles.find((candidate) => command.includes(candidate));
    if (file !== undefined) entries.set(`scripts.${script}`, `it runs ${file}${edited.has(file) ? ' (which you edited)' : ''}`);
  }
  return entries;
}

/** A folder only a provider's overlay writes: while its files are recorded, that setup's package entries may be left over. */
const OWN_FOLDERS: Partial<Record<ProviderId, string>> = { local: 'src/local-as/' };

/**
 * `before` plus, in each merged section, the entries any other provider's setup generates that
 * `after` lacks, with their generated values: what an earlier switch may have left behind.
 */
function withLeftovers(before: Record<string, unknown>, after: Record<string, unknown>, answers: Answers, others: readonly ProviderId[]): Record<string, unknown> {
  const result: Record<string, unknown> = { ...before };
  for (const other of others) {
    const generated = planConfig({ ...answers, provider: other }).packageJson;
    for (const name of MERGED_SECTIONS) {
      const wanted = (after[name] ?? {}) as Record<string, string>;
      const merged = { ...((result[name] ?? {}) as Record<string, string>) };
      for (const [key, value] of Object.entries((generated[name] ?? {}) as Record<string, string>)) if (!(key in wanted) && !(key in merged)) merged[key] = value;
      result[name] = merged;
    }
  }
  return result;
}

/** Equal apart from key order and the generator version (a newer tool alone is no change). */
function sameManifest(text: string, document: Record<string, unknown>): boolean {
  const normalise = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(normalise);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([key, inner]) => [key, normalise(inner)]),
      );
    }
    return value;
  };
  const strip = (doc: Record<string, unknown>) => {
    const generator = { ...(doc['generator'] as Record<string, unknown>) };
    delete generator['version'];
    return normalise({ ...doc, generator });
  };
  return JSON.stringify(strip(JSON.parse(text) as Record<string, unknown>)) === JSON.stringify(strip(document));
}

function packageManagerOf(root: string, userAgent: string | undefined): PackageManager {
  const locks: Array<[string, PackageManager]> = [
    ['package-lock.json', 'npm'],
    ['pnpm-lock.yaml', 'pnpm'],
    ['yarn.lock', 'yarn'],
    ['bun.lock', 'bun'],
    ['bun.lockb', 'bun'],
  ];
  for (const [file, pm] of locks) if (existsSync(path.join(root, file))) return pm;
  return detectPackageManager(userAgent);
}

export function authExample(provider: Provider): string {
  return ['npx create-fastapps auth', '--provider', provider.id, ...requiredFieldArgs(provider)].join(' ');
}

function describeChanges(from: AuthSettings, to: AuthSettings): string[] {
  const changes: string[] = [];
  const list = (values: string[]) => values.join(' ') || '(none)';
  if (from.provider !== to.provider) changes.push(`provider ${getProvider(from.provider).name} → ${getProvider(to.provider).name}`);
  if (from.issuer !== to.issuer) changes.push(`issuer ${from.issuer} → ${to.issuer}`);
  if (from.resource !== to.resource) changes.push(`resource ${from.resource} → ${to.resource}`);
  if (list(from.audiences) !== list(to.audiences)) changes.push(`audience ${list(from.audiences)} → ${list(to.audiences)}`);
  if (list(from.clientIds) !== list(to.clientIds)) changes.push(`client ids ${list(from.clientIds)} → ${list(to.clientIds)}`);
  if (list(from.scopes) !== list(to.scopes)) changes.push(`scopes ${list(from.scopes)} → ${list(to.scopes)}`);
  if (from.authMode !== to.authMode) changes.push(`auth mode ${from.authMode} → ${to.authMode}`);
  if (from.signIn !== to.signIn) changes.push(`sign-in ${from.signIn} → ${to.signIn}`);
  if ((from.brokerClientId ?? '') !== (to.brokerClientId ?? '') && to.brokerClientId !== undefined) changes.push(`broker client ${from.brokerClientId ?? '(none)'} → ${to.brokerClientId}`);
  return changes;
}

const LABEL_WIDTH = 17;

/** One line per file that changes (or needs your attention), then a count of the unchanged ones. */
function printReport(out: Output, plan: Plan, writes: Write[]): void {
  const c = out.c;
  const row = (mark: string, label: string, text: string) => out.line(`  ${mark} ${label.padEnd(LABEL_WIDTH)} ${text}`);
  const ok = c.green('✔');
  const warn = c.yellow('⚠');
  const note = c.dim('•');
  let unchanged = 0;
  if (plan.migration) out.line(`  ${note} ${migrationNote()}`);
  for (const file of plan.files) {
    const { action } = file;
    switch (action.kind) {
      case 'unchanged':
        unchanged++;
        break;
      case 'replace':
        row(ok, 'replaced', file.path);
        break;
      case 'add':
        row(ok, 'added', file.path);
        break;
      case 'recreate':
        row(ok, 'recreated', `${file.path} ${c.dim('(--force)')}`);
        break;
      case 'overwrite':
        row(warn, 'overwrote edit', `${file.path} ${c.dim(`(--force; ${stat(file.disk!, file.planned)})`)}`);
        break;
      case 'conflict': {
        const where = newPath(file.path);
        const extra = action.writeNew ? (action.staleNew ? ', replacing the earlier .new' : '') : ', already there';
        row(warn, 'kept your edit', `${file.path} → new version in ${where} (${stat(file.disk!, file.planned)}${extra})`);
        break;
      }
      case 'kept':
        if (action.pending) row(warn, 'kept your edit', `${file.path} ${c.dim(`(the new version still waits in ${newPath(file.path)})`)}`);
        else unchanged++;
        break;
      case 'deleted':
        if (action.changed) row(warn, 'you deleted', `${file.path}: not recreated ${c.dim('(--force recreates it)')}`);
        else unchanged++;
        break;
    }
  }
  if (plan.pkg) {
    const parts = [
      plan.pkg.added.length > 0 ? `added ${plan.pkg.added.join(', ')}` : '',
      plan.pkg.updated.length > 0 ? `updated ${plan.pkg.updated.join(', ')}` : '',
    ].filter(Boolean);
    if (parts.length > 0) row(ok, 'merged', `package.json: ${parts.join('; ')}`);
    if (plan.pkg.kept.length > 0) row(warn, 'kept yours', `package.json ${plan.pkg.kept.join(', ')} ${c.dim('(differs from what the new answers generate)')}`);
  }
  if (plan.pkgMissing) row(warn, 'you deleted', 'package.json: not recreated; the new answers need entries in it');
  if (plan.env && plan.env.content !== undefined) {
    const parts = [
      plan.env.set.length > 0 ? `set ${plan.env.set.join(', ')}` : '',
      plan.env.commented.length > 0 ? `commented out ${plan.env.commented.join(', ')} (not used any more)` : '',
    ].filter(Boolean);
    row(ok, 'updated', `.env: ${parts.join('; ')}${plan.env.replacedOwn.length > 0 ? c.dim(` (your values of ${plan.env.replacedOwn.join(', ')} kept as comments)`) : ''}`);
  }
  if (plan.envCreated) row(ok, 'created', `.env ${c.dim('(--force)')}`);
  if (plan.envMissing) row(warn, 'no .env', `not created ${c.dim('(copy .env.example to .env, or run again with --force)')}`);
  for (const removed of plan.pruned) row(ok, 'removed', `${removed} ${c.dim('(no longer needed, unchanged since generated)')}`);
  for (const entry of plan.pkg?.removed ?? []) row(ok, 'removed', `package.json ${entry} ${c.dim('(no longer needed)')}`);
  for (const notNeeded of plan.notNeeded) {
    if (plan.inUse.has(notNeeded.path)) continue;
    row(note, 'no longer needed', `${notNeeded.path} ${c.dim(notNeeded.unchanged ? '(not deleted; --prune removes it)' : '(you edited it: kept)')}`);
  }
  for (const entry of plan.pkg?.notNeeded ?? []) row(note, 'no longer needed', `package.json ${entry} ${c.dim('(not removed)')}`);
  // Unchanged, but a kept leftover imports it: --prune keeps it too, and says why.
  const inUse = [...plan.notNeeded.filter((file) => plan.inUse.has(file.path)).map((file) => file.path), ...(plan.pkg?.inUse ?? []).map((entry) => `package.json ${entry}`)];
  for (const what of inUse) {
    if (plan.prune) row(warn, 'kept', `${what}: ${plan.inUse.get(what)!}`);
    else row(note, 'no longer needed', `${what} ${c.dim(`(not deleted; --prune keeps it too: ${plan.inUse.get(what)!})`)}`);
  }
  if (writes.some((write) => write.path === MANIFEST_FILE)) row(ok, 'updated', MANIFEST_FILE);
  if (unchanged > 0) row(note, 'unchanged', `${unchanged} auth file${unchanged === 1 ? '' : 's'}`);
}

/** Kept edits whose `.new` still waits, reminded on a run with nothing to change. */
function printPending(out: Output, plan: Plan): void {
  const pending = plan.files.filter((file) => (file.action.kind === 'kept' && file.action.pending) || (file.action.kind === 'conflict' && !file.action.writeNew));
  if (pending.length === 0) return;
  out.line(`  ${out.c.dim(`Merge what you need from ${pending.map((file) => newPath(file.path)).join(', ')} and delete ${pending.length === 1 ? 'it' : 'them'} (or run again with --force to take the new version${pending.length === 1 ? '' : 's'}).`)}`);
}

function stat(before: Buffer, after: Buffer): string {
  const { added, removed } = diffStat(before.toString('utf8'), after.toString('utf8'));
  return `+${added} −${removed} lines`;
}

function diffFor(root: string, write: Write): string {
  const target = write.path.endsWith('.new') ? write.path.slice(0, -'.new'.length) : write.path;
  const before = existsSync(path.join(root, ...target.split('/'))) ? readFileSync(path.join(root, ...target.split('/')), 'utf8') : undefined;
  if (write.remove) return unifiedDiff(before, undefined, target);
  const after = write.content.toString('utf8');
  if (write.path === '.env') return unifiedDiff(before === undefined ? undefined : redactDotEnv(before), redactDotEnv(after), target, write.path);
  return unifiedDiff(before, after, target, write.path);
}

/** The setup leftovers come from: the old provider, or the old sign-in when only that changed. */
function oldSetup(previous: Answers, answers: Answers): string {
  if (previous.provider !== answers.provider) return getProvider(previous.provider).name;
  if (previous.signIn !== answers.signIn) return `${previous.signIn} sign-in`;
  return 'earlier';
}

function printNextSteps(out: Output, plan: Plan, previous: Answers, answers: Answers, root: string): void {
  const c = out.c;
  const steps: string[] = [];
  if ((plan.pkg?.added.length ?? 0) > 0 || plan.pkg?.updated.some((entry) => !entry.startsWith('scripts.') && entry !== 'description')) {
    steps.push(`${installCommand(answers.pm)}     ${c.dim('# package.json has new dependencies')}`);
  } else if (plan.pkg?.removed.some((entry) => !entry.startsWith('scripts.'))) {
    // The lockfile still lists what was removed; npm ci (the Dockerfile) refuses a stale one.
    steps.push(`${installCommand(answers.pm)}     ${c.dim('# updates the lockfile: package.json lost dependencies')}`);
  }
  const conflicts = plan.files.filter((file) => file.action.kind === 'conflict' && !file.layout);
  if (conflicts.length > 0) {
    steps.push(`Review ${conflicts.map((file) => newPath(file.path)).join(', ')}: merge what you need into the file beside ${conflicts.length === 1 ? 'it' : 'each'} and delete the .new ${c.dim('(or run again with --force to take the new version)')}`);
  }
  // A project from before createAuth: what its layout files became, and what is left to merge.
  steps.push(...migrationSteps(plan.files.filter((file) => file.layout), answers.signIn));
  const verify = `${runCommand(answers.pm, 'typecheck')} && ${runCommand(answers.pm, 'test')}`;
  const oldTests = plan.notNeeded.map((file) => file.path).filter((file) => /^test\/[^/]+\.test\.ts$/.test(file));
  const edited = plan.notNeeded.filter((file) => !file.unchanged).map((file) => file.path);
  if (plan.prune && edited.length > 0) {
    // What --prune kept is the old setup's: the user decides, and the checks tell whether it still fits.
    const packages = (plan.pkg?.inUse ?? []).filter((entry) => !entry.startsWith('scripts.')).map((entry) => entry.slice(entry.indexOf('.') + 1)).filter((name) => !name.startsWith('@types/'));
    const imported = [...plan.notNeeded.filter((file) => plan.inUse.has(file.path)).map((file) => file.path), ...new Set(packages)];
    const what = `${edited.join(', ')} (which you edited)${imported.length > 0 ? ` and what ${edited.length === 1 ? 'it imports' : 'they import'} (${imported.join(', ')})` : ''}`;
    const runs = oldTests.length > 0 ? ` ${c.dim(`(${runCommand(answers.pm, 'test')} still runs ${oldTests.join(', ')})`)}` : '';
    const one = edited.length + imported.length === 1;
    steps.push(`Kept ${what}: ${one ? 'it belongs' : 'they belong'} to the ${oldSetup(previous, answers)} setup, which this project no longer uses. Delete ${one ? 'it' : 'them'} or update ${one ? 'it' : 'them'} for ${getProvider(answers.provider).name}, then: ${verify}${runs}`);
  } else {
    if (plan.notNeeded.length > 0 || (plan.pkg?.notNeeded.length ?? 0) > 0) {
      const why = oldTests.length > 0 ? `; until then ${runCommand(answers.pm, 'test')} still runs ${oldTests.join(', ')}, written for ${getProvider(previous.provider).name}` : '';
      const prunable = plan.notNeeded.some((file) => file.unchanged) || (plan.pkg?.notNeeded.length ?? 0) > 0;
      steps.push(`Delete what is no longer needed when you are ready ${c.dim(`(listed above${prunable ? '; npx create-fastapps auth --prune removes what you have not edited' : ''})${why}`)}`);
    }
    steps.push(verify);
  }
  if (answers.signIn === 'broker') steps.push(brokerCallbackLine(answers, out));
  if (answers.provider !== 'local') steps.push(`Finish the ${getProvider(answers.provider).name} setup with your project's values: ${c.cyan('AUTH_SETUP.md')}`);
  const oldPort = new URL(previous.resource).port || (previous.resource.startsWith('https:') ? '443' : '80');
  const newPort = new URL(answers.resource).port || (answers.resource.startsWith('https:') ? '443' : '80');
  if (oldPort !== newPort) steps.push(`The resource moved to port ${newPort}: PORT in .env is yours, set it if the server should listen there`);
  if (previous.provider !== answers.provider && existsSync(path.join(root, 'README.md'))) {
    steps.push(`README.md is yours and was left as it is; it may still describe ${getProvider(previous.provider).name}`);
  }
  out.line();
  out.line(c.bold('Next steps:'));
  for (const step of steps) out.line(`  ${step}`);
}
