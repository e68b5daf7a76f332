import type { SignIn } from '../issuer/types.js';
import type { ProviderDoctor } from './doctor.js';
import type { ProviderId } from './index.js';

export type { ProviderId, SignIn };

/** Provider-specific values, as given by flags or prompts (before defaults). */
export interface ProviderInput {
  domain?: string;
  authServer?: string;
  tenant?: string;
  region?: string;
  userPool?: string;
  clientId?: string[];
  realm?: string;
  /** Who may sign in through the broker (Google: email addresses and Workspace domains; GitHub: logins and org:<name>). */
  allow?: string[];
  issuer?: string;
}

export type FieldKey = 'domain' | 'authServer' | 'tenant' | 'region' | 'userPool' | 'clientId' | 'realm' | 'allow' | 'issuer';

/** One value a provider asks for: its flag, its prompt, its check. */
export interface Field {
  key: FieldKey;
  /** The flag, e.g. `--domain`. */
  flag: string;
  /** The question asked on a terminal. */
  message: string;
  /** Shown under the question / in errors: an example value. */
  example: string;
  /** A value used when the flag is missing (then the field is never "missing"). */
  default?: (input: ProviderInput) => string | undefined;
  /** The default is derived from other answers (e.g. the region from the pool id): not asked when there is one. */
  derived?: boolean;
  /** Normalises a typed value (e.g. strips `https://` from a domain); returns it unchanged if there is nothing to do. */
  normalize?: (value: string) => string;
  /** `true`, or one sentence saying what is wrong and what to type instead. */
  validate: (value: string, input: ProviderInput) => true | string;
  /** Several values (comma or space separated), e.g. Cognito app client ids. */
  multiple?: boolean;
  /** Used only to build the issuer, so not needed when `--issuer` is given. */
  buildsIssuer?: boolean;
}

/** What the generated project needs from a provider. */
export interface ProviderSettings {
  issuer: string;
  /** `OAUTH_AUDIENCE` values (empty for Cognito, which binds by client id). */
  audiences: string[];
  /** `OAUTH_CLIENT_IDS` values. */
  clientIds: string[];
  scopes: string[];
}

/**
 * A provider module. `Id` is its id as a literal type (`Provider<'auth0'>`): the compiler checks the
 * `id` field against it, and `ProviderId` is the union of the ids in the list (src/providers/index.ts).
 */
export interface Provider<Id extends string = ProviderId> {
  id: Id;
  /** Display name, e.g. "Microsoft Entra ID". */
  name: string;
  /** One line for the provider menu. */
  hint: string;
  fields: Field[];
  /** Builds the issuer from the fields. Throws `UsageError` for a choice that cannot work, with why. */
  buildIssuer(input: ProviderInput): string;
  /** Reads the provider's fields back from an issuer given with `--issuer` (for the checklist). */
  parseIssuer?(issuer: URL): ProviderInput;
  /**
   * When the discovery document names a different issuer that is still the same authority (Entra
   * names a tenant given by domain with its id), the issuer to use instead, with the fields it
   * implies; otherwise undefined, and the mismatch stands.
   */
  adoptIssuer?(configured: string, documentIssuer: string): { issuer: string; input: ProviderInput } | undefined;
  /**
   * For a provider with no discovery document to check (GitHub: its endpoints are fixed), the line
   * `create` and `auth` print instead of running the issuer check; the check is then not applicable.
   */
  issuerNote?(issuer: string): string;
  /** The provider publishes no discovery document at all (GitHub): `doctor` has nothing to check at its issuer. */
  noDiscovery?: boolean;
  /**
   * For a provider that has no tokens for this server (broker only): the scopes the broker asks of
   * it, given the allow-list, and how the broker learns who signed in (a phrase for AUTH_SETUP.md).
   */
  broker?: { scopes(allow: string[]): string[]; identity: string; /** What `OAUTH_BROKER_ALLOW` lists for it. */ allowHelp: string };
  /** Checks an issuer given with `--issuer` for this provider (e.g. Okta's org server is refused). */
  checkIssuer?(issuer: string): true | string;
  /**
   * Default audiences for this resource and sign-in mode (`signIn` absent: the provider's default
   * mode, as `create` would choose it). `audience` is the one given (`--audience`), if any.
   */
  defaultAudiences(input: ProviderInput, resource: string, audience: string | undefined, signIn?: SignIn): string[];
  /** Default scopes. */
  defaultScopes(input: ProviderInput, resource: string, audiences: string[]): string[];
  /** No open dynamic client registration: ChatGPT needs a client registered in the provider's console. */
  preRegisteredClient: boolean;
  /** Whether `--audience` means anything for this provider. */
  acceptsAudience: boolean;
  /**
   * When the audience `--audience` gives is not the first of `defaultAudiences`: where it is, and
   * the question that asks for it (Entra: the Application ID URI, after the API's client id).
   * Absent: the first, asked as "Audience (aud) of access tokens".
   */
  typedAudience?: { index: number; message: string };
  /** Without `acceptsAudience`: the usage error `--audience` gets, saying what binds tokens instead. */
  audienceRefusal?: string;
  /** Access tokens have no audience; they are bound to the app clients in `OAUTH_CLIENT_IDS` (Cognito). */
  bindsByClientId?: boolean;
  /** The sign-in modes this provider can be used with, the default first. */
  signIn: readonly [SignIn, ...SignIn[]];
  /**
   * The one form scopes are stored and compared in, whichever form the user typed (Entra: qualified
   * with the Application ID URI, as hosts must request them); unchanged when there is nothing to do.
   */
  normalizeScopes?(scopes: string[], audiences: string[]): string[];
  /**
   * What this provider's own templates (templates/providers/<id>/) need beyond the shared context
   * (Cognito: the resource servers its scopes need; Entra: the Application ID URI), merged into the
   * context they are rendered with. Its keys must not be the shared context's.
   */
  templateData?(settings: ProviderSettings): Record<string, unknown>;
  /** One line `create` and `auth` print about a setting these answers depend on (Auth0: which audience setting applies). */
  setupNote?(settings: { resource: string; audiences: string[]; signIn: SignIn }): string | undefined;
  /**
   * What doctor knows about it: its name in findings, the issuers it recognises, its own fixes and
   * hints (src/providers/doctor.ts). Absent: findings are worded for whichever provider recognises
   * the issuer, else generically.
   */
  doctor?: ProviderDoctor;
}
