/**
 * The project `auth` works on: fastapps.json read by the shared reader, plus what only `auth`
 * needs to trust it: a template version it knows and a hash per generated file. Anything it cannot
 * trust is a failure (exit 1) that says what is wrong and how to fix it.
 */
import { FailureError } from '../errors.js';
import { MANIFEST_FILE, ManifestError, readProject as readManifest, TEMPLATE_VERSION, type RecordedProject } from '../generate/manifest.js';

export { findProjectRoot, projectName, type RecordedProject } from '../generate/manifest.js';

/** A project auth can regenerate: `files` is always present. */
export type RegenerableProject = RecordedProject & { files: Record<string, string> };

export function readProject(root: string, shown = MANIFEST_FILE): RegenerableProject {
  let project: RecordedProject;
  try {
    project = readManifest(root, shown);
  } catch (error) {
    if (error instanceof ManifestError) throw new FailureError(error.message, `${error.hint} auth needs it to tell your edits from generated files.`);
    throw error;
  }
  const { template, version } = project.generator;
  if (template === undefined || !Number.isInteger(template) || template < 1) {
    const recordedTemplate = (project.document['generator'] as Record<string, unknown>)['template'] ?? null;
    throw new FailureError(`${shown} is from an unknown version of create-fastapps (template ${JSON.stringify(recordedTemplate)}).`, 'Restore fastapps.json from version control; auth cannot tell which files it generated without it.');
  }
  if (template > TEMPLATE_VERSION) {
    throw new FailureError(`${shown} was written by a newer create-fastapps (${version}, template ${template}; this one knows template ${TEMPLATE_VERSION}).`, 'Run the newer version: npx create-fastapps@latest auth');
  }
  const files = project.files;
  if (!files || !Object.values(files).every((hash) => typeof hash === 'string' && /^sha256-[0-9a-f]{64}$/.test(hash))) {
    throw new FailureError(
      `${shown} has no usable file manifest ("files" with a sha256 per generated file), so auth cannot tell your edits from generated files.`,
      'Restore fastapps.json from version control (git checkout -- fastapps.json), or regenerate the project with npx create-fastapps and move your code over.',
    );
  }
  return { ...project, files };
}
