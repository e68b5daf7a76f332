// doctor's wall time vs the slowest single request it makes. The issuer answers each of its three
// discovery URLs after 1 s (independent requests: 3 s if made one after another) and its JWKS at
// once; doctor should take about one slow request plus its own start-up. Goal: ≤ 1.2×.
import path from 'node:path';
import { installInto, median, packOurs, report, startIssuer, tempDir, time } from './lib.mjs';

const DELAY_MS = 1000;
const idp = await startIssuer({ discoveryDelayMs: DELAY_MS });
const { issuer } = idp;

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
idp.setDiscoveryDelay(0);
const overheadMs = await time(process.execPath, [ours, 'doctor', issuer, '--json'], settings);

console.log(`doctor <issuer> on Node ${process.version}: three discovery URLs answering after ${DELAY_MS} ms each (median of 7 runs)`);
report('doctor wall time vs its slowest request', doctorMs, slowestMs, 'ms', (ratio) => ratio <= 1.2);
console.log(`${'doctor against an issuer answering at once'.padEnd(46)} ${overheadMs.toFixed(0).padStart(9)} ms    (process start-up and checks)`);
console.log(`${'(the same requests one after another'.padEnd(46)} ≥ ${3 * DELAY_MS} ms)`);
idp.close();
