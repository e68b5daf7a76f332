// CLI start-up: `--version` and `--help` wall time of the packed, installed CLI vs create-vite's,
// both installed into fresh folders the way `npx` runs them. Goal: ≤ 1.5× create-vite.
// create-vite has no --version flag (it scaffolds a project instead), so its --help, its quickest
// print-and-exit path, is the anchor for both.
import path from 'node:path';
import { installInto, packOurs, report, tempDir, time } from './lib.mjs';

const ours = installInto([packOurs()]);
const vite = installInto(['create-vite@latest']);
const bin = (dir, name) => path.join(dir, 'node_modules', '.bin', name);
const cwd = tempDir();

console.log(`CLI start-up on Node ${process.version} (median of 15 runs after 3 warm-ups)`);
const goal = (ratio) => ratio <= 1.5;
const node = process.execPath;
const anchor = await time(node, [bin(vite, 'create-vite'), '--help'], { cwd });
report('--version (vs create-vite --help)', await time(node, [bin(ours, 'create-fastapps'), '--version'], { cwd }), anchor, 'ms', goal);
report('--help (vs create-vite --help)', await time(node, [bin(ours, 'create-fastapps'), '--help'], { cwd }), anchor, 'ms', goal);
