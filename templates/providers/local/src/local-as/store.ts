/**
 * Storage for oidc-provider (its `adapter` option): everything lives in memory and is mirrored to
 * one JSON file, so registered clients, grants, sessions and refresh tokens survive a restart.
 *
 * Built for one development process: writes are serialised and coalesced (every change waits for
 * a write that includes it), and each write replaces the file atomically (temporary file, then
 * rename), so a crash or a `tsx watch` restart never leaves a half-written file. Two processes
 * sharing one data directory would overwrite each other's changes.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Adapter, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  /** Epoch milliseconds after which the entry is gone; absent = never expires. */
  expiresAt?: number;
}

/** Models that belong to a grant and go away when the grant is revoked. */
const GRANT_MEMBERS = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest', 'PreAuthorizedCode']);

export class JsonFileStore {
  private readonly entries: Map<string, Entry>;
  /** The write currently running (or the last one), so writes never overlap. */
  private writing: Promise<void> = Promise.resolve();
  /** A write queued behind `writing` that has not taken its snapshot yet. */
  private queued: Promise<void> | undefined;

  private constructor(
    private readonly file: string,
    entries: Map<string, Entry>,
  ) {
    this.entries = entries;
  }

  /** Opens (or starts) the store kept in `file`. */
  static async open(file: string): Promise<JsonFileStore> {
    let entries = new Map<string, Entry>();
    try {
      entries = new Map(Object.entries(JSON.parse(await readFile(file, 'utf8')) as Record<string, Entry>));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new Error(`Could not read ${file}: ${(error as Error).message}. Delete it to start with no registered clients.`, { cause: error });
      }
    }
    const store = new JsonFileStore(file, entries);
    store.dropExpired();
    return store;
  }

  /** The adapter factory to pass as oidc-provider's `adapter` option. */
  readonly adapter = (model: string): Adapter => {
    const key = (id: string) => `${model}:${id}`;
    return {
      upsert: async (id, payload, expiresIn) => {
        this.entries.set(key(id), expiresIn ? { payload, expiresAt: Date.now() + expiresIn * 1000 } : { payload });
        await this.save();
      },
      find: async (id) => this.get(key(id)),
      findByUid: async (uid) => this.findWhere(model, (payload) => payload.uid === uid),
      findByUserCode: async (userCode) => this.findWhere(model, (payload) => payload.userCode === userCode),
      consume: async (id) => {
        const payload = this.get(key(id));
        if (!payload) return;
        payload.consumed = Math.floor(Date.now() / 1000);
        await this.save();
      },
      destroy: async (id) => {
        if (this.entries.delete(key(id))) await this.save();
      },
      revokeByGrantId: async (grantId) => {
        let changed = false;
        for (const [k, { payload }] of this.entries) {
          if (payload.grantId === grantId && GRANT_MEMBERS.has(k.slice(0, k.indexOf(':')))) {
            this.entries.delete(k);
            changed = true;
          }
        }
        if (changed) await this.save();
      },
    };
  };

  /** Resolves once every change made so far is on disk. */
  async flush(): Promise<void> {
    await (this.queued ?? this.writing);
  }

  private get(key: string): AdapterPayload | undefined {
    const entry = this.entries.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry?.payload;
  }

  private findWhere(model: string, match: (payload: AdapterPayload) => boolean): AdapterPayload | undefined {
    for (const k of this.entries.keys()) {
      if (!k.startsWith(`${model}:`)) continue;
      const payload = this.get(k);
      if (payload && match(payload)) return payload;
    }
    return undefined;
  }

  private dropExpired(): void {
    const now = Date.now();
    for (const [k, entry] of this.entries) if (entry.expiresAt !== undefined && entry.expiresAt <= now) this.entries.delete(k);
  }

  /**
   * Writes the current state. Changes made while a write is running share the next write, which
   * takes its snapshot only when it starts, so it includes all of them.
   */
  private save(): Promise<void> {
    this.queued ??= this.writing.then(async () => {
      this.queued = undefined;
      this.dropExpired();
      const text = JSON.stringify(Object.fromEntries(this.entries));
      const temporary = `${this.file}.${process.pid}.tmp`;
      await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
      await writeFile(temporary, text, { mode: 0o600 });
      await rename(temporary, this.file);
    });
    const write = this.queued;
    // A failed write must not block the ones after it; its callers still see the error.
    this.writing = write.catch(() => undefined);
    return write;
  }
}
