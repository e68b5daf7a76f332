// The façade sign-in's cost on the tool-call path: requests per second for a protected tool call
// (whoami) with a valid token on the same generated project started twice, OAUTH_SIGN_IN=facade
// against OAUTH_SIGN_IN=direct (the anchor), in alternating rounds of the same run; and the
// requests the façade server sends to the provider while under load (the façade only changes the
// metadata hosts read at sign-in, so: none). Goals: ≥ 0.97× and 0 requests.
// Usage: node bench/facade-throughput.mjs [seconds=8]
import path from 'node:path';
import { SignJWT } from 'jose';
import { freePort, loadToolCalls, median, repo, report, run, sh, startIssuer, startProjectServer, tempDir } from './lib.mjs';

const seconds = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 8);

const idp = await startIssuer();
const { issuer, privateKey } = idp;
const directPort = await freePort();
const facadePort = await freePort();
const directUrl = `http://127.0.0.1:${directPort}/mcp`;
const facadeUrl = `http://127.0.0.1:${facadePort}/mcp`;

console.log('Preparing a generated project (create --sign-in facade, install, build)…');
sh('node', ['scripts/build.mjs'], { cwd: repo });
const dir = path.join(tempDir(), 'bench-facade');
await run('node', [path.join(repo, 'bin', 'create-fastapps.js'), dir, '--provider', 'oidc', '--issuer', issuer, '--sign-in', 'facade', '--resource', facadeUrl, '--audience', 'bench-api', '--no-git', '--pm', 'npm'], { env: { ...process.env, CI: '1' } });
sh('npm', ['run', 'build', '--silent'], { cwd: dir });

// Both servers accept the same token: the audience does not depend on the URL.
const token = await new SignJWT({ scope: 'openid mcp:tools', client_id: 'bench' })
  .setProtectedHeader({ alg: 'RS256', kid: 'bench' })
  .setIssuer(issuer)
  .setAudience('bench-api')
  .setSubject('bench-user')
  .setIssuedAt()
  .setExpirationTime('2h')
  .sign(privateKey);

const direct = await startProjectServer(dir, ['dist/index.js'], { PORT: String(directPort), MCP_RESOURCE_URL: directUrl, OAUTH_SIGN_IN: 'direct' });
const facade = await startProjectServer(dir, ['dist/index.js'], { PORT: String(facadePort), MCP_RESOURCE_URL: facadeUrl, OAUTH_SIGN_IN: 'facade' });
if (!facade.output().includes('sign-in: facade')) throw new Error('the façade server did not start in façade sign-in');
const prm = await (await fetch(`http://127.0.0.1:${facadePort}/.well-known/oauth-protected-resource/mcp`)).json();
if (prm.authorization_servers[0] !== `http://127.0.0.1:${facadePort}`) throw new Error(`the façade server names ${prm.authorization_servers[0]}`);

const rounds = 3;
console.log(`Protected tool call (whoami) over loopback, 10 connections, ${rounds} alternating rounds of ${seconds} s (2 s warm-up each)`);
const withFacade = [];
const withDirect = [];
const providerRequests = [];
try {
  for (let round = 0; round < rounds; round++) {
    withDirect.push(await loadToolCalls(directUrl, seconds, { authorization: `Bearer ${token}` }));
    const before = idp.requests();
    withFacade.push(await loadToolCalls(facadeUrl, seconds, { authorization: `Bearer ${token}` }));
    providerRequests.push(idp.requests() - before);
  }
} finally {
  await direct.stop();
  await facade.stop();
}
const med = (runs) => median(runs.map((r) => r.requests.average));
console.log(`${'rounds, req/s (facade | direct)'.padEnd(46)} ${withFacade.map((r, i) => `${r.requests.average.toFixed(0)} | ${withDirect[i].requests.average.toFixed(0)}`).join(', ')}`);
report('req/s, facade vs direct sign-in (medians)', med(withFacade), med(withDirect), 'req/s', (ratio) => ratio >= 0.97);
const total = providerRequests.reduce((a, b) => a + b, 0);
console.log(`${'provider requests during the facade load'.padEnd(46)} ${total} over ${withFacade.reduce((a, r) => a + r.requests.total, 0)} tool calls (goal: 0)${total === 0 ? '  ✔ goal met' : '  ✖ goal missed'}`);
idp.close();
