// Non-interactive scaffold with --no-install: ours against a local issuer (so the issuer check
// runs for real over loopback) vs create-vite's scaffold of its vanilla-ts template.
import { createServer } from 'node:http';
import path from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import { installInto, packOurs, report, tempDir, time } from './lib.mjs';

const { publicKey } = await generateKeyPair('RS256');
const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'RS256', use: 'sig' };
let issuer = '';
const server = createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  if (req.url === '/jwks') return res.end(JSON.stringify({ keys: [jwk] }));
  if (req.url.includes('/.well-known/')) {
    return res.end(JSON.stringify({ issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`, jwks_uri: `${new URL(issuer).origin}/jwks`, response_types_supported: ['code'], code_challenge_methods_supported: ['S256'], registration_endpoint: `${issuer}/register`, token_endpoint_auth_methods_supported: ['none'] }));
  }
  res.statusCode = 404;
  res.end('{}');
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
issuer = `http://127.0.0.1:${server.address().port}/realms/bench`;

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
server.close();
