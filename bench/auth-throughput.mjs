// The generated server's auth cost: requests per second for a protected tool call (whoami) with a
// valid RS256 token, vs the same server with the auth gate removed (bench/support/no-auth-entry.mjs),
// measured in the same run, server pinned to CPU 0 and the load generator to CPU 1 when taskset is
// available. Also counts JWKS fetches during the authenticated run. Goals: ≥ 0.95× and 1 fetch.
// Usage: node bench/auth-throughput.mjs [seconds=10] [--profile]   (--profile prints where each server spends its CPU)
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { SignJWT } from 'jose';
import { freePort, loadToolCalls, median, repo, report, run, sh, startIssuer, startProjectServer, tempDir } from './lib.mjs';
import { topFunctions } from './support/profile.mjs';

const seconds = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 10);
const profile = process.argv.includes('--profile');

// A local RS256 issuer that counts JWKS fetches.
const idp = await startIssuer();
const { issuer, privateKey } = idp;
const port = await freePort();
const resource = `http://127.0.0.1:${port}/mcp`;

console.log('Preparing a generated project (create, install, build)…');
sh('node', ['scripts/build.mjs'], { cwd: repo });
const dir = path.join(tempDir(), 'bench-app');
await run('node', [path.join(repo, 'bin', 'create-fastapps.js'), dir, '--provider', 'oidc', '--issuer', issuer, '--resource', resource, '--no-git', '--pm', 'npm'], { env: { ...process.env, CI: '1' } });
sh('npm', ['run', 'build', '--silent'], { cwd: dir });
copyFileSync(path.join(repo, 'bench', 'support', 'no-auth-entry.mjs'), path.join(dir, 'bench-no-auth.mjs'));

const token = await new SignJWT({ scope: 'openid mcp:tools', client_id: 'bench' })
  .setProtectedHeader({ alg: 'RS256', kid: 'bench' })
  .setIssuer(issuer)
  .setAudience(resource)
  .setSubject('bench-user')
  .setIssuedAt()
  .setExpirationTime('2h')
  .sign(privateKey);

/** Starts `entry` in the project (with --profile, under --cpu-prof); `stop()` prints the profile. */
async function startServer(entry, env) {
  const profileDir = profile ? tempDir('fastapps-profile-') : undefined;
  const server = await startProjectServer(dir, [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), entry], env);
  return {
    async stop() {
      // SIGINT lets node write the CPU profile (both entries exit on it).
      await server.stop(profileDir ? 'SIGINT' : 'SIGTERM');
      if (profileDir) console.log(`\nWhere ${entry} spends its CPU (self time):\n${topFunctions(profileDir).join('\n')}`);
    },
  };
}

const load = (url, headers) => loadToolCalls(url, seconds, headers);

// Both servers run at once, idle in turn; the load alternates between them round by round, so a
// busy moment on the machine hits both alike. The medians are compared.
const anchorPort = await freePort();
const anchorUrl = `http://127.0.0.1:${anchorPort}/mcp`;
const fetchesBefore = idp.jwksFetches();
const authedServer = await startServer('dist/index.js', {});
const anchorServer = await startServer('bench-no-auth.mjs', { PORT: String(anchorPort), MCP_RESOURCE_URL: anchorUrl });
const rounds = 3;
console.log(`Protected tool call (whoami) over loopback, 10 connections, ${rounds} alternating rounds of ${seconds} s (2 s warm-up each)`);
const authed = [];
const anchor = [];
try {
  for (let round = 0; round < rounds; round++) {
    anchor.push(await load(anchorUrl, {}));
    authed.push(await load(resource, { authorization: `Bearer ${token}` }));
  }
} finally {
  await authedServer.stop();
  await anchorServer.stop();
}
const fetches = idp.jwksFetches() - fetchesBefore;
const med = (runs, pick) => median(runs.map(pick));
console.log(`${'rounds, req/s (valid token | auth off)'.padEnd(46)} ${authed.map((r, i) => `${r.requests.average.toFixed(0)} | ${anchor[i].requests.average.toFixed(0)}`).join(', ')}`);
report('req/s, valid token vs auth off (medians)', med(authed, (r) => r.requests.average), med(anchor, (r) => r.requests.average), 'req/s', (ratio) => ratio >= 0.95);
console.log(`${'p50 / p99 latency, valid token'.padEnd(46)} ${med(authed, (r) => r.latency.p50)} / ${med(authed, (r) => r.latency.p99)} ms (auth off: ${med(anchor, (r) => r.latency.p50)} / ${med(anchor, (r) => r.latency.p99)} ms)`);
console.log(`${'JWKS fetches over the whole run'.padEnd(46)} ${fetches} (goal: exactly 1, at start)${fetches === 1 ? '  ✔ goal met' : '  ✖ goal missed'}`);
idp.close();
