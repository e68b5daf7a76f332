/**
 * What `doctor` (and the issuer check of `create` and `auth`) knows about a provider: how findings
 * name it, which issuers are its own when no provider was chosen, the fixes and hints worded with
 * its own settings, and the few ways its tokens and metadata differ from the standard. A check
 * holds the generic wording and asks the provider module for its own (`fixFor` in
 * src/issuer/flavor.ts), so a provider's whole story lives in its module.
 *
 * The ids are typed: a module naming a fix no check asks for, or a check asking for one that does
 * not exist, fails to compile. Types only: provider modules stay light (they are on the start-up path).
 */
import type { TokenExpectations } from '../doctor/token/context.js';
import type { ProviderInput } from './types.js';

/** The values each fix is worded with (`undefined`: one fixed sentence). */
export interface DoctorFixVars {
  /** issuer.pkce, no code_challenge_methods_supported: `facade` is the sentence naming the façade sign-in. */
  'pkce.unadvertised': { facade: string };
  /** issuer.registration, no way to register: `redirect` is ChatGPT's redirect URI. */
  'registration.register-client': { redirect: string };
  /** The registration probe found the endpoint needs a token. */
  'registration.protected': undefined;
  /** token_endpoint_auth_methods_supported has neither none nor private_key_jwt. */
  'token-auth-methods.no-public': undefined;
  /** scopes_supported advertises scopes beyond openid, profile, email. */
  'scopes.extra': undefined;
  /** No RFC 9207 iss in authorization responses. */
  'iss-parameter.unsupported': undefined;
  /** Every discovery URL answered 404. */
  'discovery.not-found': undefined;
  /** The document's issuer is a multi-tenant placeholder. */
  'metadata.placeholder-issuer': undefined;
  /** The issuers differ only by a trailing slash: `exactly` is the rest of the fix (configure it exactly). */
  'issuer.trailing-slash': { exactly: string };
  /** The document's issuer has another origin than the configured one. */
  'issuer-echo.origin': undefined;
  /** The document lacks the authorization or the token endpoint. */
  'metadata.no-endpoints': undefined;
  /** Endpoint URLs are plain http, internal or loopback. */
  'endpoints.public-url': undefined;
  /** The broker sign-in: the metadata lacks the authorization or the token endpoint. */
  'broker.no-endpoints': undefined;
  /** The key set has no usable signing key. */
  'jwks.no-signing-key': undefined;
  /** A token's iss differs only by a trailing slash: `iss` is the token's. */
  'token-issuer.trailing-slash': { iss: string };
  /** A token's iss differs otherwise. */
  'token-issuer.mismatch': { iss: string; expected: string };
  /** A token's aud lacks the expected audience. */
  'token-audience.mismatch': { audience: string; expect: TokenExpectations };
  /** The token lives longer than an hour. */
  'token-lifetime.long': undefined;
  /** The token lacks required scopes. */
  'token-scopes.missing': undefined;
  /** The token is a JWE. */
  'token-shape.encrypted': { expect: TokenExpectations };
  /** The token is opaque. */
  'token-shape.opaque': { expect: TokenExpectations };
  /** The token is unsigned or signed with a shared secret. */
  'token-header.symmetric': undefined;
  /** The token's kid is not published by the issuer: `issuer` is the configured one (or a stand-in). */
  'token-header.unknown-kid': { issuer: string };
}

/** The values each hint (an extra details line, or a problem the standard checks would not see) is worded with. */
export interface DoctorHintVars {
  /** issuer.registration passes on a registration_endpoint the provider may list while it is off. */
  'registration.endpoint-listed': undefined;
  /** The protected resource metadata advertises `scopes` in a form the provider resolves elsewhere. */
  'prm.short-scopes': { scopes: string[] };
}

export type DoctorFixId = keyof DoctorFixVars;
export type DoctorHintId = keyof DoctorHintVars;

/** A fixed sentence, or (for an id with values) a sentence built from them. */
export type Wording<V> = [V] extends [undefined] ? string : string | ((vars: V) => string);

export type DoctorFixes = { readonly [K in DoctorFixId]?: Wording<DoctorFixVars[K]> };
export type DoctorHints = { readonly [K in DoctorHintId]?: Wording<DoctorHintVars[K]> };

/** A provider's own explanation of a token the generic checks would only call wrong: the finding's summary and fix. */
export interface TokenDiagnosis {
  summary: string;
  fix: string;
}

/** What `doctor.tokenIssuerMismatch` sees: a token whose iss is not the configured issuer. */
export interface TokenIssuerMismatch {
  /** The token's iss. */
  iss: string;
  /** The configured issuer. */
  expected: string;
}

/** What `doctor.tokenAudience` sees, once the token's aud has been compared with the accepted audiences. */
export interface TokenAudience {
  /** The token's claims (it is an access token: Cognito binding and ID tokens were ruled out before). */
  claims: Readonly<Record<string, unknown>>;
  /** The token's aud, as a list. */
  aud: string[];
  /** The accepted audiences (at least one). */
  expected: string[];
  /** The accepted audience aud contains, if any. */
  matched: string | undefined;
  /** The generic summary of a mismatch ("The token's aud … does not include …"), to extend. */
  summary: string;
  /** Everything doctor expects of tokens (the MCP URL, for Auth0's audience routing). */
  expect: TokenExpectations;
}

/** How the registration endpoint answered doctor --probe's deliberately invalid registration. */
export interface RegistrationProbeAnswer {
  status: number;
  /** The OAuth `error`, when the answer had one. */
  error?: string;
  /** Its `error_description`. */
  description?: string;
}

/**
 * A provider's own reading of that answer: whether MCP clients may register themselves
 * (`open`) or not (`protected`), said in its terms, with its fix for `protected`.
 */
export interface RegistrationProbeReading {
  verdict: 'open' | 'protected';
  summary: string;
  details?: string[];
  fix?: string;
}

/** A provider's doctor knowledge. A provider without it (oidc, local, Google, GitHub) is judged by the issuer it is given. */
export interface ProviderDoctor {
  /** How findings name it ("Entra ID"); the provider's `name` when absent. */
  name?: string;
  /**
   * `doctor --provider` values that don't fit together: the issuer they point at, named in the fix
   * when it is not the one they build (Cognito: the user pool's own region). Absent: the built one.
   */
  suggestedIssuer?(input: ProviderInput): string | undefined;
  /** An issuer given with `--provider oidc` (or no provider at all) belongs to this provider. */
  recognizes?(issuer: URL): boolean;
  /** Its own wording of fixes; a check uses its generic one for any it leaves out. */
  fixes?: DoctorFixes;
  /** Its own lines for findings; none when absent. */
  hints?: DoctorHints;
  /**
   * token.issuer: a token from another issuer than the configured one, explained as this provider's
   * case (Okta: its org authorization server); undefined for the generic trailing-slash and
   * mismatch findings (worded with `fixes`).
   */
  tokenIssuerMismatch?(token: TokenIssuerMismatch): TokenDiagnosis | undefined;
  /**
   * token.audience: this provider's own finding for the token's aud, which fails the check even
   * when aud matched (Entra: a v1 token); undefined for the generic pass, or the generic mismatch
   * (worded with `fixes['token-audience.mismatch']`).
   */
  tokenAudience?(token: TokenAudience): TokenDiagnosis | undefined;
  /** The claims its access tokens carry scopes in (default `scope`, `scp`). */
  scopeClaims?: readonly string[];
  /**
   * Scopes its tokens grant outside those claims, counted the way its generated verifier counts
   * them (Keycloak: realm roles, and client roles as `{client}:{role}`), each with the claim it is in.
   */
  roleScopes?(claims: Readonly<Record<string, unknown>>): Array<{ claim: string; scopes: string[] }>;
  /** It documents only the OIDC append form of discovery (nothing to change when RFC 8414's URL 404s). */
  appendOnlyDiscovery?: boolean;
  /** Its registration_endpoint needs an API token of its own, so MCP clients cannot register themselves. */
  registrationNeedsApiToken?: boolean;
  /**
   * metadata.registration: it advertises Client ID Metadata Documents but refuses ChatGPT's, which
   * ChatGPT uses first (Keycloak's CIMD executor, AUTH-FACTS A.3): what the user sees, and the fix.
   */
  refusesChatGptCimd?: { summary: string; fix: string };
  /**
   * metadata.registration-probe: its reading of the answer to the deliberately invalid
   * registration, where the generic one (400 open, 401/403 an initial access token is needed)
   * would mislead (Keycloak: which anonymous access policy refused it, and why); undefined for the
   * generic reading.
   */
  registrationProbe?(answer: RegistrationProbeAnswer): RegistrationProbeReading | undefined;
  /** Tokens carry delegated scopes without the Application ID URI they are requested with (`api://…/x` arrives as `x`). */
  shortScopeGrants?: boolean;
}
