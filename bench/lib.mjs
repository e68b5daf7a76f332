// Shared by the benchmarks: temp folders, installing the anchor (create-vite) and our packed CLI
// the way users get them, timing commands, and printing a figure with its ratio.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { exportJWK, generateKeyPair } from 'jose';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = fileURLToPath(new URL('..', import.meta.url));

export function tempDir(prefix = 'fastapps-bench-') {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export function sh(command, args, options = {}) {
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

/** Like `sh`, but asynchronous: servers in this process (a local issuer) keep answering. */
export async function run(command, args, options = {}) {
  const { stdout } = await promisify(execFile)(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  return stdout;
}

/** Builds and packs this CLI; returns the tarball path. */
export function packOurs() {
  sh('node', ['scripts/build.mjs'], { cwd: repo });
  const out = tempDir('fastapps-pack-');
  const name = sh('npm', ['pack', '--pack-destination', out, '--silent'], { cwd: repo }).trim().split('\n').pop();
  return path.join(out, name);
}

/** Installs packages into a fresh folder, as `npx` would; returns the folder. */
export function installInto(specs) {
  const dir = tempDir('fastapps-install-');
  sh('npm', ['init', '-y'], { cwd: dir });
  sh('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', ...specs], { cwd: dir });
  return dir;
}

/** Packages and bytes under node_modules. */
export function footprint(dir) {
  let packages = 0;
  let bytes = 0;
  const walk = (folder) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) bytes += statSync(full).size;
    }
  };
  const modules = path.join(dir, 'node_modules');
  for (const entry of readdirSync(modules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === '.bin' || entry.name.startsWith('.')) continue;
    if (entry.name.startsWith('@')) packages += readdirSync(path.join(modules, entry.name)).length;
    else packages += 1;
  }
  walk(modules);
  return { packages, bytes };
}

/**
 * Runs a command `runs` times (after `warmup` runs); resolves with the median wall time in ms.
 * Asynchronous, so servers in this process (a local issuer) keep answering meanwhile.
 */
export async function time(command, args, { runs = 15, warmup = 3, cwd, env } = {}) {
  const samples = [];
  for (let i = 0; i < warmup + runs; i++) {
    const started = process.hrtime.bigint();
    const status = await new Promise((resolve, reject) => {
      const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: 'ignore' });
      child.on('error', reject);
      child.on('exit', resolve);
    });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${status}`);
    if (i >= warmup) samples.push(ms);
  }
  return median(samples);
}

/**
 * Like `time`, for several commands at once, run in turn (one run of each, then the next round), so
 * a machine that slows down or speeds up during the run weighs on every command alike. Resolves
 * with the median wall time of each, in ms, in the order given.
 */
export async function timeInTurns(commands, { runs = 15, warmup = 3, cwd, env } = {}) {
  const samples = commands.map(() => []);
  for (let i = 0; i < warmup + runs; i++) {
    for (const [index, [command, args]] of commands.entries()) {
      const started = process.hrtime.bigint();
      const status = await new Promise((resolve, reject) => {
        const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: 'ignore' });
        child.on('error', reject);
        child.on('exit', resolve);
      });
      if (status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${status}`);
      if (i >= warmup) samples[index].push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  }
  return samples.map(median);
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** One line per figure: ours, the anchor, the ratio and the goal. */
export function report(label, ours, anchor, unit, goal) {
  const ratio = ours / anchor;
  const verdict = goal === undefined ? '' : goal(ratio, ours) ? '  ✔ goal met' : '  ✖ goal missed';
  const fmt = (value) => (unit === 'MB' ? (value / 1e6).toFixed(2) : unit === 'ms' ? value.toFixed(value < 10 ? 2 : 0) : value.toFixed(unit === 'req/s' ? 0 : 2));
  console.log(`${label.padEnd(46)} ${fmt(ours).padStart(9)} ${unit.padEnd(6)} vs ${fmt(anchor).padStart(9)} ${unit.padEnd(6)} ratio ${ratio.toFixed(2)}${verdict}`);
  return ratio;
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve) => {
    const probe = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * A local RS256 issuer (`http://127.0.0.1:<port>/realms/bench`): its discovery document at every
 * well-known URL, answered after `discoveryDelayMs` (changeable later), and its JWKS, counted.
 */
export async function startIssuer({ discoveryDelayMs = 0 } = {}) {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'RS256', use: 'sig' };
  const state = { issuer: '', jwksFetches: 0, requests: 0, discoveryDelayMs };
  const server = createServer((req, res) => {
    state.requests += 1;
    res.setHeader('content-type', 'application/json');
    if (req.url === '/jwks') {
      state.jwksFetches += 1;
      return res.end(JSON.stringify({ keys: [jwk] }));
    }
    if (req.url.includes('/.well-known/')) {
      const { issuer } = state;
      const body = JSON.stringify({ issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`, jwks_uri: `${new URL(issuer).origin}/jwks`, response_types_supported: ['code'], grant_types_supported: ['authorization_code', 'refresh_token'], code_challenge_methods_supported: ['S256'], registration_endpoint: `${issuer}/register`, token_endpoint_auth_methods_supported: ['none', 'client_secret_basic'] });
      return void setTimeout(() => res.end(body), state.discoveryDelayMs);
    }
    res.statusCode = 404;
    res.end('{}');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.issuer = `http://127.0.0.1:${server.address().port}/realms/bench`;
  return {
    issuer: state.issuer,
    privateKey,
    jwksFetches: () => state.jwksFetches,
    /** Every request this issuer received (discovery, keys, anything else). */
    requests: () => state.requests,
    setDiscoveryDelay: (ms) => void (state.discoveryDelayMs = ms),
    close: () => server.close(),
  };
}

/** `[command, args]` pinned to one CPU with taskset when the machine has it (server and load apart). */
export function pinned(cpu, command, args) {
  return existsSync('/usr/bin/taskset') ? ['taskset', ['-c', String(cpu), command, ...args]] : [command, args];
}

/**
 * Starts `node <args>` in a built generated project, pinned to CPU 0; resolves once it listens,
 * with `output()` and `stop(signal)`.
 */
export async function startProjectServer(dir, args, env = {}) {
  const [command, commandArgs] = pinned(0, 'node', args);
  const child = spawn(command, commandArgs, { cwd: dir, env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise((resolve) => child.on('exit', resolve));
  await new Promise((resolve, reject) => {
    const onData = (chunk) => {
      output += chunk;
      if (output.includes('MCP server listening')) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${output}`)));
    setTimeout(() => reject(new Error(`${args.join(' ')} did not start: ${output}`)), 20_000);
  }).catch((error) => {
    child.kill('SIGKILL');
    throw error;
  });
  return {
    output: () => output,
    async stop(signal = 'SIGTERM') {
      child.kill(signal);
      await exited;
    },
  };
}

/**
 * Protected tool calls (whoami) against `url` with autocannon, pinned to CPU 1: 10 connections,
 * `seconds` plus a 2 s warm-up; throws on any failed request. Resolves with autocannon's result.
 */
export async function loadToolCalls(url, seconds, headers = {}, { connections = 10, cpu = 1 } = {}) {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } });
  const args = ['-c', String(connections), '-d', String(seconds), '-w', '2', '-j', '-m', 'POST', '-b', body, '-H', 'content-type=application/json', '-H', 'accept=application/json, text/event-stream', '-H', 'mcp-protocol-version=2025-06-18'];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}=${value}`);
  const [command, commandArgs] = pinned(cpu, process.execPath, [path.join(repo, 'node_modules', 'autocannon', 'autocannon.js'), ...args, url]);
  const result = JSON.parse(await run(command, commandArgs));
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0) throw new Error(`${bad} failed requests (non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts})`);
  return result;
}
