/**
 * What a browser does with cookies, as strictly as browsers do: kept per host name (ports do not
 * count, as in browsers), sent only on their path (longest path first), replaced by name and path,
 * deleted when set empty or expired. Sign-in flows that bind a step to "this browser" (oidc-provider's
 * path-scoped interaction cookie) are tested against this, not against a jar that sends everything.
 */
export class CookieJar {
  private cookies: Array<{ host: string; name: string; value: string; path: string }> = [];

  /** The `Cookie` header for a request to `url`, or undefined. */
  header(url: URL): string | undefined {
    const matching = this.cookies.filter((cookie) => cookie.host === url.hostname && url.pathname.startsWith(cookie.path)).sort((a, b) => b.path.length - a.path.length);
    return matching.length > 0 ? matching.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ') : undefined;
  }

  /** Keeps the cookies `response` (to a request for `url`) sets. */
  store(url: URL, response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      if (eq <= 0) continue;
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const path = attributes.map((attribute) => /^\s*path=(.*)$/i.exec(attribute)?.[1]?.trim()).find(Boolean) ?? '/';
      this.cookies = this.cookies.filter((cookie) => !(cookie.host === url.hostname && cookie.name === name && cookie.path === path));
      const expired = /expires=Thu, 01 Jan 1970/i.test(line) || /max-age=0\b/i.test(line);
      if (value && !expired) this.cookies.push({ host: url.hostname, name, value, path });
    }
  }
}

/** A browser that keeps cookies (`CookieJar`) and does not follow redirects by itself. */
export class Browser {
  readonly jar = new CookieJar();

  async go(url: string, init: { method?: string; body?: string } = {}): Promise<Response> {
    const target = new URL(url);
    const headers: Record<string, string> = { accept: 'text/html' };
    const cookie = this.jar.header(target);
    if (cookie) headers.cookie = cookie;
    if (init.body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(url, { method: init.method ?? 'GET', headers, body: init.body, redirect: 'manual' });
    this.jar.store(target, response);
    return response;
  }
}
