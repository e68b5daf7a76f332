// The broker sign-in's cost. One generated project (create --sign-in broker), started in broker
// sign-in on a real redis-server and, as the anchor, in direct sign-in, in the same run:
// 1. a protected tool call (whoami) with a broker token vs the same call with a provider token in
//    direct sign-in, alternating rounds (goal ≥ 0.95×);
// 2. sign-in steps (registration, authorization request → consent page) against a Redis PING
//    round trip measured beside them (goal: within a few ms of their store round trips);
// 3. 50 connections × 20 s of tool calls split over two broker instances: zero 5xx and no Redis
//    command while under load.
// Usage: node bench/broker-throughput.mjs [seconds=8]
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair, SignJWT } from 'jose';
import { freePort, loadToolCalls, median, repo, report, run, sh, startIssuer, startProjectServer, tempDir } from './lib.mjs';

const seconds = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 8);

/** A real redis-server on a free port, without persistence. */
async function startRedis() {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const command = (...args) =>
    new Promise((resolve, reject) => {
      const socket = createConnection(port, '127.0.0.1');
      let reply = '';
      socket.on('data', (chunk) => {
        reply += chunk;
        if (reply.endsWith('\r\n')) (socket.end(), resolve(reply));
      });
      socket.on('error', reject);
      socket.write(`*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`);
    });
  for (let attempt = 0; ; attempt++) {
    try {
      if ((await command('PING')).startsWith('+PONG')) break;
    } catch (error) {
      if (attempt > 100) throw new Error(`redis-server did not start (is it installed? apt-get install redis-server): ${error.message}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const info = async () => Number(/total_commands_processed:(\d+)/.exec(await command('INFO', 'stats'))[1]);
  return { url: `redis://127.0.0.1:${port}`, command, info, stop: () => child.kill('SIGKILL') };
}

const idp = await startIssuer();
const redis = await startRedis();
const origin = `http://127.0.0.1:${await freePort()}`;
const resource = `${origin}/mcp`;
const ports = { direct: await freePort(), a: await freePort(), b: await freePort() };

console.log('Preparing a generated project (create --sign-in broker, install, build)…');
sh('node', ['scripts/build.mjs'], { cwd: repo });
const dir = path.join(tempDir(), 'bench-broker');
await run('node', [path.join(repo, 'bin', 'create-fastapps.js'), dir, '--provider', 'oidc', '--issuer', idp.issuer, '--sign-in', 'broker', '--broker-client-id', 'bench-broker', '--resource', resource, '--audience', 'bench-api', '--no-git', '--pm', 'npm'], {
  env: { ...process.env, CI: '1', OAUTH_BROKER_CLIENT_SECRET: 'bench-secret' },
});
sh('npm', ['run', 'build', '--silent'], { cwd: dir });

// The broker signs with a key the bench knows, so it can hold a token exactly like one the broker issues.
const { privateKey: brokerKey } = await generateKeyPair('ES256', { extractable: true });
const signingKey = await exportPKCS8(brokerKey);
// The broker names a PEM key by its JWK thumbprint (RFC 7638).
const { kty, crv, x, y } = await exportJWK(brokerKey);
const kid = await calculateJwkThumbprint({ kty, crv, x, y });
const brokerToken = await new SignJWT({ scope: 'mcp:tools', client_id: 'bench-host', name: 'Bench User' })
  .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid })
  .setIssuer(origin)
  .setAudience(resource)
  .setSubject('bench-user')
  .setIssuedAt()
  .setExpirationTime('1h')
  .sign(brokerKey);
const providerToken = await new SignJWT({ scope: 'openid mcp:tools', client_id: 'bench' })
  .setProtectedHeader({ alg: 'RS256', kid: 'bench' })
  .setIssuer(idp.issuer)
  .setAudience('bench-api')
  .setSubject('bench-user')
  .setIssuedAt()
  .setExpirationTime('2h')
  .sign(idp.privateKey);

const brokerEnv = (port) => ({ PORT: String(port), MCP_RESOURCE_URL: resource, OAUTH_SIGN_IN: 'broker', OAUTH_BROKER_STORE: redis.url, OAUTH_BROKER_SIGNING_KEY: signingKey });
const direct = await startProjectServer(dir, ['dist/index.js'], { PORT: String(ports.direct), MCP_RESOURCE_URL: resource, OAUTH_SIGN_IN: 'direct' });
const a = await startProjectServer(dir, ['dist/index.js'], brokerEnv(ports.a));
const b = await startProjectServer(dir, ['dist/index.js'], brokerEnv(ports.b));
if (!a.output().includes('sign-in: broker')) throw new Error(`the broker server did not start in broker sign-in:\n${a.output()}`);

const url = (port) => `http://127.0.0.1:${port}/mcp`;
try {
  // 1. Tool-call throughput, broker vs direct.
  const rounds = 4;
  console.log(`Protected tool call (whoami) over loopback, 10 connections, ${rounds} rounds of ${seconds} s (2 s warm-up each), the order swapped every round`);
  const withBroker = [];
  const withDirect = [];
  for (let round = 0; round < rounds; round++) {
    const measureDirect = async () => withDirect.push(await loadToolCalls(url(ports.direct), seconds, { authorization: `Bearer ${providerToken}` }));
    const measureBroker = async () => withBroker.push(await loadToolCalls(url(ports.a), seconds, { authorization: `Bearer ${brokerToken}` }));
    if (round % 2 === 0) (await measureDirect(), await measureBroker());
    else (await measureBroker(), await measureDirect());
  }
  const med = (runs) => median(runs.map((r) => r.requests.average));
  console.log(`${'rounds, req/s (broker | direct)'.padEnd(46)} ${withBroker.map((r, i) => `${r.requests.average.toFixed(0)} | ${withDirect[i].requests.average.toFixed(0)}`).join(', ')}`);
  report('req/s, broker vs direct sign-in (medians)', med(withBroker), med(withDirect), 'req/s', (ratio) => ratio >= 0.95);

  // 2. Sign-in steps against the store's own round trip.
  const timed = async (fn, runs = 200) => {
    const samples = [];
    for (let i = 0; i < runs; i++) {
      const started = process.hrtime.bigint();
      await fn(i);
      samples.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    return median(samples);
  };
  const ping = await timed(() => redis.command('PING'));
  /** A step's median time, and the Redis commands one step sends (counted over all runs). */
  const step = async (fn) => {
    const before = await redis.info();
    const ms = await timed(fn);
    return { ms, commands: ((await redis.info()) - before - 1) / 200 };
  };
  const clientIds = [];
  const registration = await step(async () => {
    const response = await fetch(`http://127.0.0.1:${ports.a}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_name: 'Bench host', redirect_uris: ['https://chatgpt.com/connector/oauth/bench'], token_endpoint_auth_method: 'none' }) });
    if (response.status !== 201) throw new Error(`registration answered ${response.status}`);
    clientIds.push((await response.json()).client_id);
  });
  const authorize = await step(async (i) => {
    const verifier = randomBytes(32).toString('base64url');
    const query = new URLSearchParams({ response_type: 'code', client_id: clientIds[i % clientIds.length], redirect_uri: 'https://chatgpt.com/connector/oauth/bench', state: 's', code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256', resource });
    const response = await fetch(`http://127.0.0.1:${ports.b}/oauth/authorize?${query}`, { redirect: 'manual' });
    if (response.status !== 303) throw new Error(`authorize answered ${response.status}`);
    await response.arrayBuffer();
  });
  console.log(`${'Redis PING round trip (median of 200)'.padEnd(46)} ${ping.toFixed(2).padStart(9)} ms`);
  // The anchor: the same number of sequential store round trips as the step sends.
  for (const [label, measured] of [['registration (DCR)', registration], ['authorization request → consent page', authorize]]) {
    const storeTime = measured.commands * ping;
    report(`${label}, ${measured.commands.toFixed(1)} Redis commands`.slice(0, 46), measured.ms, storeTime, 'ms', (_ratio, ours) => ours - storeTime < 5);
  }

  // 3. Two instances under 50 connections for 20 s: no 5xx, no store access per call.
  const before = await redis.info();
  const [onA, onB] = await Promise.all([
    loadToolCalls(url(ports.a), 20, { authorization: `Bearer ${brokerToken}` }, { connections: 25, cpu: 1 }),
    loadToolCalls(url(ports.b), 20, { authorization: `Bearer ${brokerToken}` }, { connections: 25, cpu: 1 }),
  ]);
  // One INFO is the reading itself.
  const commands = (await redis.info()) - before - 1;
  const calls = onA.requests.total + onB.requests.total;
  const fivexx = onA['5xx'] + onB['5xx'];
  console.log(`${'50 connections × 20 s over two instances'.padEnd(46)} ${calls} tool calls, ${fivexx} 5xx, ${commands} Redis commands (goal: 0 and 0)${fivexx === 0 && commands === 0 ? '  ✔ goal met' : '  ✖ goal missed'}`);
} finally {
  await Promise.all([direct.stop(), a.stop(), b.stop()]);
  redis.stop();
  idp.close();
}
