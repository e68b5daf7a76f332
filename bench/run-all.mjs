// Runs every benchmark in turn (npm run bench). Each prints its figures with a ratio against an
// anchor measured in the same run. Run on a quiet machine: the figures are wall-clock.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const scripts = readdirSync(here).filter((name) => name.endsWith('.mjs') && name !== 'run-all.mjs' && name !== 'lib.mjs').sort();
let failed = 0;
for (const script of scripts) {
  console.log(`\n=== ${script}`);
  const result = spawnSync(process.execPath, [script], { cwd: here, stdio: 'inherit' });
  if (result.status !== 0) failed += 1;
}
process.exit(failed > 0 ? 1 : 0);
