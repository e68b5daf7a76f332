/**
 * `project.issuer-check-owed`: a project created with `--skip-issuer-check` records the issuer
 * check as owed in `fastapps.json`. Doctor says so, and whether the check passes now.
 */
import { verdict } from '../issuer/context.js';
import { blockingFailures } from '../issuer/render.js';
import type { Finding } from '../issuer/types.js';
import { PROJECT_ISSUER_CHECK_OWED } from './ids.js';
import type { DoctorInput } from './input.js';

/** The finding, or undefined when no project is involved or its check was not skipped. */
export function projectFinding(input: DoctorInput, issuerFindings: Finding[] | undefined): Finding | undefined {
  const project = input.project;
  if (!project || project.issuerCheck !== 'skipped') return undefined;
  const v = verdict({ id: PROJECT_ISSUER_CHECK_OWED, title: 'The issuer check create skipped is done now' });
  const owed = `${project.file} records the issuer check as owed (created with --skip-issuer-check)`;
  const blocking = issuerFindings ? blockingFailures({ issuer: '', findings: issuerFindings, ok: false }) : [];
  if (!issuerFindings) return v.warn(`${owed}, and it could not be run now`, [], `Make ${project.settings.issuer} reachable from this machine and run npx create-fastapps doctor again`);
  if (blocking.length > 0) {
    return v.warn(`${owed}, and it still fails: ${blocking.map((f) => f.id).join(', ')}`, [], 'Fix the issuer findings below; the server refuses to start while its discovery document or keys are unusable');
  }
  return v.info(`${owed}; it passes now`, [], 'Nothing to fix; the manifest keeps saying "skipped" until create-fastapps auth rewrites it');
}
