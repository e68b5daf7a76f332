// What `npx create-fastapps` downloads: the packed CLI installed into an empty folder, package
// count and bytes, vs create-vite. Goal: 1 package, ≤ 3 MB.
import { footprint, installInto, packOurs, report } from './lib.mjs';

const ours = footprint(installInto([packOurs()]));
const vite = footprint(installInto(['create-vite@latest']));
console.log('Install footprint (packed tarball into an empty folder)');
report('packages', ours.packages, vite.packages, 'pkgs', (_ratio, value) => value === 1);
report('size on disk', ours.bytes, vite.bytes, 'MB', (_ratio, value) => value <= 3e6);
