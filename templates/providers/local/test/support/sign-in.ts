/**
 * A scripted browser and an MCP SDK `OAuthClientProvider`, to sign in to the local development
 * authorization server the way a real client does: registration, PKCE, the login and consent
 * pages, and the redirect back with a code.
 */
import type { OAuthClientMetadata, OAuthClientProvider, OAuthDiscoveryState, StoredOAuthClientInformation, StoredOAuthTokens } from '@modelcontextprotocol/client';

/** Cookie jar + manual redirects; stops when a redirect leaves `authServerOrigin` (the client's callback). */
export class Browser {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly authServer: string) {}

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value && !/expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.set(name, value);
      else this.cookies.delete(name);
    }
    return response;
  }

  private async follow(url: string, init?: RequestInit): Promise<{ url: string; response?: Response }> {
    let next = url;
    let response = await this.request(next, init);
    while (response.status >= 300 && response.status < 400) {
      next = new URL(response.headers.get('location') ?? '', next).href;
      if (!next.startsWith(this.authServer)) return { url: next };
      response = await this.request(next);
    }
    return { url: next, response };
  }

  /** Signs in as `name` and allows access; returns the URL the browser is sent back to. */
  async signIn(authorizationUrl: string, name: string): Promise<URL> {
    let step = await this.follow(authorizationUrl);
    for (let pages = 0; step.response; pages++) {
      if (pages > 4) throw new Error('the sign-in did not finish after 4 pages');
      const html = await step.response.text();
      if (step.response.status !== 200) throw new Error(`sign-in page answered ${step.response.status}: ${html.slice(0, 200)}`);
      const form: Record<string, string> = /name="name"/.test(html) ? { action: 'login', name } : { action: 'allow' };
      step = await this.follow(step.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      });
    }
    return new URL(step.url);
  }
}

/** In-memory client state; "redirecting" to the authorization URL drives the `Browser`. */
export class ScriptedOAuthClient implements OAuthClientProvider {
  readonly redirectUrl = 'http://127.0.0.1:53682/callback';
  callback: URL | undefined;
  private info: StoredOAuthClientInformation | undefined;
  private saved: StoredOAuthTokens | undefined;
  private verifier = '';
  private discovery: OAuthDiscoveryState | undefined;

  constructor(
    private readonly browser: Browser,
    private readonly user: string,
  ) {}

  get clientMetadata(): OAuthClientMetadata {
    return { client_name: 'test client', redirect_uris: [this.redirectUrl], token_endpoint_auth_method: 'none' };
  }
  clientInformation() {
    return this.info;
  }
  saveClientInformation(info: StoredOAuthClientInformation) {
    this.info = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: StoredOAuthTokens) {
    this.saved = tokens;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
  saveDiscoveryState(state: OAuthDiscoveryState) {
    this.discovery = state;
  }
  discoveryState() {
    return this.discovery;
  }
  async redirectToAuthorization(url: URL) {
    this.callback = await this.browser.signIn(url.href, this.user);
  }
}
