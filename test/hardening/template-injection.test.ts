/**
 * Issue 7 §5: hostile values in project names, scopes, audiences, URLs and paths either end up as
 * inert data in the generated project (it type-checks, its .env and fastapps.json read back byte
 * for byte, the Markdown shows them in code spans, the server enforces exactly them) or are
 * refused with a clear message (exit 2, nothing written).
 *
 * Where values land: `src/project.ts` (name, as a JSON literal), `.env`/`.env.example` (quoted so
 * Node's loadEnvFile reads them back literally), `fastapps.json` (JSON), README.md/AUTH_SETUP.md
 * (inline code, and the resource URL in shell commands), `package.json` (name).
 * Rules: the project name is an npm package name; scopes follow RFC 6749 minus the backtick;
 * audiences the same minus the comma; URLs are canonical, ASCII, with a plain host, and the
 * resource path keeps to characters inert in .env, Markdown and a shell.
 */
import { execa } from 'execa';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { startIssuerServer, type IssuerServer } from '../helpers/issuer-server.js';
import { depBin } from './support/deps.js';
import { challengeOf, send } from './support/http.js';
import { generateProject, STACK, startServer, type GeneratedProject, type ServerProcess } from './support/project.js';
import { signJws } from './support/shapes.js';
import { printTable, row, type Row } from './support/tally.js';

const started = Date.now();
const rows: Record<string, Row> = { refused: row(), 'accepted, inert': row() };
afterAll(() => printTable('Template injection', rows, started));

const ISSUER = 'https://sso.example.com/realms/main';
const refusals: Array<[string, string[], RegExp]> = [
  // Project names (the folder name is the npm package name).
  ...['a"b', 'a`b', 'a${b}', 'a</script>', '{{a}}', 'a\nb', "a'b", 'ünï'].map((name): [string, string[], RegExp] => [`project name ${JSON.stringify(name)}`, [name], /Project folder: .* is not a valid npm package name/]),
  // Scopes.
  ...['read"all', 'read`all', 'read\\all', 'lire:ünï'].map((scope): [string, string[], RegExp] => [`scope ${JSON.stringify(scope)}`, ['app', '--scopes', scope], /--scopes: .* is not a valid OAuth scope/]),
  // Audiences.
  ...['a"b', 'a`b', 'a\nb', 'a,b', 'a b', 'ünï'].map((audience): [string, string[], RegExp] => [
    `audience ${JSON.stringify(audience)}`,
    ['app', '--provider', 'oidc', '--issuer', ISSUER, '--audience', audience],
    /--audience: .* is not an audience/,
  ]),
  // Resource URLs.
  ...[
    ['http://127.0.0.1:3000/$(id)/mcp', /path may use .* not \$/],
    ["http://127.0.0.1:3000/a'b/mcp", /path may use .* not '/],
    ['http://127.0.0.1:3000/a,b/mcp', /path may use .* not ,/],
    ['http://127.0.0.1:3000/mcp;reboot', /path may use .* not ;/],
    ['http://127.0.0.1:3000/`id`/mcp', /canonical form: http:\/\/127\.0\.0\.1:3000\/%60id%60\/mcp/],
    ['http://127.0.0.1:3000/{{x}}/mcp', /canonical form: .*%7B%7Bx%7D%7D/],
    ['http://127.0.0.1:3000/${x}/mcp', /canonical form: .*\$%7Bx%7D/],
    ['http://127.0.0.1:3000/</script>', /canonical form: .*%3C\/script%3E/],
    ['http://127.0.0.1:3000/"x"/mcp', /canonical form: .*%22x%22/],
    ['http://127.0.0.1:3000/mcp\n', /canonical form/],
    ['http://ünï.example.com/mcp', /canonical form: http:\/\/xn--/],
    ['http://a$(id)b.example.com/mcp', /is not a host name/],
  ].map(([resource, message]): [string, string[], RegExp] => [`resource ${JSON.stringify(resource)}`, ['app', '--resource', resource as string], new RegExp(`--resource: .*${(message as RegExp).source}`)]),
  // Issuer URLs.
  ...[
    [`${ISSUER}/a"b`, /must not contain "/],
    [`${ISSUER}/\`id\``, /must not contain `/],
    [`${ISSUER}/\${x}`, /must not contain \{/],
    [`${ISSUER}/{{x}}`, /must not contain \{/],
    [`${ISSUER}/</script>`, /must not contain </],
    [`${ISSUER}/a\nb`, /must not contain spaces, line breaks/],
    [`${ISSUER}/a\tb`, /must not contain spaces, line breaks/],
    ['https://ünï.example.com/realms/main', /must be plain ASCII.*xn--/],
    ['https://a$(id).example.com/realms/main', /is not a host name/],
  ].map(([issuer, message]): [string, string[], RegExp] => [`issuer ${JSON.stringify(issuer)}`, ['app', '--provider', 'oidc', '--issuer', issuer as string], new RegExp(`--issuer: .*${(message as RegExp).source}`)]),
  // The broker's client id (in .env, fastapps.json and AUTH_SETUP.md).
  ...['a"b', 'a`b', "a'b", 'a b', 'a\\b', 'a\nb', '${x}{{y}}</script>', '$(id)'].map((id): [string, string[], RegExp] => [
    `broker client id ${JSON.stringify(id)}`,
    ['app', '--provider', 'oidc', '--issuer', ISSUER, '--sign-in', 'broker', '--broker-client-id', id],
    /--broker-client-id: .* is not a client id/,
  ]),
];

describe('refused with a clear message: exit 2, nothing written, no stack trace', () => {
  test.each(refusals)('%s', async (_name, args, message) => {
    const cwd = tempDir();
    const result = await runCli([...args, '--no-install', '--no-git'], { cwd });
    rows.refused!.cases += 1;
    if (STACK.test(result.stderr)) rows.refused!.stackTraces += 1;
    // Anything on disk here means the value was not refused.
    if (readdirSync(cwd).length > 0) rows.refused!.notes.push(`written anyway: ${_name}`);
    expect(result.exitCode, result.stderr + result.stdout).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n').length, 'one line, and maybe a hint').toBeLessThanOrEqual(2);
    expect(result.stderr).not.toMatch(STACK);
    expect(result.stderr).not.toMatch(/Unexpected error/);
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe('accepted and inert: a project whose scopes, audience and folder path hold hostile characters', () => {
  // The parent path: quotes, a backtick, ${…}, $(…), {{…}}, </script>, spaces, unicode.
  const hostileFolder = `Tom's "apps" \`x\` $(touch pwned) \${HOME} {{name}} </script> Ünï 😀`;
  const scopes = ["mcp:'${HOME}", '{{scopes}}</script>', 'read:$(touch${IFS}pwned)'];
  const audience = "urn:x:'${HOME}{{audience}}</script>";
  let issuer: IssuerServer;
  let project: GeneratedProject;
  let server: ServerProcess;
  let base: string;

  beforeAll(async () => {
    issuer = await startIssuerServer({ issuerPath: '/realms/demo' });
    base = tempDir();
    const parent = path.join(base, hostileFolder);
    mkdirSync(parent, { recursive: true });
    project = await generateProject(['--provider', 'oidc', '--issuer', issuer.issuer, '--audience', audience, '--scopes', scopes.join(' ')], { parent });
    server = await startServer(project.dir, { LOG_LEVEL: 'debug' });
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
    await issuer?.close();
    const tally = rows['accepted, inert']!;
    if (server && STACK.test(server.output())) tally.stackTraces += 1;
  });

  const count = () => {
    rows['accepted, inert']!.cases += 1;
  };

  test('it type-checks', async () => {
    count();
    const tsc = await execa(await depBin('tsc'), ['--noEmit', '-p', project.dir], { cwd: project.dir, reject: false, all: true });
    expect(tsc.exitCode, tsc.all).toBe(0);
  });

  test('.env and fastapps.json read back byte for byte', () => {
    count();
    const env = parseEnv(readFileSync(path.join(project.dir, '.env'), 'utf8'));
    expect(env.OAUTH_SCOPES).toBe(scopes.join(' '));
    expect(env.OAUTH_AUDIENCE).toBe(audience);
    expect(env.OAUTH_ISSUER).toBe(issuer.issuer);
    const example = parseEnv(readFileSync(path.join(project.dir, '.env.example'), 'utf8'));
    expect(example.OAUTH_SCOPES).toBe(scopes.join(' '));
    const manifest = JSON.parse(readFileSync(path.join(project.dir, 'fastapps.json'), 'utf8'));
    expect(manifest.scopes).toEqual(scopes);
    expect(manifest.audiences).toEqual([audience]);
  });

  test('the Markdown shows every value in a code span, never re-rendered as a template', () => {
    count();
    const setup = readFileSync(path.join(project.dir, 'AUTH_SETUP.md'), 'utf8');
    const readme = readFileSync(path.join(project.dir, 'README.md'), 'utf8');
    for (const scope of scopes) expect(setup).toContain(`\`${scope}\``);
    expect(setup).toContain(`\`${audience}\``);
    expect(readme).toContain(`\`${scopes.join(' ')}\``);
    // Every occurrence of a value sits inside backticks.
    for (const value of [...scopes, audience]) {
      for (const text of [setup, readme]) {
        for (let at = text.indexOf(value); at !== -1; at = text.indexOf(value, at + 1)) {
          const line = text.slice(text.lastIndexOf('\n', at) + 1, at);
          expect((line.match(/`/g) ?? []).length % 2, `${value} outside a code span: ${line}`).toBe(1);
        }
      }
    }
  });

  test('the server enforces exactly these values: metadata, 200 with them, 403 naming them', async () => {
    count();
    const prm = (await (await fetch(project.prmUrl)).json()) as { scopes_supported: string[] };
    expect(prm.scopes_supported).toEqual(scopes);
    const now = Math.floor(Date.now() / 1000);
    const mint = (scope: string) =>
      signJws({ alg: 'RS256', kid: issuer.keys.rs256.kid }, { iss: issuer.issuer, sub: 'jane', aud: [audience], scope, iat: now, exp: now + 600 }, issuer.keys.rs256.privateKey);
    const ok = await send(project.resource, { headers: { authorization: `Bearer ${await mint(scopes.join(' '))}` } });
    expect(ok.status, ok.body).toBe(200);
    const forbidden = await send(project.resource, { headers: { authorization: `Bearer ${await mint('openid')}` } });
    expect(forbidden.status).toBe(403);
    const challenge = challengeOf(forbidden);
    expect(challenge).not.toBeInstanceOf(Error);
    expect((challenge as Record<string, string>).scope).toBe(scopes.join(' '));
    const anonymous = await send(project.resource);
    expect((challengeOf(anonymous) as Record<string, string>).scope).toBe(scopes.join(' '));
    rows['accepted, inert']!.serverErrors += [ok, forbidden, anonymous].filter((r) => r.status >= 500).length;
  });

  test('nothing was executed: no "pwned" file anywhere', () => {
    count();
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir, { withFileTypes: true })) {
        if (name.name === 'node_modules') continue;
        if (name.name === 'pwned') found.push(path.join(dir, name.name));
        if (name.isDirectory()) walk(path.join(dir, name.name));
      }
    };
    walk(base);
    expect(found).toEqual([]);
    expect(existsSync(path.join(process.cwd(), 'pwned'))).toBe(false);
  });
});
