/**
 * The test helpers for a broker shared by several instances: a real redis-server
 * (test/helpers/redis.ts) and a round-robin proxy in front of the instances (test/helpers/round-robin.ts).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort } from '../../helpers/generated-server.js';
import { countCommands, decodeReply, encodeCommand, startRedis, type RunningRedis } from '../../helpers/redis.js';
import { programs, skipWithout } from '../../helpers/requires.js';
import { startRoundRobin } from '../../helpers/round-robin.js';

const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise.then((value) => ({ answered: true as const, value })), new Promise<{ answered: false }>((resolve) => setTimeout(() => resolve({ answered: false }), ms))]);

const refuses = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('connect', () => (socket.destroy(), resolve(false)));
    socket.on('error', () => resolve(true));
  });

/** Whether `pid` runs (a zombie, killed but not yet reaped by whoever inherited it, does not). */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true; // no /proc: signal 0 is all there is
  }
};

describe.skipIf(skipWithout(programs.redis, 'the Redis helper tests'))('startRedis', () => {
  let redis: RunningRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  test('answers on 127.0.0.1 at its url, with no persistence', async () => {
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    expect(await redis.command('PING')).toBe('+PONG\r\n');
    expect(decodeReply(await redis.command('CONFIG', 'GET', 'save'))).toEqual(['save', '']);
    expect(decodeReply(await redis.command('CONFIG', 'GET', 'appendonly'))).toEqual(['appendonly', 'no']);
    expect(decodeReply(await redis.command('CONFIG', 'GET', 'bind'))).toEqual(['bind', '127.0.0.1']);
  });

  test('SET then GET returns the value; raw replies and their decoding', async () => {
    expect(await redis.command('SET', 'a', '1')).toBe('+OK\r\n');
    expect(await redis.command('GET', 'a')).toBe('$1\r\n1\r\n');
    expect(await redis.command('GET', 'missing')).toBe('$-1\r\n');
    expect(await redis.command('SET', 'ünï', 'välue with\r\nCRLF')).toBe('+OK\r\n');
    expect(decodeReply(await redis.command('GET', 'ünï'))).toBe('välue with\r\nCRLF');
    expect(decodeReply(await redis.command('DBSIZE'))).toBe(2);
    expect((decodeReply(await redis.command('KEYS', '*')) as string[]).sort()).toEqual(['a', 'ünï']);
    expect(decodeReply(await redis.command('NOSUCHCOMMAND'))).toEqual({ error: expect.stringMatching(/^ERR unknown command/) });
  });

  test('restart keeps the port and loses the data', async () => {
    await redis.command('SET', 'kept?', 'no');
    const pid = redis.pid();
    await redis.restart();
    expect(redis.pid()).not.toBe(pid);
    expect(await redis.command('GET', 'kept?')).toBe('$-1\r\n');
    expect(decodeReply(await redis.command('DBSIZE'))).toBe(0);
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
  });

  test('pause hangs a command (no answer within 300 ms); resume lets it answer', async () => {
    await redis.pause();
    const pending = redis.command('PING');
    expect((await within(pending, 300)).answered).toBe(false);
    await redis.resume();
    expect(await within(pending, 5_000)).toEqual({ answered: true, value: '+PONG\r\n' });
  });

  test('totalCommands increases; countCommands counts only other clients', async () => {
    const before = await redis.totalCommands();
    await redis.command('SET', 'x', '1');
    await redis.command('GET', 'x');
    // INFO does not count itself: the first INFO, SET and GET.
    expect(await redis.totalCommands()).toBe(before + 3);
    expect((await redis.commandStats()).set).toBeGreaterThanOrEqual(1);

    const counter = await countCommands(redis);
    expect(await counter.count()).toBe(0);
    await redis.command('DBSIZE'); // the helper's own: not counted
    expect(await counter.count()).toBe(0);

    // Another client, pipelining three commands on one connection, as a broker's Redis client would.
    const client = net.connect(redis.port, '127.0.0.1');
    await new Promise<void>((resolve) => client.on('connect', resolve));
    let replies = '';
    client.on('data', (chunk) => (replies += chunk.toString()));
    client.write(Buffer.concat([encodeCommand(['SET', 'k', 'v']), encodeCommand(['GET', 'k']), encodeCommand(['DEL', 'k'])]));
    await expect.poll(() => replies).toBe('+OK\r\n$1\r\nv\r\n:1\r\n');
    client.destroy();
    expect(await counter.count()).toBe(3);
    expect(await counter.count()).toBe(3);
  });

  test('stop frees the port and is idempotent', async () => {
    const other = await startRedis();
    const pid = other.pid()!;
    await other.pause(); // a paused server stops too
    await other.stop();
    await other.stop();
    expect(alive(pid)).toBe(false);
    expect(await refuses(other.port)).toBe(true);
    await expect(other.command('PING')).rejects.toThrow(/ECONNREFUSED/);
  });

  test('a server dies with the test process, even one killed with SIGKILL', async () => {
    // Bundle the helper for a plain node child, which starts a server, reports it and is killed.
    const dir = mkdtempSync(join(tmpdir(), 'fastapps-redis-orphan-'));
    try {
      writeFileSync(
        join(dir, 'entry.ts'),
        `import { startRedis } from ${JSON.stringify(fileURLToPath(new URL('../../helpers/redis.ts', import.meta.url)))};
const redis = await startRedis();
await redis.pause();
console.log(JSON.stringify({ pid: redis.pid(), port: redis.port, dir: redis.dir }));
setInterval(() => undefined, 1000);
`,
      );
      await build({ entryPoints: [join(dir, 'entry.ts')], outfile: join(dir, 'entry.mjs'), bundle: true, platform: 'node', format: 'esm', logLevel: 'silent' });
      const child = spawn(process.execPath, [join(dir, 'entry.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk) => {
          out += chunk.toString();
          if (out.includes('\n')) resolve(out.trim());
        });
        child.on('exit', (code) => reject(new Error(`child exited (${code}) before starting redis`)));
      });
      const { pid, port, dir: redisDir } = JSON.parse(line) as { pid: number; port: number; dir: string };
      expect(alive(pid)).toBe(true);
      child.kill('SIGKILL');
      await expect.poll(() => alive(pid), { timeout: 5_000 }).toBe(false);
      expect(await refuses(port)).toBe(true);
      await expect.poll(() => existsSync(redisDir)).toBe(false);
      // And with one that exits normally.
      const quitting = spawn(process.execPath, ['-e', `import(${JSON.stringify(join(dir, 'entry.mjs'))}).then(() => setTimeout(() => process.exit(0), 50))`], { stdio: ['ignore', 'pipe', 'inherit'] });
      const second = await new Promise<string>((resolve) => {
        let out = '';
        quitting.stdout.on('data', (chunk) => (out += chunk.toString()));
        quitting.on('exit', () => resolve(out.trim()));
      });
      const started = JSON.parse(second) as { pid: number; dir: string };
      await expect.poll(() => alive(started.pid), { timeout: 5_000 }).toBe(false);
      await expect.poll(() => existsSync(started.dir)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A tiny instance: names itself, sets two cookies, echoes POST bodies as they arrive, reports what it saw. */
async function instance(name: string) {
  const server = http.createServer((req, res) => {
    if (req.method === 'POST') {
      res.writeHead(200, { 'content-type': 'text/plain', 'x-instance': name });
      req.pipe(res); // echo, chunk by chunk
      return;
    }
    if (req.url === '/redirect') {
      res.writeHead(302, { location: 'http://elsewhere.example/callback?code=1' }).end();
      return;
    }
    res.setHeader('set-cookie', [`session=${name}; Path=/; HttpOnly`, `csrf=${name}-token; Path=/`]);
    res.setHeader('x-instance', name);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ name, method: req.method, url: req.url, host: req.headers.host, custom: req.headers['x-custom'], cookie: req.headers.cookie }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

describe('startRoundRobin', () => {
  test('alternates between two instances, keeping method, path, query, headers, status', async () => {
    const a = await instance('A');
    const b = await instance('B');
    const proxy = await startRoundRobin([a.url, b.url]);
    try {
      const seen: string[] = [];
      for (let i = 0; i < 5; i++) {
        const response = await fetch(`${proxy.url}/some/path?x=${i}&y=z`, { headers: { 'x-custom': 'kept', cookie: 'session=abc' } });
        expect(response.status).toBe(200);
        const body = (await response.json()) as Record<string, string>;
        expect(body).toMatchObject({ method: 'GET', url: `/some/path?x=${i}&y=z`, custom: 'kept', cookie: 'session=abc' });
        expect(body.host).toBe(body.name === 'A' ? a.host : b.host);
        seen.push(body.name!);
      }
      expect(seen).toEqual(['A', 'B', 'A', 'B', 'A']);
      expect(proxy.counts()).toEqual([3, 2]);
    } finally {
      await proxy.close();
      await a.close();
      await b.close();
    }
  });

  test('keeps both Set-Cookie headers and Location unchanged; preserveHost keeps Host', async () => {
    const a = await instance('A');
    const proxy = await startRoundRobin([a.url], { preserveHost: true });
    try {
      const response = await fetch(`${proxy.url}/`);
      expect(response.headers.getSetCookie()).toEqual(['session=A; Path=/; HttpOnly', 'csrf=A-token; Path=/']);
      expect(((await response.json()) as { host: string }).host).toBe(`127.0.0.1:${proxy.port}`);
      const redirect = await fetch(`${proxy.url}/redirect`, { redirect: 'manual' });
      expect(redirect.status).toBe(302);
      expect(redirect.headers.get('location')).toBe('http://elsewhere.example/callback?code=1');
    } finally {
      await proxy.close();
      await a.close();
    }
  });

  test('streams a POST body both ways', async () => {
    const a = await instance('A');
    const proxy = await startRoundRobin([a.url]);
    try {
      const request = http.request(`${proxy.url}/echo`, { method: 'POST', headers: { 'content-type': 'text/plain' } });
      request.write('first,');
      const response = await new Promise<http.IncomingMessage>((resolve) => request.on('response', resolve));
      expect(response.headers['x-instance']).toBe('A');
      const chunks: string[] = [];
      // The first chunk comes back through the proxy while the request body is still open.
      await new Promise<void>((resolve) => response.once('data', (chunk: Buffer) => (chunks.push(chunk.toString()), resolve())));
      expect(chunks).toEqual(['first,']);
      request.end('second');
      for await (const chunk of response) chunks.push((chunk as Buffer).toString());
      expect(chunks.join('')).toBe('first,second');
    } finally {
      await proxy.close();
      await a.close();
    }
  });

  test('a dead target gets a 502 naming it; setTargets swaps in a new one', async () => {
    const deadPort = await freePort();
    const dead = `http://127.0.0.1:${deadPort}`;
    const a = await instance('A');
    const proxy = await startRoundRobin([a.url, dead]);
    try {
      expect((await fetch(proxy.url)).status).toBe(200);
      const response = await fetch(proxy.url);
      expect(response.status).toBe(502);
      expect(await response.json()).toMatchObject({ error: 'bad_gateway', target: dead });
      expect(proxy.counts()).toEqual([1, 1]);

      const b = await instance('B');
      proxy.setTargets([b.url, a.url]);
      expect(proxy.counts()).toEqual([0, 0]);
      const names = [];
      for (let i = 0; i < 2; i++) names.push(((await (await fetch(proxy.url)).json()) as { name: string }).name);
      expect(names).toEqual(['B', 'A']);
      await b.close();
    } finally {
      await proxy.close();
      await a.close();
    }
  });
});
