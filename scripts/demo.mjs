// The main job, end to end, on this machine: scaffold a project on the `local` provider with the
// built CLI, install it, start it, sign a token with its development authorization server, and
// call the protected widget tool over MCP. Usage: npm run demo [-- <folder>]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const target = process.argv[2] ? path.resolve(process.argv[2]) : path.join(mkdtempSync(path.join(tmpdir(), 'fastapps-demo-')), 'demo');
const step = (text) => console.log(`\n▶ ${text}`);
const run = (command, args, cwd) => {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', env: { ...process.env, CI: undefined } });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
const capture = (command, args, cwd) => {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) {
    process.stderr.write(result.stderr);
    process.exit(result.status ?? 1);
  }
  return result.stdout.trim();
};

const port = await new Promise((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address();
    probe.close(() => resolve(port));
  });
});
const resource = `http://127.0.0.1:${port}/mcp`;

step('Building the CLI');
run('node', ['scripts/build.mjs'], repo);

step(`npx create-fastapps ${target} --provider local --resource ${resource} --yes`);
run('node', [path.join(repo, 'bin', 'create-fastapps.js'), target, '--provider', 'local', '--resource', resource, '--yes', '--no-git'], process.cwd());

step('Starting the server (npm run build && npm start)');
run('npm', ['run', 'build', '--silent'], target);
const server = spawn('node', ['dist/index.js'], { cwd: target, stdio: ['ignore', 'pipe', 'pipe'] });
let log = '';
await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`the server did not start:\n${log}`)), 30_000);
  const onData = (chunk) => {
    log += chunk;
    process.stdout.write(chunk);
    if (log.includes('MCP server listening')) {
      clearTimeout(timer);
      resolve();
    }
  };
  server.stdout.on('data', onData);
  server.stderr.on('data', onData);
  server.on('exit', (code) => reject(new Error(`the server exited with ${code}:\n${log}`)));
});

try {
  const call = (body, token) =>
    fetch(resource, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  const whoami = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } };

  step('Calling the protected tool without a token');
  const anonymous = await call(whoami);
  console.log(`HTTP ${anonymous.status}  WWW-Authenticate: ${anonymous.headers.get('www-authenticate')}`);

  step('Signing a development token (npx tsx scripts/token.ts --sub ada)');
  const token = capture('npx', ['tsx', 'scripts/token.ts', '--sub', 'ada'], target);
  console.log(`${token.slice(0, 24)}… (${token.length} characters)`);

  step('Calling the protected tool with it');
  const signedIn = await call(whoami, token);
  const text = await signedIn.text();
  const data = text.startsWith('event:') ? JSON.parse(text.split('\n').find((line) => line.startsWith('data:')).slice(5)) : JSON.parse(text);
  console.log(`HTTP ${signedIn.status}`);
  console.log(JSON.stringify(data.result?.structuredContent ?? data, null, 2));
  if (signedIn.status !== 200 || data.result?.structuredContent?.subject !== 'ada') throw new Error('the protected call did not return the signed-in user');
  console.log(`\n✔ ${target} answers authenticated calls. Next: cd ${target} && npm run dev, then connect MCP Inspector to ${resource}.`);
} finally {
  server.kill('SIGTERM');
}
