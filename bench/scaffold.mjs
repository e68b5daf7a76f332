// Non-interactive scaffold with --no-install: ours against a local issuer (so the issuer check
// runs for real over loopback) vs create-vite's scaffold of its vanilla-ts template.
import path from 'node:path';
import { installInto, packOurs, report, startIssuer, tempDir, time } from './lib.mjs';

const idp = await startIssuer();
const { issuer } = idp;

const ours = installInto([packOurs()]);
const vite = installInto(['create-vite@latest']);
const work = tempDir();

// Each run must start from an empty target, so time() is given a shell that removes it first.
const runOurs = ['-c', `rm -rf app && ${process.execPath} ${path.join(ours, 'node_modules', '.bin', 'create-fastapps')} app --provider oidc --issuer ${issuer} --no-install --no-git`];
const runVite = ['-c', `rm -rf app && ${process.execPath} ${path.join(vite, 'node_modules', '.bin', 'create-vite')} app --template vanilla-ts --no-interactive --no-immediate`];
const baseline = ['-c', 'rm -rf app'];

console.log(`Non-interactive scaffold on Node ${process.version}, --no-install (median of 10 runs after 2 warm-ups; the rm -rf is subtracted)`);
const settings = { cwd: work, runs: 10, warmup: 2 };
const rm = await time('sh', baseline, settings);
const oursMs = (await time('sh', runOurs, settings)) - rm;
const viteMs = (await time('sh', runVite, settings)) - rm;
report('scaffold (ours checks the issuer over loopback)', oursMs, viteMs, 'ms');
idp.close();
