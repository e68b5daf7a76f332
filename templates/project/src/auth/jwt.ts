/**
 * Verification of JWT access tokens with jose, shared by every provider. What differs between
 * providers (where scopes live, how a token is bound to this server, how to explain a mismatch)
 * is a `TokenRules` object in `src/auth/verifier.ts`.
 *
 * Checks: signature against the provider's JWKS (only the configured asymmetric algorithms; `none`
 * and HS* are never accepted; `jku`/`x5u`/`jwk` headers are ignored), `iss` byte for byte, `aud`
 * (or the provider's client binding), `exp` required and in the future (exactly: the MCP SDK's
 * bearer middleware refuses a token past `exp` whatever the tolerance), `nbf` and `iat` not in the
 * future beyond the clock tolerance, then the provider's own rules.
 *
 * Verified tokens are kept in a bounded in-memory cache until their `exp`; failures are never
 * cached, and a cached token is never used past its `exp`.
 */
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type ProtectedHeaderParameters } from 'jose';
import { TokenRejectedError, VerifierUnavailableError, type AccessToken, type TokenVerifier } from './access-token.js';
import type { FacadeAdaptation } from './facade.js';
import type { RemoteKeySet } from './jwks.js';
import { fingerprint, type Logger } from '../log.js';

/** What this server accepts, from the configuration. */
export interface Expectation {
  issuer: string;
  audiences: string[];
  clientIds: string[];
}

export interface TokenRules {
  /** Provider name used in messages, e.g. "Auth0". */
  provider: string;
  /** Algorithms accepted when `OAUTH_ALGORITHMS` is not set. */
  algorithms: string[];
  /** true: `aud` must contain one of the configured audiences. false: the provider has no `aud` in access tokens. */
  checkAudience: boolean;
  /** Granted scopes, from the claim(s) this provider uses, in the form `OAUTH_SCOPES` lists them. */
  scopes(claims: JWTPayload, expect: Expectation): string[];
  /** The OAuth client the token was issued to. */
  clientId(claims: JWTPayload): string | undefined;
  /** Provider rules beyond the standard claims; returns the reason to reject, or undefined. */
  check?(claims: JWTPayload, expect: Expectation): string | undefined;
  /** A provider-specific reason for a failed `iss` or `aud` check, or undefined for the generic one. */
  explain?(claim: 'iss' | 'aud', claims: JWTPayload, expect: Expectation): string | undefined;
  /**
   * Names a known kind of wrong token (a Microsoft Graph token, an ID token) from its unverified
   * header and claims. Only consulted after verification has already failed, to say why: it can
   * never make a token acceptable or reject one that verified.
   */
  diagnose?(header: ProtectedHeaderParameters, claims: JWTPayload | undefined): string | undefined;
  /** Configuration without which this provider cannot bind tokens to this server. */
  requires?: Array<'audiences' | 'clientIds'>;
  /** What the façade sign-in (`OAUTH_SIGN_IN=facade`) adapts for this provider (see facade.ts). */
  facade?: FacadeAdaptation;
  /** How the broker sign-in (`OAUTH_SIGN_IN=broker`) signs users in at this provider. */
  broker?: BrokerRules;
  /**
   * The one form a required scope is compared in, whichever form it was written in (Entra:
   * qualified with the Application ID URI, like the scopes `scopes()` reports).
   */
  qualifyScope?(scope: string, expect: Expectation): string;
}

export interface BrokerRules {
  /** Extra authorization parameters (Auth0: `audience`). */
  authorizeParams?(expect: Expectation): Record<string, string>;
  /**
   * Who signed in, from: the provider's access token for this API, checked with these rules
   * (default), or its ID token (Google: it issues no access token for your API; then the
   * allow-list `OAUTH_BROKER_ALLOW` decides who gets this server's scopes), or the provider's user
   * API (GitHub: not OpenID Connect, opaque tokens; the account's id is the subject).
   */
  identity?: 'access-token' | 'id-token' | 'user-api';
  /** ID token issuers accepted besides `OAUTH_ISSUER` (Google also writes `accounts.google.com`). */
  issuers?: string[];
  /** The scopes asked of the provider instead of this server's own (Google: openid email profile). */
  scopes?: string[];
  /** With `user-api`: the scope that lets the broker read the user's organisations (GitHub `read:org`), asked only when the allow-list names one. */
  orgScope?: string;
  /** Refuse to start without `OAUTH_BROKER_ALLOW`: anyone with an account at this provider could sign in. */
  requiresAllowList?: boolean;
}

/** One printable ASCII line of at most 200 characters (control and non-ASCII characters become `?`). */
export function printable(text: string): string {
  const line = text.replaceAll(/[^\x20-\x7E]/g, '?');
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

/** Splits a space-separated scope string or an array into scope tokens. */
export function scopeList(value: unknown): string[] {
  if (typeof value === 'string') return value.split(' ').filter(Boolean);
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}

export interface JwtVerifierOptions {
  keys: RemoteKeySet;
  expect: Expectation;
  rules: TokenRules;
  algorithms?: string[];
  clockToleranceSeconds: number;
  log: Logger;
  /** Verified tokens kept in memory until they expire (default 1000; 0 disables). */
  cacheSize?: number;
  /** A `typ` header every token must have (the broker's own tokens: `at+jwt`, RFC 9068). */
  typ?: string;
}

const MAX_TOKEN_LENGTH = 16 * 1024;

export class JwtVerifier implements TokenVerifier {
  private readonly cache = new Map<string, AccessToken>();
  private readonly cacheSize: number;
  private readonly algorithms: string[];

  constructor(private readonly options: JwtVerifierOptions) {
    this.cacheSize = options.cacheSize ?? 1000;
    this.algorithms = options.algorithms ?? options.rules.algorithms;
  }

  async verify(token: string): Promise<AccessToken> {
    const cached = this.cache.get(token);
    if (cached) {
      // Never extends a token's life: an entry is used only while `exp` is in the future.
      if (cached.expiresAt * 1000 > Date.now()) return cached;
      this.cache.delete(token);
    }
    const verified = await this.verifyUncached(token);
    if (this.cacheSize > 0) {
      if (this.cache.size >= this.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(token, verified);
    }
    return verified;
  }

  private reject(token: string, reason: string): never {
    // Reasons can quote claim values (iss, aud) that the token's author chose: keep them to one
    // short printable line, so they can neither forge a log line nor bloat the challenge header.
    const safe = printable(reason);
    this.options.log.warn(`auth: rejected token ${fingerprint(token)}: ${safe}`);
    throw new TokenRejectedError(safe);
  }

  private async verifyUncached(token: string): Promise<AccessToken> {
    const { expect, rules, log } = this.options;
    if (token.length > MAX_TOKEN_LENGTH) this.reject(token, 'Token is too large');
    if (token.split('.').length === 5) this.reject(token, this.diagnose(token) ?? 'Token is encrypted (JWE), not a signed JWT; ask the provider for a JWT access token for this API');
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, this.options.keys.getKey, {
        issuer: expect.issuer,
        audience: rules.checkAudience ? expect.audiences : undefined,
        algorithms: this.algorithms,
        clockTolerance: this.options.clockToleranceSeconds,
        requiredClaims: ['exp'],
        ...(this.options.typ ? { typ: this.options.typ } : {}),
      }));
    } catch (error) {
      if (error instanceof VerifierUnavailableError) throw error;
      if (!(error instanceof errors.JOSEError)) {
        log.error(`auth: token verification failed unexpectedly: ${(error as Error).message}`);
        throw new VerifierUnavailableError('Token verification failed unexpectedly.');
      }
      this.reject(token, this.diagnose(token) ?? this.describe(error));
    }
    const now = Math.floor(Date.now() / 1000);
    if ((claims.exp as number) <= now) this.reject(token, 'Token has expired');
    if (typeof claims.iat === 'number' && claims.iat > now + this.options.clockToleranceSeconds) {
      this.reject(token, 'Token was issued in the future; check the clocks');
    }
    const ruleFailure = rules.check?.(claims, expect);
    if (ruleFailure) this.reject(token, ruleFailure);
    const clientId = rules.clientId(claims);
    if (log.enabled('debug')) log.debug(`auth: accepted token ${fingerprint(token)} for sub ${JSON.stringify(claims.sub ?? null)} client ${JSON.stringify(clientId ?? null)}`);
    return {
      token,
      subject: claims.sub,
      clientId: clientId ?? '',
      scopes: rules.scopes(claims, expect),
      expiresAt: claims.exp as number,
      claims,
    };
  }

  private diagnose(token: string): string | undefined {
    let header: ProtectedHeaderParameters;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      return undefined;
    }
    let claims: JWTPayload | undefined;
    try {
      claims = decodeJwt(token);
    } catch {
      claims = undefined;
    }
    return this.options.rules.diagnose?.(header, claims);
  }

  /** A short, quote-free reason for the `error_description` of the challenge and for the log. */
  private describe(error: InstanceType<typeof errors.JOSEError>): string {
    const { expect, rules } = this.options;
    if (error instanceof errors.JWTExpired) return 'Token has expired';
    if (error instanceof errors.JWTClaimValidationFailed) {
      const claims = error.payload;
      if (error.claim === 'iss') return rules.explain?.('iss', claims, expect) ?? `Token was issued by ${String(claims.iss)}, not by ${expect.issuer}`;
      if (error.claim === 'aud') return rules.explain?.('aud', claims, expect) ?? `Token audience ${JSON.stringify(claims.aud ?? null).replaceAll('"', '')} does not include ${expect.audiences.join(' or ')}`;
      if (error.claim === 'nbf') return 'Token is not valid yet; check the clocks';
      if (error.claim === 'exp') return error.reason === 'missing' ? 'Token has no expiration time' : 'Token expiration time is not a number';
      return `Token claim ${error.claim} is invalid`;
    }
    if (error instanceof errors.JOSEAlgNotAllowed) return `Token algorithm is not allowed; accepted: ${this.algorithms.join(', ')}`;
    if (error instanceof errors.JWSSignatureVerificationFailed) return 'Token signature is invalid';
    if (error instanceof errors.JWKSNoMatchingKey) return 'Token was signed with a key this issuer does not publish';
    if (error instanceof errors.JWKSMultipleMatchingKeys) return 'Token key id matches several keys';
    if (error instanceof errors.JOSENotSupported) return 'Token uses an unsupported algorithm or key type';
    return 'Token is not a valid signed JWT';
  }
}
