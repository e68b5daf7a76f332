/**
 * `auth` in a project whose src/app.ts predates createAuth, in-process: the user files of the
 * current layout are replaced when unchanged since generated, added when missing (recorded or not),
 * kept with a `.new` beside them when edited, and `--force` overwrites an edit as for any file.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { planProject, sha256 } from '../../../src/generate/plan.js';
import { loadTemplates } from '../../../src/generate/templates.js';
import { writeProject } from '../../../src/generate/write.js';
import type { Answers } from '../../../src/options/answers.js';
import { runAuth } from '../../../src/regen/auth.js';
import { createOutput } from '../../../src/ui/output.js';

const REPO = path.resolve(import.meta.dirname, '../../..');
const previous = (file: string) => readFileSync(path.join(REPO, 'test/fixtures/previous-project', file));
const template = (file: string) => readFileSync(path.join(REPO, 'templates/project', file), 'utf8');

/** A generated project whose src/app.ts and src/tools/hello.ts are the previous version's, recorded as generated. */
function previousProject(): string {
  const root = path.join(mkdtempSync(path.join(tmpdir(), 'fastapps-migrate-')), 'app');
  const answers: Answers = {
    targetDir: root, targetArg: 'app', projectName: 'app', provider: 'oidc', providerInput: { issuer: 'https://id.example.com/realms/x' }, issuer: 'https://id.example.com/realms/x',
    resource: 'http://localhost:3000/mcp', audiences: ['orders-api'], clientIds: [], scopes: ['mcp:tools'], authMode: 'required', signIn: 'direct',
    skipIssuerCheck: true, install: false, git: false, pm: 'npm', force: false, timeoutMs: 5000,
  };
  writeProject(planProject(answers, loadTemplates('oidc'), { version: '0.0.0-test', issuerCheck: 'skipped' }).files, root, { force: false });
  const manifest = JSON.parse(readFileSync(path.join(root, 'fastapps.json'), 'utf8'));
  for (const file of ['src/app.ts', 'src/tools/hello.ts']) {
    writeFileSync(path.join(root, file), previous(file));
    manifest.files[file] = sha256(previous(file));
  }
  writeFileSync(path.join(root, 'fastapps.json'), JSON.stringify(manifest, null, 2) + '\n');
  return root;
}

async function auth(root: string, force = false): Promise<string> {
  let stdout = '';
  const out = createOutput({ stdout: { write: (s: string) => (stdout += s) }, stderr: { write: () => true }, env: { NO_COLOR: '1' } });
  await runAuth({ skipIssuerCheck: true, ...(force ? { force } : {}) }, { out, cwd: root, env: {}, version: '0.0.0-test', signal: new AbortController().signal });
  return stdout;
}

test('unchanged → replaced, missing (even though recorded) → added, edited → kept with .new; the hashes of what was generated are recorded', async () => {
  const root = previousProject();
  rmSync(path.join(root, 'src/tools/index.ts'));
  const edited = `${previous('src/tools/hello.ts').toString('utf8')}// mine\n`;
  writeFileSync(path.join(root, 'src/tools/hello.ts'), edited);
  const stdout = await auth(root);
  expect(readFileSync(path.join(root, 'src/app.ts'), 'utf8')).toBe(template('src/app.ts'));
  expect(stdout).toMatch(/replaced +src\/app\.ts\n/);
  expect(readFileSync(path.join(root, 'src/tools/index.ts'), 'utf8')).toBe(template('src/tools/index.ts'));
  expect(stdout).toMatch(/added +src\/tools\/index\.ts\n/);
  expect(readFileSync(path.join(root, 'src/tools/hello.ts'), 'utf8')).toBe(edited);
  expect(readFileSync(path.join(root, 'src/tools/hello.ts.new'), 'utf8')).toBe(template('src/tools/hello.ts'));
  expect(stdout).toContain('Merge src/tools/hello.ts.new into the file beside it (your edits were kept)');
  const files = JSON.parse(readFileSync(path.join(root, 'fastapps.json'), 'utf8')).files;
  for (const file of ['src/app.ts', 'src/tools/index.ts', 'src/tools/hello.ts']) expect(files[file], file).toBe(sha256(template(file)));
});

test('--force overwrites an edited layout file, as it does an edited auth file', async () => {
  const root = previousProject();
  writeFileSync(path.join(root, 'src/tools/hello.ts'), `${previous('src/tools/hello.ts').toString('utf8')}// mine\n`);
  const stdout = await auth(root, true);
  expect(readFileSync(path.join(root, 'src/tools/hello.ts'), 'utf8')).toBe(template('src/tools/hello.ts'));
  expect(existsSync(path.join(root, 'src/tools/hello.ts.new'))).toBe(false);
  expect(stdout).toMatch(/overwrote edit +src\/tools\/hello\.ts/);
});

test('a project on the current layout: its user files are never looked at', async () => {
  const root = previousProject();
  writeFileSync(path.join(root, 'src/app.ts'), template('src/app.ts'));
  writeFileSync(path.join(root, 'src/server.ts'), `${template('src/server.ts')}// mine\n`);
  const stdout = await auth(root);
  expect(readFileSync(path.join(root, 'src/server.ts'), 'utf8')).toBe(`${template('src/server.ts')}// mine\n`);
  expect(existsSync(path.join(root, 'src/server.ts.new'))).toBe(false);
  expect(stdout).not.toContain('predates createAuth');
});
