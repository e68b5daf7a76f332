// The façade sign-in's cost on the tool-call path: requests per second for a protected tool call
// (whoami) with a valid token on the same generated project started twice, OAUTH_SIGN_IN=facade
// against OAUTH_SIGN_IN=direct (the anchor), in rounds of the same run whose order is swapped
// every round, reported as the ratio of the medians and the median of the per-round ratios; and the
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
// The sign-in line is logged just after "listening", possibly in a later chunk.
for (let wait = 0; wait < 40 && !facade.output().includes('sign-in: facade'); wait++) await new Promise((resolve) => setTimeout(resolve, 50));
if (!facade.output().includes('sign-in: facade')) throw new Error(`the façade server did not start in façade sign-in:\n${facade.output()}`);
const prm = await (await fetch(`http://127.0.0.1:${facadePort}/.well-known/oauth-protected-resource/mcp`)).json();
if (prm.authorization_servers[0] !== `http://127.0.0.1:${facadePort}`) throw new Error(`the façade server names ${prm.authorization_servers[0]}`);

// Rounds in swapped order (direct first in even rounds, façade first in odd ones): whichever runs
// second in a round gets a warmer machine, and a fixed order turns that drift into a ratio.
const rounds = 4;
console.log(`Protected tool call (whoami) over loopback, 10 connections, ${rounds} rounds of ${seconds} s (2 s warm-up each), the order swapped every round`);
const withFacade = [];
const withDirect = [];
const providerRequests = [];
try {
  for (let round = 0; round < rounds; round++) {
    const measureDirect = async () => withDirect.push(await loadToolCalls(directUrl, seconds, { authorization: `Bearer ${token}` }));
    const measureFacade = async () => {
      const before = idp.requests();
      withFacade.push(await loadToolCalls(facadeUrl, seconds, { authorization: `Bearer ${token}` }));
      providerRequests.push(idp.requests() - before);
    };
    if (round % 2 === 0) (await measureDirect(), await measureFacade());
    else (await measureFacade(), await measureDirect());
  }
} finally {
  await direct.stop();
  await facade.stop();
}
const med = (runs) => median(runs.map((r) => r.requests.average));
const ratios = withFacade.map((r, i) => r.requests.average / withDirect[i].requests.average);
console.log(`${'rounds, req/s (facade | direct), first ran'.padEnd(46)} ${withFacade.map((r, i) => `${r.requests.average.toFixed(0)} | ${withDirect[i].requests.average.toFixed(0)} (${i % 2 === 0 ? 'direct' : 'facade'})`).join(', ')}`);
report('req/s, facade vs direct sign-in (medians)', med(withFacade), med(withDirect), 'req/s', (ratio) => ratio >= 0.97);
// Each round's two figures were measured seconds apart: their ratio is less exposed to a
// machine whose load changes over the run than the ratio of two medians.
const ratio = median(ratios);
console.log(`${'per-round ratios, facade / direct'.padEnd(46)} ${ratios.map((r) => r.toFixed(2)).join(', ')}: median ${ratio.toFixed(2)}${ratio >= 0.97 ? '  ✔ goal met' : '  ✖ goal missed'}`);
const total = providerRequests.reduce((a, b) => a + b, 0);
console.log(`${'provider requests during the facade load'.padEnd(46)} ${total} over ${withFacade.reduce((a, r) => a + r.requests.total, 0)} tool calls (goal: 0)${total === 0 ? '  ✔ goal met' : '  ✖ goal missed'}`);
idp.close();
