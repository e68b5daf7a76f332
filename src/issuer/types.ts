/**
 * The check engine shared by `create` (pre-write issuer check), `doctor` and `auth`.
 * A check is a small object; running it yields one finding (or several, for checks that
 * naturally report per URL). Nothing here prints: the UI layer renders findings.
 */
import type { ProviderId } from '../providers/index.js';

export type Status = 'pass' | 'warn' | 'fail' | 'info' | 'skip';

export interface Finding {
  /** Stable id, e.g. `discovery.issuer-echo`; used by `--json` consumers and `--skip`. */
  id: string;
  /** Short title, e.g. "Issuer in the discovery document matches". */
  title: string;
  status: Status;
  /** What was seen, one line each (URLs, values, diffs). */
  details: string[];
  /** For warn/fail: the concrete fix, naming the provider's own setting where one applies. */
  fix?: string;
  /**
   * One sentence saying what was found; for warn/fail it names the problem (and the URL or value
   * involved), so it can stand alone on stderr. `details` then carries the supporting lines.
   */
  summary?: string;
}

/** A provider's id, the union of the ids in the provider list (src/providers/index.ts). */
export type { ProviderId };

/**
 * How hosts sign users in (SPEC §9): `direct` points them at the provider; `facade` publishes the
 * server's own authorization server metadata (S256 advertised, only this server's scopes) over the
 * provider's endpoints, adapting what the provider rejects, with the provider's tokens; `broker`
 * makes the server the authorization server hosts register with (DCR, CIMD), signing users in at
 * the provider with its own confidential client and issuing its own tokens.
 */
export type SignIn = 'direct' | 'facade' | 'broker';

/** Options every network request takes. */
export interface NetOptions {
  /** Per-request timeout in milliseconds (SPEC: `--timeout`, default 5000). */
  timeoutMs: number;
  /** Body size cap in bytes (default 512 KiB for documents). */
  maxBytes?: number;
  /** Aborts everything (Ctrl+C). */
  signal?: AbortSignal;
}

/**
 * The provider family an issuer belongs to, used to word fixes with the provider's own settings:
 * a provider whose module has doctor knowledge (`Provider.doctor`), chosen or recognised from the
 * issuer (src/issuer/flavor.ts); `generic` is any other server.
 */
export type Flavor = ProviderId | 'generic';

/** What `checkIssuer` is asked to check. */
export interface CheckIssuerInput {
  /** The issuer exactly as it will be configured (byte-exact comparisons use this string). */
  issuer: string;
  /** The provider the user chose; when absent (or `oidc`) the family is inferred from the issuer. */
  provider?: ProviderId;
  /** A client id will be pasted into the MCP client, so no registration endpoint is needed. */
  preRegisteredClient?: boolean;
  /** Per-request timeout in milliseconds. */
  timeoutMs: number;
  /** Aborts every request (Ctrl+C); `checkIssuer` then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Opt-in: POST deliberately invalid metadata to `registration_endpoint` (AUTH-FACTS item 14). */
  probeRegistration?: boolean;
  /** The sign-in mode the server will use (`create`, `auth`, a project's `doctor`); checks what it needs. */
  signIn?: SignIn;
  /** The MCP URL, when known: the broker's callback at the provider is on its origin. */
  resource?: string;
  /** The broker's own client at the provider, when known (a project's `fastapps.json`). */
  brokerClientId?: string;
}

/** The result of `checkIssuer`. */
export interface IssuerReport {
  /** The issuer that was checked, as given. */
  issuer: string;
  /** One finding per check, in a stable order (see `CHECK_IDS`). */
  findings: Finding[];
  /** The discovery document that was used (the first valid candidate in MCP client order). */
  discovery?: { url: string; doc: Record<string, unknown> };
  /** The key set: its URI, how many keys are usable for verifying tokens, and every key as published. */
  jwks?: { uri: string; usable: number; keys: unknown[]; ignored: Array<{ kid?: string; reason: string }> };
  /** True when no finding has status `fail`. */
  ok: boolean;
  /**
   * True when the issuer could not be reached from here at all (DNS, refused, reset, TLS, timeout):
   * no network, a proxy or a VPN, rather than a wrong document. `create` and `auth` then name
   * `--skip-issuer-check` and `doctor` for later.
   */
  unreachable?: true;
}
