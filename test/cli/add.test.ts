/**
 * `create-fastapps add` through the built CLI, in `--no-install` projects: what it writes, and
 * every refusal (bad name, clash, not a project, a tools list it cannot edit) with nothing written.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { treeHash } from '../unit/regen/tree.js';

const STACK = /\n\s+at .+:\d+:\d+/;

async function project(args: string[] = ['--provider', 'local']): Promise<string> {
  const cwd = tempDir('fastapps-add-');
  const result = await runCli(['app', ...args, '--no-install', '--no-git', '--skip-issuer-check'], { cwd });
  expect(result.exitCode, result.stderr).toBe(0);
  return path.join(cwd, 'app');
}

async function refused(dir: string, args: string[], code: 1 | 2, pattern: RegExp) {
  const before = treeHash(dir);
  const result = await runCli(['add', ...args], { cwd: dir });
  expect(result.exitCode, result.stdout + result.stderr).toBe(code);
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr).not.toMatch(STACK);
  expect(treeHash(dir), 'nothing is written').toBe(before);
}

describe('add', () => {
  test('--dry-run shows the new files and the tools list change, and writes nothing', async () => {
    const dir = await project();
    const before = treeHash(dir);
    const result = await runCli(['add', 'widget', 'forecast', '--public', '--dry-run'], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(treeHash(dir)).toBe(before);
    expect(result.stdout).toContain('--- /dev/null\n+++ b/src/tools/forecast.ts');
    expect(result.stdout).toContain('+++ b/web/forecast/index.html');
    expect(result.stdout).toContain("+import { forecast } from './forecast.js';");
    expect(result.stdout).toContain('+  forecast,');
    expect(result.stdout).toContain('Dry run: nothing was written.');
  });

  test('a hostile title lands in code as a JSON literal and in HTML escaped', async () => {
    const dir = await project();
    const result = await runCli(['add', 'widget', 'promo', '--title', 'Deals `${process.exit(1)}` </h1><script>x</script>', '--description', '*/ evil'], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(0);
    const tool = readFileSync(path.join(dir, 'src/tools/promo.ts'), 'utf8');
    expect(tool).toContain('title: "Deals `${process.exit(1)}` </h1><script>x</script>",');
    // The description cannot close the doc comment early.
    expect(tool.startsWith('/**\n * * / evil\n */\n')).toBe(true);
    const html = readFileSync(path.join(dir, 'web/promo/index.html'), 'utf8');
    expect(html).not.toContain('<script>x</script>');
    expect(html).toContain('&#60;script&#62;');
  });

  test('Entra scopes are written qualified, as the project stores them', async () => {
    const dir = await project(['--provider', 'azure', '--tenant', '9a95fd9e-005d-487a-9a01-d08c1eab2757', '--client-id', '6f2a1e4b-8c3d-4e5f-9a0b-1c2d3e4f5a6b']);
    const result = await runCli(['add', 'tool', 'widgets', '--scopes', 'Widgets.Read'], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'src/tools/widgets.ts'), 'utf8')).toContain('scopes: ["api://6f2a1e4b-8c3d-4e5f-9a0b-1c2d3e4f5a6b/Widgets.Read"],');
  });

  test('refusals: exit 2 for a bad input, exit 1 for a clash; nothing written', async () => {
    const dir = await project();
    await refused(dir, ['tool', 'Weather_Alerts'], 2, /"Weather_Alerts" is not a tool name: .* Try "weather-alerts"\./);
    await refused(dir, ['gadget', 'x'], 2, /"gadget" is not something add can add/);
    await refused(dir, ['tool', 'tools'], 2, /reserved word/);
    await refused(dir, ['tool', 'x', '--public', '--scopes', 'a'], 2, /a public tool needs no scopes/);
    await refused(dir, ['tool', 'x', '--scopes', 'a"b'], 2, /--scopes:/);
    await refused(dir, ['tool', 'x', '--scopes', 'openid'], 2, /openid is a sign-in scope, not one a tool can require/);
    writeFileSync(path.join(dir, 'src/server.ts'), readFileSync(path.join(dir, 'src/server.ts'), 'utf8').replace('return server;', "server.registerTool('raw', {}, async () => ({ content: [] }));\n    return server;"));
    await refused(dir, ['tool', 'raw'], 1, /Cannot add raw: a tool named raw already exists/);
    await refused(dir, ['tool', 'hello'], 1, /Cannot add hello: a tool named hello already exists/);
    await refused(dir, ['widget', 'whoami'], 1, /Cannot add whoami: .*src\/tools\/whoami\.ts exists/);
    expect((await runCli(['add', 'tool', 'orders'], { cwd: dir })).exitCode).toBe(0);
    await refused(dir, ['widget', 'orders'], 1, /a tool named orders already exists/);
    writeFileSync(path.join(dir, 'src/tools/index.ts'), 'export { hello } from "./hello.js";\n');
    await refused(dir, ['tool', 'refund'], 1, /no longer has the shape add edits .* Nothing was written\./);
  });

  test('outside a project: exit 1, saying where to run it', async () => {
    const cwd = tempDir();
    const result = await runCli(['add', 'tool', 'orders'], { cwd });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/No fastapps\.json in .* this is not a project create-fastapps generated/);
    expect(existsSync(path.join(cwd, 'src'))).toBe(false);
  });
});
