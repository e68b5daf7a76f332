// Non-interactive scaffold with --no-install: ours against a local issuer (so the issuer check
// runs for real over loopback) vs create-vite's scaffold of its vanilla-ts template. Then the same
// scaffold with the issuer answering discovery 100 ms late, as a real one far away does: create
// loads and plans the project while the check waits, so less than those 100 ms is added.
import path from 'node:path';
import { installInto, packOurs, report, startIssuer, tempDir, timeInTurns } from './lib.mjs';

const idp = await startIssuer();
const { issuer } = idp;
const far = await startIssuer({ discoveryDelayMs: 100 });

const ours = installInto([packOurs()]);
const vite = installInto(['create-vite@latest']);
const work = tempDir();

// Each run must start from an empty target, so a shell removes it first (and that is subtracted).
const oursAt = (at) => ['sh', ['-c', `rm -rf app && ${process.execPath} ${path.join(ours, 'node_modules', '.bin', 'create-fastapps')} app --provider oidc --issuer ${at} --no-install --no-git`]];
const runVite = ['sh', ['-c', `rm -rf app && ${process.execPath} ${path.join(vite, 'node_modules', '.bin', 'create-vite')} app --template vanilla-ts --no-interactive --no-immediate`]];
const baseline = ['sh', ['-c', 'rm -rf app']];

console.log(`Non-interactive scaffold on Node ${process.version}, --no-install (median of 15 runs after 3 warm-ups, the commands in turn; the rm -rf is subtracted)`);
const [rm, oursMs, viteMs, farMs] = await timeInTurns([baseline, oursAt(issuer), runVite, oursAt(far.issuer)], { cwd: work });
report('scaffold (ours checks the issuer over loopback)', oursMs - rm, viteMs - rm, 'ms', (ratio) => ratio <= 1.2);
report('time added by an issuer 100 ms away, vs 100 ms', farMs - oursMs, 100, 'ms', (ratio) => ratio < 1);
idp.close();
far.close();
