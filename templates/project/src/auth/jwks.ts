/**
 * The identity provider's signing keys, fetched once at start and kept in memory.
 *
 * - A token with an unknown `kid` triggers one refetch (key rotation), at most once per cooldown
 *   (`OAUTH_JWKS_COOLDOWN`, 30 s; the fetch at start counts), so a stream of forged kids cannot
 *   make this server hammer the provider. Requests that arrive while that refetch is in flight
 *   wait for it, so a burst of tokens signed with a freshly rotated key is accepted as a whole.
 * - The set is refreshed in the background; if that fails the old keys stay in use, so a JWKS
 *   outage does not lock out users whose tokens use known keys.
 * - While the provider is unreachable, a token with an unknown key is answered with a server
 *   error, never a 401, so clients do not loop through sign-in during an outage.
 */
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWSHeaderParameters, type FlattenedJWSInput } from 'jose';
import { VerifierUnavailableError } from './access-token.js';
import { fetchJson, FetchJsonError } from './http.js';
import type { Logger } from '../log.js';

export interface KeySetOptions {
  timeoutMs: number;
  /** Minimum time between two fetches caused by unknown kids (default 30 s). */
  cooldownMs?: number;
  /** Background refresh period (default 10 min; 0 disables). */
  refreshMs?: number;
  log: Logger;
}

type LocalSet = ReturnType<typeof createLocalJWKSet>;

export class RemoteKeySet {
  /** How many times the JWKS was fetched (reported by the benchmarks). */
  fetchCount = 0;
  private local: LocalSet | undefined;
  private lastFetchAt = 0;
  private lastFetchFailed = false;
  private lastError = '';
  private inflight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly cooldownMs: number;

  /**
   * @param source where the keys come from, for messages (the `jwks_uri`)
   * @param loader fetches the JWK Set document; defaults to a bounded GET of `source`
   */
  constructor(
    readonly source: string,
    private readonly options: KeySetOptions,
    private readonly loader: () => Promise<Record<string, unknown>> = () => fetchJson(source, options.timeoutMs),
  ) {
    this.cooldownMs = options.cooldownMs ?? 30_000;
  }

  /** First fetch; throws when the keys cannot be loaded, so the server refuses to start. */
  async load(): Promise<void> {
    await this.refetch();
    if (this.lastFetchFailed || !this.local) {
      throw new VerifierUnavailableError(
        `Could not load the signing keys from ${this.source} (${this.lastError}); without them no token can be verified, so the server does not start. ` +
          'Check that the identity provider is reachable from here and that OAUTH_ISSUER is right.',
      );
    }
    const refreshMs = this.options.refreshMs ?? 600_000;
    if (refreshMs > 0) {
      this.timer = setInterval(() => void this.refetch(), refreshMs);
      this.timer.unref();
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Key resolver for jose's `jwtVerify`. */
  getKey = async (header: JWSHeaderParameters, token: FlattenedJWSInput) => {
    if (!this.local) throw new VerifierUnavailableError('Signing keys are not loaded.');
    try {
      return await this.local(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      if (this.inflight) {
        // A refetch is already under way (another unknown kid, or the background refresh): its
        // result is what this token needs too.
        await this.inflight;
        if (!this.lastFetchFailed) return await this.local(header, token);
      } else if (Date.now() - this.lastFetchAt >= this.cooldownMs) {
        this.options.log.debug(`auth: no key matches kid ${JSON.stringify(header.kid ?? null)}; refetching ${this.source}`);
        await this.refetch();
        if (!this.lastFetchFailed) return await this.local(header, token);
      }
      if (this.lastFetchFailed) throw new VerifierUnavailableError('The identity provider\'s signing keys cannot be fetched right now.');
      throw error;
    }
  };

  private refetch(): Promise<void> {
    // One fetch at a time: concurrent unknown kids share it.
    this.inflight ??= this.fetchOnce().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async fetchOnce(): Promise<void> {
    this.lastFetchAt = Date.now();
    this.fetchCount += 1;
    this.options.log.debug(`auth: fetching signing keys from ${this.source}`);
    try {
      const doc = await this.loader();
      if (!Array.isArray(doc.keys) || doc.keys.length === 0) throw new FetchJsonError(`${this.source} has no "keys"`);
      this.local = createLocalJWKSet(doc as unknown as JSONWebKeySet);
      this.lastFetchFailed = false;
      this.options.log.debug(`auth: loaded ${doc.keys.length} signing key(s)`);
    } catch (error) {
      this.lastFetchFailed = true;
      this.lastError = (error as Error).message;
      // At start the caller reports it (and the server does not start); later the old keys stay.
      if (this.local) this.options.log.warn(`auth: could not refresh signing keys: ${this.lastError} (keeping the keys already loaded)`);
    }
  }
}
