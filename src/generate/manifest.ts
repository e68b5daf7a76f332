/**
 * Reading `fastapps.json` back: the answers a project was generated from, the generator that wrote
 * it and, for `auth`, a hash per generated file. Shared by `doctor` (which reads the answers) and
 * `auth` (which also needs the hashes); each maps `ManifestError` to its own exit code.
 * It must stay light (no template engine): doctor loads it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { AuthMode } from '../options/answers.js';
import type { AuthSettings } from '../options/resolve.js';
import { validateBrokerClientId } from '../providers/validate.js';
import { providerIds, type ProviderId, type ProviderInput, type SignIn } from '../providers/index.js';

/** The manifest's name, at the project root. */
export const MANIFEST_FILE = 'fastapps.json';
/** The layout of the generated project this version writes; `auth` refuses newer ones. */
export const TEMPLATE_VERSION = 1;

/** A `fastapps.json` that cannot be trusted: one sentence, and how to fix it. */
export class ManifestError extends Error {
  override name = 'ManifestError';
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

export interface RecordedProject {
  /** Absolute path of the project root (where fastapps.json is). */
  root: string;
  /** Absolute path of fastapps.json. */
  file: string;
  /** fastapps.json as read (for a byte-for-byte comparison). */
  raw: string;
  document: Record<string, unknown>;
  settings: AuthSettings;
  /** path → `sha256-…` of what the tool last generated there, when the manifest has them. */
  files: Record<string, string> | undefined;
  /** `template` is undefined when the manifest does not say. */
  generator: { version: string; template: number | undefined };
  /** `skipped`: created with --skip-issuer-check, so the check is owed. */
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

/** Reads and checks fastapps.json under `root`; `shown` names the file in messages. Throws `ManifestError`. */
export function readProject(root: string, shown = MANIFEST_FILE): RecordedProject {
  const file = path.join(root, MANIFEST_FILE);
  const raw = readFileSync(file, 'utf8');
  const restore = `Restore it from version control (git checkout -- ${shown}).`;
  let document: unknown;
  try {
    document = JSON.parse(raw);
  } catch (error) {
    throw new ManifestError(`${shown} is not valid JSON (${(error as Error).message.split('\n')[0]}).`, restore);
  }
  if (!isObject(document)) throw new ManifestError(`${shown} is not a create-fastapps manifest (not a JSON object).`, restore);
  const generator = document['generator'];
  if (!isObject(generator) || generator['name'] !== 'create-fastapps') {
    throw new ManifestError(`${shown} was not written by create-fastapps, so this is not a project it generated.`, 'Run this inside a project create-fastapps generated (its fastapps.json names create-fastapps as the generator).');
  }
  const damaged = (field: string, why: string): never => {
    throw new ManifestError(`${shown} is damaged: ${field} ${why}.`, `${restore} Or fix that field.`);
  };
  const provider = document['provider'];
  if (typeof provider !== 'string' || !providerIds.includes(provider as ProviderId)) damaged('"provider"', `is ${JSON.stringify(provider ?? null)}, not one of ${providerIds.join(', ')}`);
  const providerInput = document['providerInput'];
  if (!isObject(providerInput)) damaged('"providerInput"', 'is not an object');
  for (const [key, value] of Object.entries(providerInput as Record<string, unknown>)) {
    if (typeof value !== 'string' && !strings(value)) damaged(`"providerInput.${key}"`, 'is neither text nor a list of text');
  }
  for (const key of ['issuer', 'resource'] as const) if (typeof document[key] !== 'string') damaged(`"${key}"`, 'is missing');
  if (!URL.canParse(document['resource'] as string)) damaged('"resource"', 'is not a URL');
  for (const key of ['audiences', 'clientIds', 'scopes'] as const) if (!strings(document[key])) damaged(`"${key}"`, 'is not a list of text');
  const authMode = document['authMode'];
  if (authMode !== 'required' && authMode !== 'mixed') damaged('"authMode"', 'is neither required nor mixed');
  // Projects from before sign-in modes were recorded point hosts at the provider: direct.
  const signIn = document['signIn'] ?? 'direct';
  if (signIn !== 'direct' && signIn !== 'facade' && signIn !== 'broker') damaged('"signIn"', 'is none of direct, facade, broker');
  // The broker's own client (its secret is only ever in .env).
  const brokerClientId = document['brokerClientId'];
  if (brokerClientId !== undefined && (typeof brokerClientId !== 'string' || validateBrokerClientId(brokerClientId) !== true)) damaged('"brokerClientId"', 'is not a client id');
  const template = generator['template'];
  const files = document['files'];
  const issuerCheck = document['issuerCheck'];
  return {
    root,
    file,
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
      signIn: signIn as SignIn,
      ...(signIn === 'broker' && typeof brokerClientId === 'string' ? { brokerClientId } : {}),
    },
    files: isObject(files) ? (files as Record<string, string>) : undefined,
    generator: { version: typeof generator['version'] === 'string' ? generator['version'] : 'unknown', template: typeof template === 'number' ? template : undefined },
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
