/**
 * `fastapps.json`: the answers a project was generated from. Inside a generated project, doctor
 * without an argument checks the issuer, audience, scopes and mode recorded there.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { providerIds, type ProviderId, type ProviderInput } from '../providers/index.js';

/** The manifest's name (kept equal to `MANIFEST_FILE` in src/generate/plan.ts). */
export const MANIFEST_NAME = 'fastapps.json';

/** The members of `fastapps.json` doctor reads. */
export interface ProjectManifest {
  provider: ProviderId;
  providerInput: ProviderInput;
  issuer: string;
  resource: string;
  audiences: string[];
  clientIds: string[];
  scopes: string[];
  authMode: 'required' | 'mixed';
  /** `skipped`: `create --skip-issuer-check` wrote the project; the check is owed. */
  issuerCheck: 'passed' | 'skipped' | 'not-applicable';
}

/** A found manifest and the project folder it belongs to. */
export interface Project {
  dir: string;
  file: string;
  manifest: ProjectManifest;
}

/** The nearest `fastapps.json` in `cwd` or a folder above it, or undefined. */
export function findManifest(cwd: string): string | undefined {
  let dir = path.resolve(cwd);
  for (;;) {
    const file = path.join(dir, MANIFEST_NAME);
    if (existsSync(file)) return file;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/**
 * Reads and checks a manifest. A file that is not the manifest create-fastapps writes is a usage
 * error (exit 2) naming the file and the member at fault.
 */
export function readManifest(file: string): Project {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${file} can't be read as JSON (${(error as Error).message.split('\n')[0]}).`, 'Restore it from version control, or run doctor with an issuer URL or --provider instead.');
  }
  const doc = (value ?? {}) as Record<string, unknown>;
  const bad = (member: string) => new UsageError(`${file} has no valid "${member}"; it is not a manifest written by create-fastapps.`, 'Restore it from version control, or run doctor with an issuer URL or --provider instead.');
  if (!providerIds.includes(doc['provider'] as ProviderId)) throw bad('provider');
  if (typeof doc['issuer'] !== 'string') throw bad('issuer');
  if (typeof doc['resource'] !== 'string' || !URL.canParse(doc['resource'])) throw bad('resource');
  const authMode = doc['authMode'] === 'mixed' ? 'mixed' : 'required';
  const issuerCheck = doc['issuerCheck'] === 'skipped' || doc['issuerCheck'] === 'not-applicable' ? doc['issuerCheck'] : 'passed';
  return {
    dir: path.dirname(file),
    file,
    manifest: {
      provider: doc['provider'] as ProviderId,
      providerInput: (doc['providerInput'] && typeof doc['providerInput'] === 'object' ? doc['providerInput'] : {}) as ProviderInput,
      issuer: doc['issuer'],
      resource: doc['resource'],
      audiences: strings(doc['audiences']),
      clientIds: strings(doc['clientIds']),
      scopes: strings(doc['scopes']),
      authMode,
      issuerCheck,
    },
  };
}
