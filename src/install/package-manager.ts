import type { PackageManager } from '../options/answers.js';

export const packageManagers: PackageManager[] = ['npm', 'pnpm', 'yarn', 'bun'];

/** The package manager that ran us, from the first token of `npm_config_user_agent` (e.g. `pnpm/9.1.0 npm/? node/v22`). */
export function detectPackageManager(userAgent = process.env.npm_config_user_agent): PackageManager {
  const name = userAgent?.split(' ')[0]?.split('/')[0];
  return packageManagers.includes(name as PackageManager) ? (name as PackageManager) : 'npm';
}

/** `npm run dev` / `pnpm dev` / `yarn dev` / `bun run dev`. */
export function runCommand(pm: PackageManager, script: string): string {
  if (pm === 'npm' || pm === 'bun') return `${pm} run ${script}`;
  return `${pm} ${script}`;
}

export function installCommand(pm: PackageManager): string {
  return pm === 'yarn' ? 'yarn' : `${pm} install`;
}
