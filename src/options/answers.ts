import type { ProviderId, ProviderInput, SignIn } from '../providers/index.js';

export type AuthMode = 'required' | 'mixed';
export type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'bun';

/** Everything `create` needs, resolved and validated. Produced by `resolveCreateAnswers`. */
export interface Answers {
  /** Absolute path of the project folder. */
  targetDir: string;
  /** The folder as the user wrote it (for messages and `cd`). */
  targetArg: string;
  /** npm package name, from the folder name. */
  projectName: string;
  provider: ProviderId;
  /** The provider's own values (domain, tenant, …), normalised. */
  providerInput: ProviderInput;
  /** The issuer, byte for byte as the provider's discovery document must say it. */
  issuer: string;
  /** Public URL of the MCP endpoint. */
  resource: string;
  audiences: string[];
  clientIds: string[];
  scopes: string[];
  authMode: AuthMode;
  /** How hosts sign users in (SPEC §9). */
  signIn: SignIn;
  /** `broker` sign-in: the server's own client at the provider (`OAUTH_BROKER_CLIENT_ID`); absent otherwise. */
  brokerClientId?: string;
  /**
   * `broker` sign-in: that client's secret, from `OAUTH_BROKER_CLIENT_SECRET` in the environment, a
   * masked prompt, or (auth) the project's `.env`. Written only to `.env`: never to fastapps.json,
   * `.env.example`, the terminal or the equivalent command.
   */
  brokerClientSecret?: string;
  skipIssuerCheck: boolean;
  install: boolean;
  git: boolean;
  pm: PackageManager;
  force: boolean;
  timeoutMs: number;
}

/**
 * Raw option values from commander (camelCase of the flags in SPEC §3): the provider's fields as
 * typed (not yet normalised or validated), and the rest.
 */
export interface CreateFlags extends ProviderInput {
  provider?: string;
  resource?: string;
  audience?: string;
  scopes?: string;
  authMode?: string;
  signIn?: string;
  brokerClientId?: string;
  skipIssuerCheck?: boolean;
  install?: boolean;
  git?: boolean;
  pm?: string;
  force?: boolean;
  yes?: boolean;
  timeout?: string;
}

export const DEFAULT_RESOURCE = 'http://localhost:3000/mcp';
export const DEFAULT_TIMEOUT_MS = 5000;
