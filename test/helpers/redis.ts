/**
 * A real `redis-server` for tests (Debian's package; `skipWithout(programs.redis, …)` from
 * ./requires.ts): on 127.0.0.1 on a free port, no persistence, in its own temp dir, spoken to over a
 * raw socket (RESP by hand, so the CLI repository needs no Redis client). It can be stopped,
 * restarted empty on the same port, and paused (SIGSTOP: a hung Redis that still accepts TCP
 * connections but never answers). Every server this module starts dies with the test process: on
 * a normal exit through an `exit` hook, and when the process is killed (SIGKILL included) through a
 * watchdog `sh` that holds a pipe from this process and kills the server when the pipe closes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './generated-server.js';

export const REDIS_SERVER = process.env.REDIS_SERVER ?? 'redis-server';

/** Options of `startRedis`. */
export interface RedisOptions {
  /** Listen on this port (default: a free one). */
  port?: number;
  /** Extra `redis-server` arguments, e.g. `['--maxmemory', '1mb']`. */
  args?: string[];
  /** How long to wait for `+PONG` after starting (default 10 s). */
  startTimeoutMs?: number;
}

/** A running (or stopped, or paused) redis-server. */
export interface RunningRedis {
  /** `redis://127.0.0.1:<port>`. */
  url: string;
  port: number;
  /** The server's temp dir (its log is `redis.log` there). */
  dir: string;
  /** The redis-server's pid (changes on restart; undefined while stopped). */
  pid(): number | undefined;
  /** Kills it (SIGTERM, then SIGKILL after 2 s) and waits for the exit. Idempotent. */
  stop(): Promise<void>;
  /** `stop()`, then a new server on the same port: every key is gone, counters start again at 0. */
  restart(): Promise<void>;
  /** SIGSTOP: connections are still accepted by the kernel, nothing is answered. */
  pause(): Promise<void>;
  /** SIGCONT: it answers again, including what was sent while it was paused. */
  resume(): Promise<void>;
  /**
   * Sends one command (as a RESP array) on a new connection and resolves with the raw reply
   * (`+OK\r\n`, `$1\r\n1\r\n`, `$-1\r\n`, `*2\r\n…`; `decodeReply` turns it into a value). An error
   * reply (`-ERR …`) resolves too. No timeout: against a paused server it waits for `resume()`.
   */
  command(...args: string[]): Promise<string>;
  /** `total_commands_processed` from `INFO stats`, as Redis reports it (earlier INFO calls included). */
  totalCommands(): Promise<number>;
  /** Calls per command from `INFO commandstats`: `{ get: 2, set: 1, 'client|setinfo': 2, info: 3 }`. */
  commandStats(): Promise<Record<string, number>>;
  /** How many commands this helper has sent (`command()`, `totalCommands()`, …) since the last start. */
  ownCommands(): number;
  /** The server's log so far. */
  log(): string;
}

interface Live {
  server: ChildProcess;
  watchdog: ChildProcess;
  dir: string;
}

const live = new Set<Live>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const entry of live) {
      // SIGKILL also ends a SIGSTOPped server.
      for (const child of [entry.watchdog, entry.server]) {
        try {
          if (child.pid) process.kill(child.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      rmSync(entry.dir, { recursive: true, force: true });
    }
  });
}

/** One RESP array of bulk strings: how every client sends a command. */
export function encodeCommand(args: string[]): Buffer {
  const parts = [`*${args.length}\r\n`];
  for (const arg of args) parts.push(`$${Buffer.byteLength(arg)}\r\n${arg}\r\n`);
  return Buffer.from(parts.join(''));
}

/** A decoded RESP2 reply. Error replies become `{ error: 'ERR …' }`, nil bulk strings and arrays `null`. */
export type RespValue = string | number | null | { error: string } | RespValue[];

/** Where the reply starting at `at` ends (exclusive), or -1 when `buffer` does not hold all of it yet. */
function replyEnd(buffer: Buffer, at: number): number {
  const lineEnd = buffer.indexOf('\r\n', at);
  if (lineEnd < 0) return -1;
  const type = String.fromCharCode(buffer[at]!);
  const head = buffer.toString('utf8', at + 1, lineEnd);
  switch (type) {
    case '+':
    case '-':
    case ':':
      return lineEnd + 2;
    case '$': {
      const length = Number(head);
      if (length < 0) return lineEnd + 2;
      const end = lineEnd + 2 + length + 2;
      return buffer.length >= end ? end : -1;
    }
    case '*': {
      const count = Number(head);
      let next = lineEnd + 2;
      for (let i = 0; i < count; i++) {
        next = replyEnd(buffer, next);
        if (next < 0) return -1;
      }
      return next;
    }
    default:
      throw new Error(`not a RESP2 reply: ${JSON.stringify(buffer.toString('utf8', at, Math.min(buffer.length, at + 80)))}`);
  }
}

function decodeAt(buffer: Buffer, at: number): [RespValue, number] {
  const lineEnd = buffer.indexOf('\r\n', at);
  const type = String.fromCharCode(buffer[at]!);
  const head = buffer.toString('utf8', at + 1, lineEnd);
  switch (type) {
    case '+':
      return [head, lineEnd + 2];
    case '-':
      return [{ error: head }, lineEnd + 2];
    case ':':
      return [Number(head), lineEnd + 2];
    case '$': {
      const length = Number(head);
      if (length < 0) return [null, lineEnd + 2];
      const start = lineEnd + 2;
      return [buffer.toString('utf8', start, start + length), start + length + 2];
    }
    case '*': {
      const count = Number(head);
      if (count < 0) return [null, lineEnd + 2];
      const items: RespValue[] = [];
      let next = lineEnd + 2;
      for (let i = 0; i < count; i++) {
        const [item, after] = decodeAt(buffer, next);
        items.push(item);
        next = after;
      }
      return [items, next];
    }
    default:
      throw new Error(`not a RESP2 reply: ${JSON.stringify(head)}`);
  }
}

/** Decodes a raw reply from `command()`: `decodeReply('$1\r\n1\r\n')` is `'1'`, `'*0\r\n'` is `[]`. */
export function decodeReply(raw: string): RespValue {
  return decodeAt(Buffer.from(raw), 0)[0];
}

/** Sends one command to 127.0.0.1:`port` on a new connection; resolves with the raw reply. */
export function sendCommand(port: number, args: string[]): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    let done = false;
    const finish = (error: Error | undefined, reply?: string) => {
      if (done) return;
      done = true;
      socket.destroy();
      if (error) reject(error);
      else resolve(reply!);
    };
    socket.on('connect', () => socket.write(encodeCommand(args)));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      try {
        const end = replyEnd(received, 0);
        if (end >= 0) finish(undefined, received.toString('utf8', 0, end));
      } catch (error) {
        finish(error as Error);
      }
    });
    socket.on('error', (error) => finish(new Error(`redis on port ${port}, ${args[0]}: ${error.message}`)));
    socket.on('close', () => finish(new Error(`redis on port ${port} closed the connection before answering ${args[0]} (got ${JSON.stringify(received.toString())})`)));
  });
}

/** Whether 127.0.0.1:`port` answers an inline `PING` with `+PONG` within `timeoutMs`. */
function pings(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
      if (received.includes('\r\n')) finish(received.startsWith('+PONG'));
    });
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => child.once('exit', () => resolve()));
}

/** Starts redis-server on `port` in `dir` and waits for `+PONG`; rejects (with its log) if it exits first or times out. */
async function launch(port: number, dir: string, options: RedisOptions): Promise<Live> {
  const logFile = join(dir, 'redis.log');
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--save', '',
    '--appendonly', 'no',
    '--dir', dir,
    '--logfile', logFile,
    '--daemonize', 'no',
    ...(options.args ?? []),
  ];
  const server = spawn(REDIS_SERVER, args, { stdio: 'ignore' });
  if (!server.pid) {
    const error = await new Promise<Error>((resolve) => server.once('error', resolve));
    throw new Error(`could not run ${REDIS_SERVER}: ${error.message}`);
  }
  // Holds the read end of a pipe from this process: when this process goes, however it goes, `cat`
  // sees end of file, and the server is killed and its dir removed. Started after the server, which
  // so never holds the pipe (and libuv's pipes are close-on-exec, so no later child does either).
  const watchdog = spawn('sh', ['-c', 'cat >/dev/null; kill -KILL "$1" 2>/dev/null; rm -rf "$2"', 'redis-watchdog', String(server.pid), dir], { stdio: ['pipe', 'ignore', 'ignore'] });
  watchdog.on('error', () => undefined);
  watchdog.stdin!.on('error', () => undefined);
  // Neither child keeps the test process alive.
  server.unref();
  watchdog.unref();
  (watchdog.stdin as unknown as net.Socket).unref();
  const entry: Live = { server, watchdog, dir };
  live.add(entry);
  server.once('exit', () => {
    live.delete(entry);
    watchdog.kill('SIGKILL');
  });

  const readLog = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  const deadline = Date.now() + (options.startTimeoutMs ?? 10_000);
  for (;;) {
    if (server.exitCode !== null || server.signalCode !== null) {
      throw new Error(`${REDIS_SERVER} on port ${port} exited (${server.exitCode ?? server.signalCode}) before answering PING:\n${readLog()}`);
    }
    if (await pings(port, 500)) return entry;
    if (Date.now() > deadline) {
      server.kill('SIGKILL');
      await exited(server);
      throw new Error(`${REDIS_SERVER} on port ${port} did not answer PING within ${options.startTimeoutMs ?? 10_000} ms:\n${readLog()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function kill(entry: Live): Promise<void> {
  const { server, watchdog } = entry;
  watchdog.kill('SIGKILL');
  if (server.exitCode !== null || server.signalCode !== null) return;
  server.kill('SIGTERM');
  server.kill('SIGCONT'); // a paused server acts on SIGTERM only once it runs again
  const timer = setTimeout(() => server.kill('SIGKILL'), 2_000);
  await exited(server);
  clearTimeout(timer);
  live.delete(entry);
}

/**
 * Starts a redis-server: 127.0.0.1, a free port (or `options.port`), `--save '' --appendonly no`,
 * its own temp dir; resolves once it answers PING.
 */
export async function startRedis(options: RedisOptions = {}): Promise<RunningRedis> {
  installExitHook();
  const dir = mkdtempSync(join(tmpdir(), 'fastapps-redis-'));
  let port = options.port ?? 0;
  let entry: Live | undefined;
  // A free port can be taken between freePort() and the server's bind: try a few.
  for (let attempt = 1; !entry; attempt++) {
    if (!options.port) port = await freePort();
    try {
      entry = await launch(port, dir, options);
    } catch (error) {
      const portTaken = /Address already in use/i.test((error as Error).message);
      if (options.port || !portTaken || attempt >= 5) {
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }

  let current: Live | undefined = entry;
  let own = 0;
  const command = (...args: string[]) => {
    own++;
    return sendCommand(port, args);
  };
  const info = async (section: string) => {
    const reply = decodeReply(await command('INFO', section));
    if (typeof reply !== 'string') throw new Error(`INFO ${section}: ${JSON.stringify(reply)}`);
    return reply;
  };
  const signal = (name: NodeJS.Signals) => {
    if (!current?.server.pid) throw new Error(`redis on port ${port} is not running`);
    process.kill(current.server.pid, name);
  };
  const stop = async () => {
    const running = current;
    current = undefined;
    if (running) await kill(running);
  };

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    pid: () => (current && current.server.exitCode === null && current.server.signalCode === null ? current.server.pid : undefined),
    stop: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
    restart: async () => {
      await stop();
      rmSync(join(dir, 'redis.log'), { force: true });
      current = await launch(port, dir, options);
      own = 0;
    },
    pause: async () => signal('SIGSTOP'),
    resume: async () => signal('SIGCONT'),
    command,
    totalCommands: async () => {
      const match = /^total_commands_processed:(\d+)/m.exec(await info('stats'));
      if (!match) throw new Error('INFO stats has no total_commands_processed');
      return Number(match[1]);
    },
    commandStats: async () => {
      const stats: Record<string, number> = {};
      for (const match of (await info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) stats[match[1]!] = Number(match[2]);
      return stats;
    },
    ownCommands: () => own,
    log: () => {
      try {
        return readFileSync(join(dir, 'redis.log'), 'utf8');
      } catch {
        return '';
      }
    },
  };
}

/** Counts the commands Redis processes from now on, from clients other than this helper. */
export interface CommandCounter {
  /**
   * Commands processed since `countCommands()` was called, leaving out the ones this helper sent
   * (its INFO calls, and the test's own `command()` calls). A client library's connection setup
   * (HELLO, CLIENT SETINFO, SELECT, its own INFO) counts. Not across a restart.
   */
  count(): Promise<number>;
}

/**
 * Starts counting: `const counter = await countCommands(redis); …; expect(await counter.count()).toBe(0)`.
 * Built on `total_commands_processed`, which counts a command once it has run (an INFO does not
 * include itself, the next one does) and not commands Redis rejected unparsed or unknown.
 */
export async function countCommands(redis: RunningRedis): Promise<CommandCounter> {
  const start = await redis.totalCommands();
  const ownAtStart = redis.ownCommands(); // includes the INFO just sent
  return {
    count: async () => {
      const ownBefore = redis.ownCommands();
      const now = await redis.totalCommands();
      // Between the two INFO replies Redis ran: the first INFO, our own commands since it, and the rest.
      return now - start - 1 - (ownBefore - ownAtStart);
    },
  };
}
