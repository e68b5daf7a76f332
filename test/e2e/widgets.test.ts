/**
 * The generated project's widgets (templates/project/web/) in a real browser: built by the
 * project's build-ui script, embedded by a host page that speaks MCP Apps through AppBridge,
 * and fed tool inputs and results like the ones src/tools/hello.ts and src/tools/whoami.ts return.
 *
 * Needs Chromium (CHROMIUM_PATH, default /usr/bin/chromium) and node_modules with esbuild and
 * @modelcontextprotocol/ext-apps for the project (WIDGETS_NODE_MODULES).
 */
import { cp, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWidgetHost, type ToolResult, type WidgetHost } from '../helpers/widget-host.js';

const templateDir = fileURLToPath(new URL('../../templates/project/', import.meta.url));
const nodeModules = process.env.WIDGETS_NODE_MODULES ?? '/tmp/proto/node_modules';

const WAIT = { timeout: 10_000 };

const challenge = (error: string, description: string): ToolResult => ({
  isError: true,
  content: [{ type: 'text', text: description }],
  _meta: {
    'mcp/www_authenticate': [
      `Bearer resource_metadata="http://127.0.0.1:3000/.well-known/oauth-protected-resource/mcp", error="${error}", error_description="${description}", scope="openid mcp:read"`,
    ],
  },
});

describe('widgets in a browser MCP Apps host', () => {
  let projectDir: string;
  let host: WidgetHost;

  beforeAll(async () => {
    projectDir = await mkdtemp(path.join(tmpdir(), 'fastapps-widgets-'));
    await cp(templateDir, projectDir, { recursive: true, filter: (source) => !/[\\/](node_modules|dist)$/.test(source) });
    await symlink(nodeModules, path.join(projectDir, 'node_modules'), 'dir');
    host = await startWidgetHost({ projectDir });
  });

  afterAll(async () => {
    await host?.close();
    if (projectDir) await rm(projectDir, { recursive: true, force: true });
  });

  it('builds one self-contained HTML file per widget', () => {
    expect(host.buildOutput).toMatch(/hello\s+dist\/ui\/hello\.html\s+[\d.]+ kB/);
    expect(host.buildOutput).toMatch(/whoami\s+dist\/ui\/whoami\.html\s+[\d.]+ kB/);
  });

  it('hello: shows the greeting from structuredContent, as text, in the host theme', async () => {
    const widget = await host.open('hello', { hostContext: { theme: 'dark', locale: 'en-US' } });
    await widget.sendToolInput({ name: 'Ada' });
    await widget.view.getByText('Writing a greeting for Ada…').waitFor(WAIT);

    const greeting = 'Hello, <img src=x onerror="document.title=1">Ada!';
    await widget.sendToolResult({ content: [{ type: 'text', text: greeting }], structuredContent: { greeting, name: 'Ada', locale: 'fr-FR' } });
    const heading = widget.view.getByRole('heading', { level: 1 });
    await heading.waitFor(WAIT);
    expect(await heading.textContent()).toBe(greeting);
    expect(await widget.view.locator('img').count()).toBe(0);
    expect(await widget.view.getByText('Your language: français (France)').count()).toBe(1);
    expect(await widget.view.locator('[lang="fr-FR"]').textContent()).toBe('français (France)');
    expect(await widget.view.getAttribute('data-theme')).toBe('dark');
    expect(await widget.view.locator('main').getAttribute('aria-busy')).toBeNull();

    await widget.changeHostContext({ theme: 'light' });
    await expect.poll(() => widget.view.getAttribute('data-theme')).toBe('light');
    expect(widget.errors).toEqual([]);
  });

  it('whoami: shows the subject, the scopes and the provider', async () => {
    const widget = await host.open('whoami', { hostContext: { theme: 'light', locale: 'en-US' } });
    const expiresAt = new Date(Date.now() + 30 * 60_000).toISOString();
    await widget.sendToolResult({
      content: [{ type: 'text', text: 'Signed in as auth0|ada via Auth0 (scopes: openid mcp:read).' }],
      structuredContent: {
        subject: 'auth0|ada',
        clientId: 'chatgpt-client',
        scopes: ['openid', 'mcp:read'],
        provider: 'Auth0',
        issuer: 'https://tenant.example.com/',
        expiresAt,
        profile: { name: 'Ada Lovelace', email: 'ada@example.com' },
      },
    });

    await widget.view.getByRole('heading', { name: 'Ada Lovelace' }).waitFor(WAIT);
    expect(await widget.view.getByText('auth0|ada', { exact: true }).count()).toBe(1);
    expect(await widget.view.getByRole('list', { name: 'Scopes' }).getByRole('listitem').allTextContents()).toEqual(['openid', 'mcp:read']);
    expect(await widget.view.getByText('Signed in with Auth0').count()).toBe(1);
    expect(await widget.view.getByText('ada@example.com').count()).toBe(1);
    expect(await widget.view.locator(`time[datetime="${expiresAt}"]`).textContent()).toMatch(/\(in 30 minutes\)$/);
    expect(widget.errors).toEqual([]);
  });

  it('whoami: shows "not signed in" for the sign-in challenge result', async () => {
    const widget = await host.open('whoami');
    await widget.sendToolResult(challenge('invalid_token', 'Sign in to use this tool.'));

    await widget.view.getByRole('heading', { name: 'Not signed in' }).waitFor(WAIT);
    expect(await widget.view.getByText('Sign in to use this tool.').count()).toBe(1);
    expect(await widget.view.locator('dl').count()).toBe(0);
    expect(widget.errors).toEqual([]);
  });

  it('whoami: asks for more access on an insufficient_scope challenge', async () => {
    const widget = await host.open('whoami');
    await widget.sendToolResult(challenge('insufficient_scope', 'This tool needs the scope mcp:read.'));

    await widget.view.getByRole('heading', { name: 'More access needed' }).waitFor(WAIT);
    expect(await widget.view.getByRole('list', { name: 'Scopes needed' }).getByRole('listitem').allTextContents()).toEqual(['openid', 'mcp:read']);
  });

  it("hello: renders from ChatGPT's legacy window.openai.toolOutput", async () => {
    const widget = await host.openWithOpenAiGlobals('hello', { theme: 'dark', toolOutput: { greeting: 'Hello, Grace!', name: 'Grace', locale: null } });

    await widget.view.getByRole('heading', { name: 'Hello, Grace!' }).waitFor(WAIT);
    expect(await widget.view.getAttribute('data-theme')).toBe('dark');
    expect(widget.errors).toEqual([]);
  });
});
