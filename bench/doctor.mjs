// doctor's wall time vs the slowest single request it makes. The issuer answers each of its three
// discovery URLs after 1 s (independent requests: 3 s if made one after another) and its JWKS at
// once; doctor should take about one slow request plus its own start-up. Goal: ≤ 1.2×.
import { createServer } from 'node:http';
import path from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import { installInto, median, packOurs, report, tempDir, time } from './lib.mjs';

const DELAY_MS = 1000;
const { publicKey } = await generateKeyPair('RS256');
const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'RS256', use: 'sig' };
let issuer = '';
let fast = false;
const server = createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  if (req.url === '/jwks') return res.end(JSON.stringify({ keys: [jwk] }));
  if (req.url.includes('/.well-known/')) {
    const body = JSON.stringify({ issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`, jwks_uri: `${new URL(issuer).origin}/jwks`, response_types_supported: ['code'], code_challenge_methods_supported: ['S256'], registration_endpoint: `${issuer}/register`, token_endpoint_auth_methods_supported: ['none'], grant_types_supported: ['authorization_code', 'refresh_token'] });
    return void setTimeout(() => res.end(body), fast ? 0 : DELAY_MS);
  }
  res.statusCode = 404;
  res.end('{}');
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
issuer = `http://127.0.0.1:${server.address().port}/realms/bench`;

const ours = path.join(installInto([packOurs()]), 'node_modules', '.bin', 'create-fastapps');
const cwd = tempDir();
const settings = { cwd, runs: 7, warmup: 1 };
const doctorMs = await time(process.execPath, [ours, 'doctor', issuer, '--json'], settings);
// The anchor is the slow request alone, timed in this process (no process start-up in it).
const samples = [];
for (let i = 0; i < 7; i++) {
  const started = performance.now();
  await (await fetch(`${issuer}/.well-known/openid-configuration`)).text();
  samples.push(performance.now() - started);
}
const slowestMs = median(samples);
// What doctor costs besides waiting: the same command against an issuer that answers at once.
fast = true;
const overheadMs = await time(process.execPath, [ours, 'doctor', issuer, '--json'], settings);

console.log(`doctor <issuer> on Node ${process.version}: three discovery URLs answering after ${DELAY_MS} ms each (median of 7 runs)`);
report('doctor wall time vs its slowest request', doctorMs, slowestMs, 'ms', (ratio) => ratio <= 1.2);
console.log(`${'doctor against an issuer answering at once'.padEnd(46)} ${overheadMs.toFixed(0).padStart(9)} ms    (process start-up and checks)`);
console.log(`${'(the same requests one after another'.padEnd(46)} ≥ ${3 * DELAY_MS} ms)`);
server.close();
