#!/usr/bin/env node
// Thin shim: refuse old Node with a clear message before any modern syntax is parsed,
// then hand over to the bundled CLI.
// 20.12: AbortSignal.any, process.loadEnvFile in generated projects.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 12)) {
  console.error(
    `create-fastapps needs Node.js 20.12 or newer; this is ${process.version}. Install Node 22 LTS from https://nodejs.org and run the command again.`,
  );
  process.exit(1);
}
import('../dist/cli.js').then(async (cli) => {
  const code = await cli.main(process.argv);
  // Let pending output drain, then leave with the command's code (open handles must not keep us alive).
  process.exitCode = code;
  setImmediate(() => process.exit(code));
});
