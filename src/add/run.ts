/**
 * `add`: checks the name and the project, plans the files (src/generate/add-plan.ts), refuses any
 * clash with nothing written, then writes them staged (a failure or Ctrl+C leaves the project as
 * it was), with fastapps.json last.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CancelledError, FailureError, UsageError } from '../errors.js';
import { boundIdentifiers, identifierOf, TOOL_NAME, toolFiles, withToolListed, withToolRecorded, type ToolRequest } from '../generate/add-plan.js';
import { findProjectRoot, MANIFEST_FILE, readProject } from '../generate/manifest.js';
import { readTemplateTree, templatesRoot } from '../generate/templates.js';
import { splitList, validateScope } from '../providers/validate.js';
import { getProvider } from '../providers/index.js';
import { applyWrites, WriteFailure, type Write } from '../regen/apply.js';
import { unifiedDiff } from '../regen/diff.js';
import type { Output } from '../ui/output.js';
import type { AddFlags } from './command.js';

const INDEX = 'src/tools/index.ts';
/** Words that cannot name a tool's export: ECMAScript reserved words, and the names the tool's own file and the tools list use. */
const RESERVED = new Set([
  ...'await break case catch class const continue debugger default delete do else enum export extends false finally for function if implements import in instanceof interface let new null package private protected public return static super switch this throw true try typeof var void while with yield arguments eval undefined NaN Infinity'.split(' '),
  'tools', 'ToolDefinition', 'publicTool', 'protectedTool', 'Widget', 'z',
]);

export async function runAdd(kind: string, name: string, flags: AddFlags, ctx: { out: Output; cwd: string; signal: AbortSignal }): Promise<void> {
  const { out } = ctx;
  const c = out.c;
  if (kind !== 'tool' && kind !== 'widget') throw new UsageError(`add: "${kind}" is not something add can add; use add tool <name> or add widget <name>.`);
  if (!TOOL_NAME.test(name)) {
    const suggestion = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^[^a-z]+/, '').slice(0, 40).replace(/-+$/, '');
    throw new UsageError(`"${name}" is not a tool name: use lower-case words of letters and digits joined by single dashes, starting with a letter, at most 40 characters.${suggestion && TOOL_NAME.test(suggestion) ? ` Try "${suggestion}".` : ''}`);
  }
  for (const identifier of [identifierOf(name), `${identifierOf(name)}Widget`]) {
    if (RESERVED.has(identifier)) throw new UsageError(`"${name}" would name the export ${identifier}, a reserved word or a name the tool's file already uses; choose another name.`);
  }
  for (const [flag, value] of [['--title', flags.title], ['--description', flags.description]] as const) {
    if (value !== undefined && (value.trim() === '' || /[\r\n\u0000-\u001f]/.test(value) || value.length > 200)) throw new UsageError(`${flag}: give one line of text of at most 200 characters.`);
  }
  const typedScopes = flags.scopes === undefined ? [] : splitList(flags.scopes);
  for (const scope of typedScopes) {
    const valid = validateScope(scope);
    if (valid !== true) throw new UsageError(`--scopes: ${valid}`);
  }
  if (flags.public && typedScopes.length > 0) throw new UsageError('--scopes: a public tool needs no scopes; drop --public to protect it with them.');
  const oidc = typedScopes.filter((scope) => ['openid', 'profile', 'email', 'offline_access'].includes(scope));
  if (oidc.length > 0) throw new UsageError(`--scopes: ${oidc.join(', ')} ${oidc.length === 1 ? 'is a sign-in scope' : 'are sign-in scopes'}, not one a tool can require (access tokens do not carry ${oidc.length === 1 ? 'it' : 'them'}); give the API scopes the tool needs.`);

  const root = findProjectRoot(ctx.cwd);
  if (!root) throw new FailureError(`No fastapps.json in ${ctx.cwd} or any folder above it: this is not a project create-fastapps generated.`, 'Run add inside the project (the folder with fastapps.json).');
  const project = readProject(root);
  const settings = project.settings;
  // Scopes in the form the project stores them (Entra: qualified with the Application ID URI).
  const scopes = getProvider(settings.provider).normalizeScopes?.(typedScopes, settings.audiences) ?? typedScopes;
  const title = flags.title?.trim() ?? name.split('-').map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join(' ');
  const request: ToolRequest = { kind, name, title, description: flags.description?.trim() ?? `${title}.`, public: flags.public ?? false, scopes };

  // Refuse every clash before anything is written.
  const indexFile = path.join(root, ...INDEX.split('/'));
  if (!existsSync(indexFile)) throw new FailureError(`${INDEX} is missing, where this project lists its tools. Nothing was written.`, 'Restore it (git checkout -- src/tools/index.ts), or list the tool by hand as src/server.ts does.');
  const index = readFileSync(indexFile, 'utf8');
  const recorded = Array.isArray(project.document['tools']) ? (project.document['tools'] as Array<{ name?: unknown }>) : [];
  const clashes: string[] = [];
  // Declared with publicTool/protectedTool (name: 'x'), or registered by hand (registerTool('x'), registerAppTool(server, 'x')).
  const declared = new RegExp(`name:\\s*['"]${name}['"]|register(?:App)?Tool\\(\\s*(?:server\\s*,\\s*)?['"]${name}['"]`);
  const toolsDir = path.dirname(indexFile);
  const toolSources = [
    ...readdirSync(toolsDir, { withFileTypes: true }).filter((entry) => entry.isFile() && entry.name.endsWith('.ts')).map((entry) => path.join(toolsDir, entry.name)),
    path.join(root, 'src', 'server.ts'),
  ].filter((file) => existsSync(file)).map((file) => readFileSync(file, 'utf8'));
  if (recorded.some((tool) => tool.name === name) || toolSources.some((source) => declared.test(source))) clashes.push(`a tool named ${name} already exists`);
  if (boundIdentifiers(index).has(identifierOf(name))) clashes.push(`${INDEX} already imports ${identifierOf(name)}`);
  const files = toolFiles(request, readTemplateTree(path.join(templatesRoot(), 'add')));
  for (const file of files) if (existsSync(path.join(root, ...file.path.split('/')))) clashes.push(`${file.path} exists`);
  if (kind === 'widget' && existsSync(path.join(root, 'web', name))) clashes.push(`web/${name}/ exists`);
  if (clashes.length > 0) throw new FailureError(`Cannot add ${name}: ${[...new Set(clashes)].join('; ')}. Nothing was written.`, 'Choose another name, or remove the old tool first.');
  const listed = withToolListed(index, request);
  if (listed === undefined) {
    throw new FailureError(`${INDEX} no longer has the shape add edits (imports, then export const tools = [ … ]). Nothing was written.`, `Add the tool by hand: create src/tools/${name}.ts with publicTool or protectedTool, and list it in the tools array.`);
  }

  const writes: Write[] = [...files, { path: INDEX, content: Buffer.from(listed) }, { path: MANIFEST_FILE, content: Buffer.from(withToolRecorded(project.raw, request)) }];
  const what = `${request.public ? 'public' : 'protected'} ${kind} ${name}${scopes.length ? ` (scopes ${scopes.join(' ')} beyond OAUTH_SCOPES)` : ''}`;
  if (flags.dryRun) {
    out.line(c.bold(`Dry run (nothing is written). add would create the ${what}:`));
    for (const write of writes) {
      const target = path.join(root, ...write.path.split('/'));
      out.line(unifiedDiff(existsSync(target) ? readFileSync(target, 'utf8') : undefined, write.content.toString('utf8'), write.path).trimEnd());
    }
    out.line(`${c.dim('•')} Dry run: nothing was written. Run again without --dry-run to add it.`);
    return;
  }
  if (ctx.signal.aborted) throw new CancelledError();
  try {
    applyWrites(root, writes);
  } catch (error) {
    if (!(error instanceof WriteFailure)) throw error;
    throw new FailureError(`Could not write ${error.file}: ${error.reason.message}. ${error.restored ? 'Nothing was changed.' : 'Some files could not be put back; check them with git status.'}`, 'Fix the cause (permissions, disk space) and run add again.');
  }
  out.line(`${c.green('✔')} Added the ${what}`);
  for (const write of writes) out.line(`  ${c.dim('•')} ${write.path}`);
  out.line();
  out.line(c.bold('Next steps:'));
  out.line(`  Write what it does in src/tools/${name}.ts${kind === 'widget' ? ` and its UI in web/${name}/` : ''}`);
  if (scopes.length > 0) out.line(`  Let clients get ${scopes.join(' ')} at your provider (AUTH_SETUP.md); hosts ask for it at sign-in`);
  out.line(`  npm run typecheck && npm test, then npm run dev`);
}
