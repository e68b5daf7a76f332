/**
 * What doctor is asked to check, from the argument and flags (or `fastapps.json`), validated
 * before any request: the issuer and where it came from, the server, the token, what a token must
 * carry, and doctor's own options. Every mistake here is a usage error (exit 2).
 */
import type { Finding } from '../issuer/types.js';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { getProvider, type ProviderId } from '../providers/index.js';
import { localIssuer } from '../providers/local.js';
import { splitList, validateScope } from '../providers/validate.js';
import { ALL_IDS, SKIP_GROUPS } from './ids.js';
import { findProjectRoot, ManifestError, readProject, type RecordedProject } from '../generate/manifest.js';
import { resolveProvider, type ProviderFlags } from './provider-input.js';
import { readTimeout } from './timeout.js';
import { readSampleToken, type SampleToken } from './token-source.js';

/** Commander's option values for `doctor` (camelCase of the flags). */
export interface DoctorFlags extends ProviderFlags {
  audience?: string;
  scopes?: string;
  authMode?: string;
  timeout?: string;
  server?: string;
  token?: string;
  tokenFile?: string;
  json?: boolean;
  strict?: boolean;
  probe?: boolean;
  skip?: string[];
}

/** Where the issuer to check came from. */
export type IssuerSource = 'argument' | '--issuer' | '--provider' | 'fastapps.json' | 'server' | 'token';

/** Everything doctor will check, resolved. */
export interface DoctorInput {
  /** The argument, when it still has to be classified (issuer or MCP endpoint). */
  target?: string;
  /** The issuer to check, when known before any request. */
  issuer?: string;
  issuerSource?: IssuerSource;
  provider?: ProviderId;
  /** The provider needs a pre-registered client (no open registration). */
  preRegisteredClient?: boolean;
  server?: string;
  token?: SampleToken;
  project?: RecordedProject;
  /** Expectations for the server and the token; undefined members are unknown. */
  expect: {
    resource?: string;
    audiences?: string[];
    clientIds?: string[];
    scopes?: string[];
    authMode?: 'required' | 'mixed';
    /** `--audience` as typed, for provider defaults computed later (e.g. from the server URL). */
    audienceFlag?: string;
    /** Scope hierarchies (`OAUTH_SCOPE_IMPLIES` of the environment, or of the project's `.env`). */
    implies?: ReadonlyMap<string, readonly string[]>;
  };
  /** Findings about the input itself (`input.provider-fields`). */
  findings: Finding[];
  timeoutMs: number;
  json: boolean;
  strict: boolean;
  /** `--probe`: also send the authorization server the deliberately invalid registration (AUTH-FACTS 14). */
  probe: boolean;
  /** Check ids to report as skipped. */
  skip: Set<string>;
}

function parseTimeout(value: string | undefined): number {
  const ms = readTimeout(value);
  if (ms === undefined) throw new UsageError(`--timeout: "${value}" is not a timeout in milliseconds between 100 and 600000.`);
  return ms;
}

/** `--skip a,b --skip c`: ids or groups (`server`, `jwks`, …), expanded to ids. */
export function parseSkip(values: string[] | undefined): Set<string> {
  const out = new Set<string>();
  for (const item of splitList(values)) {
    if (ALL_IDS.includes(item)) out.add(item);
    else if (SKIP_GROUPS.includes(item)) for (const id of ALL_IDS.filter((i) => i.startsWith(`${item}.`))) out.add(id);
    else throw new UsageError(`--skip: "${item}" is not a check id or group.`, `Groups: ${SKIP_GROUPS.join(', ')}. Ids: ${ALL_IDS.join(', ')}.`);
  }
  return out;
}

function parseUrl(flag: string, value: string, example: string): string {
  const text = value.trim();
  if (!URL.canParse(text) || !/^https?:$/.test(new URL(text).protocol)) throw new UsageError(`${flag}: "${value}" is not an http(s) URL; give e.g. ${example}.`);
  return text;
}

function expectations(flags: DoctorFlags, project: RecordedProject | undefined, provider: ProviderId | undefined): DoctorInput['expect'] {
  const m = project?.settings;
  if (flags.authMode !== undefined && flags.authMode !== 'required' && flags.authMode !== 'mixed') throw new UsageError(`--auth-mode: "${flags.authMode}" is not a mode; use required or mixed.`);
  // Tokens bound by client id have no aud to compare (Cognito); the local provider's aud is the resource, which doctor may be given.
  const bound = provider === undefined ? undefined : getProvider(provider);
  if (flags.audience !== undefined && bound?.bindsByClientId === true && bound.audienceRefusal !== undefined) throw new UsageError(bound.audienceRefusal);
  const scopes = flags.scopes !== undefined ? splitList(flags.scopes) : m?.scopes;
  for (const scope of scopes ?? []) {
    const ok = validateScope(scope);
    if (ok !== true) throw new UsageError(`--scopes: ${ok}`);
  }
  const clientIds = flags.clientId !== undefined ? splitList(flags.clientId) : m?.clientIds;
  const audiences = flags.audience !== undefined ? undefined : m?.audiences;
  const authMode = (flags.authMode as 'required' | 'mixed' | undefined) ?? m?.authMode;
  const resource = flags.resource !== undefined ? parseUrl('--resource', flags.resource, 'https://my-app.example.com/mcp') : m?.resource;
  return {
    ...(resource ? { resource } : {}),
    ...(audiences?.length ? { audiences } : {}),
    ...(clientIds?.length ? { clientIds } : {}),
    ...(scopes?.length ? { scopes } : {}),
    ...(authMode ? { authMode } : {}),
    ...(flags.audience !== undefined ? { audienceFlag: flags.audience.trim() } : {}),
  };
}

/**
 * Resolves the argument and flags. Precedence: an argument (issuer or MCP URL) or `--issuer` or
 * `--provider`; otherwise `fastapps.json` in this folder or above; otherwise `--server` / `--token`
 * alone (their issuer is found from the server's metadata or the token's `iss`).
 */
export async function resolveInput(arg: string | undefined, flags: DoctorFlags, io: { cwd: string; stdin: NodeJS.ReadableStream }): Promise<DoctorInput> {
  const timeoutMs = parseTimeout(flags.timeout);
  const skip = parseSkip(flags.skip);
  if (arg !== undefined && flags.provider !== undefined) throw new UsageError(`Give either an issuer URL (${arg}) or --provider with its flags, not both.`);
  if (arg !== undefined && flags.issuer !== undefined) throw new UsageError(`Give the issuer once: as the argument (${arg}) or with --issuer, not both.`);
  const server = flags.server !== undefined ? parseUrl('--server', flags.server, 'https://my-app.example.com/mcp') : undefined;
  const token = await readSampleToken(flags, io);
  const base = { timeoutMs, json: flags.json === true, strict: flags.strict === true, probe: flags.probe === true, skip, findings: [] as Finding[] };
  const withOptional = <T extends object>(input: T) => ({ ...input, ...(server ? { server } : {}), ...(token ? { token } : {}) });

  // 1. An argument: an issuer URL, or an MCP endpoint (classified once requests can be made).
  if (arg !== undefined) {
    if (arg.trim() === '') throw new UsageError('The issuer URL argument is empty.');
    return withOptional({ ...base, target: arg, expect: expectations(flags, undefined, undefined) });
  }
  // 2. --provider with its fields (or --issuer alone, like oidc).
  if (flags.provider !== undefined) {
    const resource = flags.resource ?? server;
    const resolution = resolveProvider(flags, resource ?? 'http://localhost:3000/mcp');
    const expect = expectations(flags, undefined, resolution.provider.id);
    if (resolution.input.clientId?.length) expect.clientIds = resolution.input.clientId;
    return withOptional({
      ...base,
      findings: [resolution.finding],
      ...(resolution.issuer ? { issuer: resolution.issuer, issuerSource: '--provider' as const } : {}),
      provider: resolution.provider.id,
      preRegisteredClient: resolution.provider.preRegisteredClient,
      expect,
    });
  }
  if (flags.issuer !== undefined) {
    if (flags.domain ?? flags.tenant ?? flags.userPool ?? flags.region ?? flags.authServer ?? flags.realm) throw new UsageError('--domain, --tenant, --user-pool, --region, --auth-server and --realm need --provider.');
    return withOptional({ ...base, issuer: flags.issuer.trim(), issuerSource: '--issuer' as const, expect: expectations(flags, undefined, undefined) });
  }
  // 3. Inside a generated project.
  const root = findProjectRoot(io.cwd);
  if (root) {
    const project = readManifestForDoctor(root);
    const m = project.settings;
    const provider = getProvider(m.provider);
    const issuer = m.provider === 'local' ? localIssuer(m.resource) : m.issuer;
    return withOptional({ ...base, project, issuer, issuerSource: 'fastapps.json' as const, provider: m.provider, preRegisteredClient: provider.preRegisteredClient, expect: expectations(flags, project, m.provider) });
  }
  // 4. A server or a token alone.
  if (server || token) return withOptional({ ...base, expect: expectations(flags, undefined, undefined) });
  throw new UsageError(
    'Nothing to check: give an issuer URL, --provider with its flags, --server <mcp-url> or --token, or run doctor inside a project created by create-fastapps (it reads fastapps.json).',
    'Examples: npx create-fastapps doctor https://acme.us.auth0.com/ · npx create-fastapps doctor --server https://my-app.example.com/mcp',
  );
}

/** The project's fastapps.json; one doctor cannot use is a usage error (run doctor with an issuer instead). */
function readManifestForDoctor(root: string): RecordedProject {
  try {
    return readProject(root, path.join(root, 'fastapps.json'));
  } catch (error) {
    if (error instanceof ManifestError) throw new UsageError(error.message, `${error.hint} Or run doctor with an issuer URL or --provider instead.`);
    throw error;
  }
}
