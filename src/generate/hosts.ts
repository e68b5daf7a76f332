/**
 * What each MCP host does at sign-in, for the setup checklists (and doctor's verdicts): the
 * redirect URIs it uses, whether it keeps a secret, and where its OAuth client is entered. From
 * ../shared/CLIENTS.md (public issue threads and vendor docs, late 2026).
 */

export interface Host {
  id: 'chatgpt' | 'claude' | 'claude-code' | 'vscode' | 'cursor';
  name: string;
  /** Redirect URIs to allow at the provider, exactly. `<…>` marks a part the host shows you. */
  redirectUris: string[];
  /** `confidential`: a server-side host that can keep a client secret; `public`: PKCE only. */
  client: 'confidential' | 'public';
  /** Where the client id (and secret) goes, one sentence. */
  paste: string;
  /** Refuses authorization server metadata without `code_challenge_methods_supported` containing S256. */
  needsS256: boolean;
  /**
   * How it registers as CLIENTS.md says (absent: it says nothing): `cimd` with the authorization
   * server's CIMD (`with-none`: only when `none` is also in `token_endpoint_auth_methods_supported`),
   * `dcr` by dynamic registration, `byHand` with a client id registered at the provider.
   */
  registers: { cimd?: true | 'with-none'; dcr?: true; byHand?: true };
  /**
   * Broker sign-in: how the server is added, with nothing but the MCP URL (the host registers
   * itself with the server by DCR or CIMD, and the user approves it on the consent page at each sign-in).
   * Markdown: it lands in the checklists' hosts table.
   */
  add: string;
}

export const HOSTS: readonly Host[] = [
  {
    id: 'chatgpt',
    name: 'ChatGPT',
    redirectUris: ['https://chatgpt.com/connector/oauth/<callback-id>', 'https://chatgpt.com/connector_platform_oauth_redirect'],
    client: 'confidential',
    paste:
      "Settings › Apps › Create app (developer mode): the MCP URL, then Advanced OAuth settings › User-Defined OAuth Client: client id, client secret, token endpoint auth method client_secret_post. The <callback-id> redirect URI is shown there, unique per app; add it at the provider before you sign in.",
    needsS256: true,
    // "CIMD, DCR, or a User-Defined OAuth Client"; its CIMD advertises none and private_key_jwt.
    registers: { cimd: true, dcr: true, byHand: true },
    add: 'Settings › Apps › Create app (developer mode): the MCP URL, authentication OAuth; leave the Advanced OAuth settings empty.',
  },
  {
    id: 'claude',
    name: 'claude.ai and Claude Desktop',
    redirectUris: ['https://claude.ai/api/mcp/auth_callback', 'https://claude.com/api/mcp/auth_callback'],
    client: 'confidential',
    paste: 'Settings › Connectors › Add custom connector: the MCP URL, then Advanced settings: OAuth Client ID and OAuth Client Secret.',
    needsS256: true,
    // "hosted CIMD, DCR, or your own client id (+ secret). CIMD only when the AS advertises CIMD and none".
    registers: { cimd: 'with-none', dcr: true, byHand: true },
    add: 'Settings › Connectors › Add custom connector: the MCP URL; leave Advanced settings empty.',
  },
  {
    id: 'claude-code',
    name: 'Claude Code',
    redirectUris: ['http://localhost:<port>/callback'],
    client: 'public',
    paste: 'claude mcp add --transport http --client-id <client-id> --callback-port <port> <name> <MCP URL> (pick a fixed port, e.g. 8765, and allow http://localhost:8765/callback).',
    needsS256: true,
    // --client-id; DCR "still used by … Claude" (and AUTH-FACTS: it stops without DCR). No CIMD claim.
    registers: { dcr: true, byHand: true },
    add: '`claude mcp add --transport http <name> <MCP URL>`, then `/mcp` to sign in.',
  },
  {
    id: 'vscode',
    name: 'VS Code',
    redirectUris: ['http://127.0.0.1:33418/', 'https://vscode.dev/redirect'],
    client: 'public',
    paste: 'Add the server (MCP: Add Server › HTTP, the MCP URL); with no dynamic registration VS Code asks for the client id when it first connects.',
    needsS256: false,
    // "DCR registers …; without DCR it asks for a client id". No CIMD claim.
    registers: { dcr: true, byHand: true },
    add: 'MCP: Add Server › HTTP, the MCP URL; it signs in when it first connects.',
  },
  {
    id: 'cursor',
    name: 'Cursor',
    redirectUris: ['cursor://anysphere.cursor-mcp/oauth/callback', 'https://www.cursor.com/agents/mcp/oauth/callback', 'http://localhost:8787/callback'],
    client: 'public',
    paste: 'Add the server to mcp.json with its URL; Cursor asks for the client id when the server offers no dynamic registration.',
    needsS256: false,
    // DCR "still used by … Cursor"; its redirect URIs are listed for a client registered at the provider. No CIMD claim.
    registers: { dcr: true, byHand: true },
    add: 'Add the server to `mcp.json`: `{ "mcpServers": { "<name>": { "url": "<MCP URL>" } } }`.',
  },
];

/** Hosts that refuse a provider whose metadata lacks S256 (direct sign-in on Entra or Cognito). */
export function hostsRefusingWithoutS256(): string {
  return HOSTS.filter((host) => host.needsS256).map((host) => host.name).join(', ');
}

/** What an authorization server's metadata offers for registration. */
export interface RegistrationOffer {
  /** `client_id_metadata_document_supported: true`. */
  cimd: boolean;
  /** A `registration_endpoint`. */
  dcr: boolean;
  /** `none` in `token_endpoint_auth_methods_supported`. */
  none: boolean;
}

/** What an authorization server metadata document offers for registration. */
export function registrationOffer(doc: Record<string, unknown>): RegistrationOffer {
  const methods = doc['token_endpoint_auth_methods_supported'];
  return {
    cimd: doc['client_id_metadata_document_supported'] === true,
    dcr: typeof doc['registration_endpoint'] === 'string',
    none: Array.isArray(methods) && methods.includes('none'),
  };
}

/**
 * How `host` registers with an authorization server offering `offer` (the order of 2026-07-28:
 * CIMD, then DCR, then a client registered by hand), or undefined where CLIENTS.md does not say:
 * a host it gives no CIMD claim for may still use an offered CIMD, so without DCR that stays open.
 */
export function hostRegistration(host: Host, offer: RegistrationOffer): 'cimd' | 'dcr' | 'by-hand' | undefined {
  const { cimd, dcr, byHand } = host.registers;
  if (offer.cimd && (cimd === true || (cimd === 'with-none' && offer.none))) return 'cimd';
  if (offer.dcr && dcr) return 'dcr';
  if (offer.cimd && cimd === undefined) return undefined;
  return byHand ? 'by-hand' : undefined;
}

/** Broker sign-in: the server's own redirect URI at the provider, on the origin of the MCP URL. */
export function brokerCallbackUrl(resource: string): string {
  return `${new URL(resource).origin}/oauth/callback`;
}
