// CLI start-up: `--version` and `--help` wall time of the packed, installed CLI vs create-vite's,
// both installed into fresh folders the way `npx` runs them. Goal: ≤ 1.5× create-vite.
import path from 'node:path';
import { installInto, packOurs, report, time } from './lib.mjs';

const ours = installInto([packOurs()]);
const vite = installInto(['create-vite@latest']);
const bin = (dir, name) => path.join(dir, 'node_modules', '.bin', name);

console.log('CLI start-up (median of 15 runs after 3 warm-ups)');
const goal = (ratio) => ratio <= 1.5;
report('--version', await time(bin(ours, 'create-fastapps'), ['--version']), await time(bin(vite, 'create-vite'), ['--version']), 'ms', goal);
report('--help', await time(bin(ours, 'create-fastapps'), ['--help']), await time(bin(vite, 'create-vite'), ['--help']), 'ms', goal);
