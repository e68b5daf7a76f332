/**
 * The FastApps auth ideas in TypeScript terms: a `TokenVerifier` turns a bearer token into an
 * `AccessToken` or throws. Plug in your own verifier (opaque tokens, introspection) by passing it
 * to `createServer({ verifier })` in `src/app.ts`.
 */
import type { JWTPayload } from 'jose';

export interface AccessToken {
  /**
   * The raw bearer token. Never log it (use `fingerprint()` from `src/log.ts`), and never send it to
   * another API: it is for this server, and MCP forbids passing it through (`doctor` checks).
   */
  token: string;
  /** `sub`: who signed in (a user id, or `client@clients` for machine tokens). */
  subject: string | undefined;
  /** The OAuth client the token was issued to (`client_id`, `azp`, `cid` or `appid`, per provider). */
  clientId: string;
  /** Granted scopes, read from the claim(s) your provider uses. */
  scopes: string[];
  /** `exp`, seconds since the epoch. */
  expiresAt: number;
  /** Every claim of the verified token. */
  claims: JWTPayload;
}

export interface TokenVerifier {
  /**
   * Resolves with the verified token, or rejects with `TokenRejectedError` (answered 401
   * `invalid_token`) or `VerifierUnavailableError` (answered as a server error, so clients do not
   * restart sign-in because your identity provider had an outage).
   */
  verify(token: string): Promise<AccessToken>;
}

/** The token is not acceptable. `message` goes into `error_description`: keep it short, no secrets. */
export class TokenRejectedError extends Error {
  override name = 'TokenRejectedError';
}

/** The verifier could not decide (keys unreachable). Never reported as a bad token. */
export class VerifierUnavailableError extends Error {
  override name = 'VerifierUnavailableError';
}
