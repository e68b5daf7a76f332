// Non-interactive scaffold with --no-install: ours against a local issuer (so the issuer check
// runs for real over loopback) vs create-vite's scaffold of its vanilla-ts template. Then the same
// scaffold with the issuer answering discovery 100 ms late, as a real one far away does: create
// loads and plans the project while the check waits, so less than those 100 ms is added.
// Two more figures say where the goal stands: the scaffold without the check, and the check's four
// requests made by a bare Node script (bench/support/issuer-requests.cjs), over an empty Node,
// against what 1.2x create-vite leaves above create-vite.
import path from 'node:path';
import { installInto, packOurs, repo, report, startIssuer, tempDir, timeInTurns } from './lib.mjs';

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
const unchecked = ['sh', ['-c', `${oursAt(issuer)[1][1]} --skip-issuer-check`]];
const bareRequests = ['sh', ['-c', `${process.execPath} ${path.join(repo, 'bench', 'support', 'issuer-requests.cjs')} ${issuer}`]];
const emptyNode = ['sh', ['-c', `${process.execPath} -e 0`]];

console.log(`Non-interactive scaffold on Node ${process.version}, --no-install (median of 15 runs after 3 warm-ups, the commands in turn; the rm -rf is subtracted)`);
const [rm, oursMs, viteMs, farMs, uncheckedMs, bareMs, emptyMs] = await timeInTurns([baseline, oursAt(issuer), runVite, oursAt(far.issuer), unchecked, bareRequests, emptyNode], { cwd: work });
report('scaffold (ours checks the issuer over loopback)', oursMs - rm, viteMs - rm, 'ms', (ratio) => ratio <= 1.2);
report('time added by an issuer 100 ms away, vs 100 ms', farMs - oursMs, 100, 'ms', (ratio) => ratio < 1);
report('scaffold without the check (--skip-issuer-check)', uncheckedMs - rm, viteMs - rm, 'ms');
report("the check's requests alone (bare Node) vs 1.2x's room", bareMs - emptyMs, 0.2 * (viteMs - rm), 'ms');
idp.close();
far.close();
