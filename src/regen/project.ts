/**
 * Finds the project `auth` works on (the nearest folder upward holding `fastapps.json`) and reads
 * what `create` recorded there: the answers, the template version and a hash per generated file.
 * Anything it cannot trust is a failure (exit 1) that says what is wrong and how to fix it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { FailureError } from '../errors.js';
import { MANIFEST_FILE, TEMPLATE_VERSION } from '../generate/plan.js';
import type { AuthMode } from '../options/answers.js';
import type { AuthSettings } from '../options/resolve.js';
import { providerIds, type ProviderId, type ProviderInput } from '../providers/index.js';

export interface RecordedProject {
  /** Absolute path of the project root (where fastapps.json is). */
  root: string;
  /** fastapps.json as read (for a byte-for-byte comparison). */
  raw: string;
  document: Record<string, unknown>;
  settings: AuthSettings;
  /** path → `sha256-…` of what the tool last generated there. */
  files: Record<string, string>;
  generator: { version: string; template: number };
  issuerCheck: 'passed' | 'skipped' | 'not-applicable';
}

/** The nearest folder from `cwd` upward that holds fastapps.json, or undefined. */
export function findProjectRoot(cwd: string): string | undefined {
  let dir = path.resolve(cwd);
  for (;;) {
    const candidate = path.join(dir, MANIFEST_FILE);
    if (existsSync(candidate) && statSync(candidate).isFile()) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

const strings = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads and checks fastapps.json under `root`; `shown` names the file in messages. */
export function readProject(root: string, shown = MANIFEST_FILE): RecordedProject {
  const file = path.join(root, MANIFEST_FILE);
  const raw = readFileSync(file, 'utf8');
  let document: unknown;
  try {
    document = JSON.parse(raw);
  } catch (error) {
    throw new FailureError(`${shown} is not valid JSON (${(error as Error).message}).`, `Restore it from version control (git checkout -- ${shown}); auth needs it to tell your edits from generated files.`);
  }
  if (!isObject(document)) throw new FailureError(`${shown} is not a create-fastapps manifest (not a JSON object).`, 'Run create-fastapps auth inside a project that create-fastapps generated.');
  const generator = document['generator'];
  if (!isObject(generator) || generator['name'] !== 'create-fastapps') {
    throw new FailureError(`${shown} was not written by create-fastapps, so this is not a project it generated.`, 'Run create-fastapps auth inside a project that create-fastapps generated (its fastapps.json names create-fastapps as the generator).');
  }
  const template = generator['template'];
  const version = typeof generator['version'] === 'string' ? generator['version'] : 'unknown';
  if (typeof template !== 'number' || !Number.isInteger(template) || template < 1) {
    throw new FailureError(`${shown} is from an unknown version of create-fastapps (template ${JSON.stringify(template ?? null)}).`, 'Restore fastapps.json from version control; auth cannot tell which files it generated without it.');
  }
  if (template > TEMPLATE_VERSION) {
    throw new FailureError(
      `${shown} was written by a newer create-fastapps (${version}, template ${template}; this one knows template ${TEMPLATE_VERSION}).`,
      'Run the newer version: npx create-fastapps@latest auth',
    );
  }
  const files = document['files'];
  if (!isObject(files) || !Object.values(files).every((hash) => typeof hash === 'string' && /^sha256-[0-9a-f]{64}$/.test(hash))) {
    throw new FailureError(
      `${shown} has no usable file manifest ("files" with a sha256 per generated file), so auth cannot tell your edits from generated files.`,
      'Restore fastapps.json from version control (git checkout -- fastapps.json), or regenerate the project with npx create-fastapps and move your code over.',
    );
  }
  const damaged = (field: string, why: string): never => {
    throw new FailureError(`${shown} is damaged: ${field} ${why}.`, 'Restore it from version control (git checkout -- fastapps.json), or fix that field.');
  };
  const provider = document['provider'];
  if (typeof provider !== 'string' || !providerIds.includes(provider as ProviderId)) damaged('"provider"', `is ${JSON.stringify(provider ?? null)}, not one of ${providerIds.join(', ')}`);
  const providerInput = document['providerInput'];
  if (!isObject(providerInput)) damaged('"providerInput"', 'is not an object');
  for (const [key, value] of Object.entries(providerInput as Record<string, unknown>)) {
    if (typeof value !== 'string' && !strings(value)) damaged(`"providerInput.${key}"`, 'is neither text nor a list of text');
  }
  for (const key of ['issuer', 'resource'] as const) if (typeof document[key] !== 'string') damaged(`"${key}"`, 'is missing');
  for (const key of ['audiences', 'clientIds', 'scopes'] as const) if (!strings(document[key])) damaged(`"${key}"`, 'is not a list of text');
  const authMode = document['authMode'];
  if (authMode !== 'required' && authMode !== 'mixed') damaged('"authMode"', 'is neither required nor mixed');
  const issuerCheck = document['issuerCheck'];
  return {
    root,
    raw,
    document,
    settings: {
      provider: provider as ProviderId,
      providerInput: providerInput as ProviderInput,
      issuer: document['issuer'] as string,
      resource: document['resource'] as string,
      audiences: document['audiences'] as string[],
      clientIds: document['clientIds'] as string[],
      scopes: document['scopes'] as string[],
      authMode: authMode as AuthMode,
    },
    files: files as Record<string, string>,
    generator: { version, template },
    issuerCheck: issuerCheck === 'passed' || issuerCheck === 'skipped' ? issuerCheck : 'not-applicable',
  };
}

/** The npm package name (package.json `name`), else the folder name: it titles AUTH_SETUP.md. */
export function projectName(root: string): string {
  try {
    const json = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { name?: unknown };
    if (typeof json.name === 'string' && json.name !== '') return json.name;
  } catch {
    // No readable package.json: the folder name, as create derived it.
  }
  return path.basename(root);
}
