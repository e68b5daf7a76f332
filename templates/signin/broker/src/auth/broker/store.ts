/**
 * Where the broker keeps its state (`OAUTH_BROKER_STORE`): registered clients, pending sign-ins,
 * codes, grants, refresh tokens, the provider's tokens (encrypted) and, unless
 * `OAUTH_BROKER_SIGNING_KEY` is set, its signing key.
 *
 * - `memory`: this process only; everything is gone on restart (development, tests).
 * - `file:<dir>`: this process only, kept in `<dir>/broker-store.json` across restarts.
 * - `redis://…` / `rediss://…`: shared by any number of instances (the `redis` client). A sign-in
 *   started on one instance finishes on any other.
 *
 * Tool calls never read the store: access tokens are JWTs verified with keys held in memory.
 * Every operation is bounded (`timeoutMs`); a store that does not answer raises
 * `StoreUnavailableError`, which the sign-in endpoints turn into 503.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createClient } from 'redis';

export class StoreUnavailableError extends Error {}

export interface Store {
  /** Where it is, for messages (never with a password). */
  readonly description: string;
  /** Whether state is shared with other instances (only Redis). */
  readonly shared: boolean;
  get(key: string): Promise<string | undefined>;
  /** Sets `key`; `ttlSeconds` > 0 makes it expire. */
  set(key: string, value: string, ttlSeconds?: number): Promise<void>;
  /** Sets `key` only if it does not exist; true when this call set it (atomic, across instances with Redis). */
  setIfAbsent(key: string, value: string, ttlSeconds?: number): Promise<boolean>;
  /** Reads and deletes `key` in one step: a second `take` of the same key gets nothing (single use). */
  take(key: string): Promise<string | undefined>;
  /** Seconds until `key` expires: undefined if it does not exist, Infinity if it never does. */
  ttl(key: string): Promise<number | undefined>;
  delete(...keys: string[]): Promise<void>;
  /** Adds `member` to the set at `key` (which expires after `ttlSeconds`, extended, never shortened). */
  addToSet(key: string, member: string, ttlSeconds?: number): Promise<void>;
  members(key: string): Promise<string[]>;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** Every operation must answer within this time (default 2000 ms). */
  timeoutMs?: number;
  /** Key prefix, so several servers can share one Redis database. */
  prefix: string;
}

/** Opens the store `OAUTH_BROKER_STORE` names. */
export async function openStore(spec: string, options: StoreOptions): Promise<Store> {
  if (spec === 'memory') return new MemoryStore(options.prefix);
  if (spec.startsWith('file:')) return FileStore.open(spec.slice('file:'.length) || '.fastapps/broker', options.prefix);
  if (spec.startsWith('redis://') || spec.startsWith('rediss://')) return RedisStore.open(spec, options);
  throw new Error(`OAUTH_BROKER_STORE must be memory, file:<dir> or redis://host:port, got ${JSON.stringify(spec)}.`);
}

interface Entry {
  value: string;
  /** Epoch milliseconds; absent = never expires. */
  expiresAt?: number;
  set?: string[];
}

/** One process's state in a Map (also the working copy of `FileStore`). */
export class MemoryStore implements Store {
  readonly description: string = 'memory (this process only)';
  readonly shared: boolean = false;
  protected readonly entries = new Map<string, Entry>();

  private readonly sweeper: NodeJS.Timeout;

  constructor(protected readonly prefix: string) {
    // Abandoned sign-ins expire; drop them so a long-running process does not grow.
    this.sweeper = setInterval(() => this.dropExpired(), 60_000);
    this.sweeper.unref();
  }

  protected changed(): Promise<void> {
    return Promise.resolve();
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(this.prefix + key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      this.entries.delete(this.prefix + key);
      return undefined;
    }
    return entry;
  }

  private expiry(ttlSeconds?: number): number | undefined {
    return ttlSeconds && ttlSeconds > 0 ? Date.now() + ttlSeconds * 1000 : undefined;
  }

  async get(key: string) {
    return this.live(key)?.value;
  }
  async set(key: string, value: string, ttlSeconds?: number) {
    this.entries.set(this.prefix + key, { value, expiresAt: this.expiry(ttlSeconds) });
    await this.changed();
  }
  async setIfAbsent(key: string, value: string, ttlSeconds?: number) {
    if (this.live(key)) return false;
    await this.set(key, value, ttlSeconds);
    return true;
  }
  async take(key: string) {
    const entry = this.live(key);
    if (!entry) return undefined;
    this.entries.delete(this.prefix + key);
    await this.changed();
    return entry.value;
  }
  async ttl(key: string) {
    const entry = this.live(key);
    if (!entry) return undefined;
    return entry.expiresAt === undefined ? Infinity : Math.max(1, Math.ceil((entry.expiresAt - Date.now()) / 1000));
  }
  async delete(...keys: string[]) {
    let changed = false;
    for (const key of keys) changed = this.entries.delete(this.prefix + key) || changed;
    if (changed) await this.changed();
  }
  async addToSet(key: string, member: string, ttlSeconds?: number) {
    const entry = this.live(key) ?? { value: '', set: [] };
    const set = new Set(entry.set ?? []);
    set.add(member);
    const expiresAt = this.expiry(ttlSeconds);
    const longer = entry.expiresAt === undefined || expiresAt === undefined ? undefined : Math.max(entry.expiresAt, expiresAt);
    this.entries.set(this.prefix + key, { value: '', set: [...set], expiresAt: this.live(key) ? longer : expiresAt });
    await this.changed();
  }
  async members(key: string) {
    return [...(this.live(key)?.set ?? [])];
  }
  async close() {
    clearInterval(this.sweeper);
  }

  protected dropExpired(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt !== undefined && entry.expiresAt <= now) this.entries.delete(key);
  }
}

/**
 * `MemoryStore` mirrored to `<dir>/broker-store.json` (mode 0600): every change is written before
 * the operation returns, atomically (temporary file, then rename), so a crash or a restart never
 * loses a registration or a refresh token. One process per directory.
 */
export class FileStore extends MemoryStore {
  override readonly description: string;
  private writing: Promise<void> = Promise.resolve();
  private queued: Promise<void> | undefined;

  private constructor(
    private readonly file: string,
    prefix: string,
  ) {
    super(prefix);
    this.description = `file ${file} (this process only)`;
  }

  static async open(dir: string, prefix: string): Promise<FileStore> {
    const store = new FileStore(join(dir, 'broker-store.json'), prefix);
    try {
      const saved = JSON.parse(await readFile(store.file, 'utf8')) as Record<string, Entry>;
      for (const [key, entry] of Object.entries(saved)) store.entries.set(key, entry);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new Error(`Could not read ${store.file}: ${(error as Error).message}. Delete it to start over (every host then registers and signs in again).`, { cause: error });
      }
    }
    store.dropExpired();
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return store;
  }

  /** Changes made while a write runs share the next write, which snapshots when it starts. */
  protected override changed(): Promise<void> {
    this.queued ??= this.writing.then(async () => {
      this.queued = undefined;
      this.dropExpired();
      const temporary = `${this.file}.${process.pid}.tmp`;
      await writeFile(temporary, JSON.stringify(Object.fromEntries(this.entries)), { mode: 0o600 });
      await rename(temporary, this.file);
    });
    const write = this.queued;
    this.writing = write.catch(() => undefined);
    return write;
  }

  override async close() {
    await super.close();
    await (this.queued ?? this.writing);
  }
}

type Redis = ReturnType<typeof createClient>;

const EXTEND_SET = `local existed = redis.call('EXISTS', KEYS[1])
redis.call('SADD', KEYS[1], ARGV[1])
local ttl = tonumber(ARGV[2])
if existed == 0 then
  if ttl > 0 then redis.call('EXPIRE', KEYS[1], ttl) end
else
  local current = redis.call('TTL', KEYS[1])
  if current >= 0 and ttl == 0 then redis.call('PERSIST', KEYS[1])
  elseif current >= 0 and current < ttl then redis.call('EXPIRE', KEYS[1], ttl) end
end
return 1`;

/** State in Redis, shared by every instance that names the same server. */
export class RedisStore implements Store {
  readonly shared: boolean = true;
  private lastError: string | undefined;

  private constructor(
    private readonly client: Redis,
    readonly description: string,
    private readonly prefix: string,
    private readonly timeoutMs: number,
  ) {}

  static async open(url: string, options: StoreOptions): Promise<RedisStore> {
    const shown = new URL(url);
    shown.password = shown.password ? '***' : '';
    const timeoutMs = options.timeoutMs ?? 2000;
    const client: Redis = createClient({
      url,
      // Fail fast while disconnected instead of queueing sign-ins behind a dead connection.
      disableOfflineQueue: true,
      socket: { connectTimeout: timeoutMs, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000) },
    });
    const store = new RedisStore(client, `redis ${shown.host}`, options.prefix, timeoutMs);
    client.on('error', (error: Error) => {
      store.lastError = error.message;
    });
    try {
      await store.bounded(client.connect());
    } catch (error) {
      await client.destroy();
      throw new StoreUnavailableError(`Redis at ${shown.host} cannot be reached (${(error as Error).message}); start it or fix OAUTH_BROKER_STORE.`);
    }
    return store;
  }

  private async bounded<T>(operation: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StoreUnavailableError(`Redis did not answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      return await Promise.race([operation, timeout]);
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error;
      throw new StoreUnavailableError(`Redis failed: ${(error as Error).message}${this.lastError ? ` (${this.lastError})` : ''}`);
    } finally {
      clearTimeout(timer);
    }
  }

  private run<T>(operation: (client: Redis) => Promise<T>): Promise<T> {
    if (!this.client.isReady) return Promise.reject(new StoreUnavailableError(`Redis is not connected${this.lastError ? ` (${this.lastError})` : ''}`));
    return this.bounded(operation(this.client));
  }

  async get(key: string) {
    return (await this.run((c) => c.get(this.prefix + key))) ?? undefined;
  }
  async set(key: string, value: string, ttlSeconds?: number) {
    await this.run((c) => c.set(this.prefix + key, value, ttlSeconds ? { EX: Math.ceil(ttlSeconds) } : undefined));
  }
  async setIfAbsent(key: string, value: string, ttlSeconds?: number) {
    const reply = await this.run((c) => c.set(this.prefix + key, value, ttlSeconds ? { NX: true, EX: Math.ceil(ttlSeconds) } : { NX: true }));
    return reply === 'OK';
  }
  async take(key: string) {
    return (await this.run((c) => c.getDel(this.prefix + key))) ?? undefined;
  }
  async ttl(key: string) {
    const seconds = await this.run((c) => c.ttl(this.prefix + key));
    return seconds === -2 ? undefined : seconds === -1 ? Infinity : seconds;
  }
  async delete(...keys: string[]) {
    if (keys.length > 0) await this.run((c) => c.del(keys.map((key) => this.prefix + key)));
  }
  async addToSet(key: string, member: string, ttlSeconds?: number) {
    // One script: add, then extend the set's life (never shorten it), on any Redis version.
    await this.run((c) => c.eval(EXTEND_SET, { keys: [this.prefix + key], arguments: [member, String(Math.ceil(ttlSeconds ?? 0))] }));
  }
  async members(key: string) {
    return this.run((c) => c.sMembers(this.prefix + key));
  }
  async close() {
    await this.client.close().catch(() => this.client.destroy());
  }
}
