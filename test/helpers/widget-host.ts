/**
 * A real browser playing an MCP Apps host for a project's widgets.
 *
 * `startWidgetHost({ projectDir })` builds the widgets (`node scripts/build-ui.mjs`), serves on
 * 127.0.0.1 a host page and the built `dist/ui/<name>.html`, and starts Chromium through
 * playwright-core. `open(name)` loads the host page, which embeds the widget in a sandboxed iframe
 * (opaque origin, the MCP Apps default CSP) and connects to it with `AppBridge` from
 * `@modelcontextprotocol/ext-apps/app-bridge` (bundled from the project's node_modules), so the
 * widget's `App` runs the real handshake; the test then sends the tool input and result.
 *
 * Needs a Chromium binary: $CHROMIUM_PATH, default /usr/bin/chromium (Debian: apt-get install chromium).
 */
import { build } from 'esbuild';
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

/** A `CallToolResult`, as a host delivers it to a widget. */
export interface ToolResult {
  content: Array<{ type: 'text'; text: string }>;
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
  _meta?: Record<string, unknown>;
}

export interface RenderedWidget {
  page: Page;
  /** The widget's document (`:root`), to query with getByRole() and friends. */
  view: Locator;
  /** Console errors and uncaught exceptions of the page and the widget so far. */
  errors: string[];
}

export interface OpenWidget extends RenderedWidget {
  /** `ui/notifications/tool-input`. */
  sendToolInput(args: Record<string, unknown>): Promise<void>;
  /** `ui/notifications/tool-result`. */
  sendToolResult(result: ToolResult): Promise<void>;
  /** `ui/notifications/host-context-changed`, e.g. `{ theme: 'light' }`. */
  changeHostContext(context: Record<string, unknown>): Promise<void>;
}

export interface WidgetHost {
  /** What build-ui printed: one line per widget. */
  buildOutput: string;
  /** Base URL of the server, e.g. http://127.0.0.1:41234. */
  url: string;
  /**
   * A fresh host page embedding `dist/ui/<name>.html`, after the MCP Apps handshake.
   * `hostContext` is what the host tells the widget in `ui/initialize` (theme, locale, …).
   */
  open(name: string, options?: { hostContext?: Record<string, unknown> }): Promise<OpenWidget>;
  /** A page that loads `dist/ui/<name>.html` directly with ChatGPT's legacy `window.openai` globals. */
  openWithOpenAiGlobals(name: string, globals: Record<string, unknown>): Promise<RenderedWidget>;
  close(): Promise<void>;
}

export interface WidgetHostOptions {
  /** A project with `web/`, `scripts/build-ui.mjs` and node_modules (esbuild, @modelcontextprotocol/ext-apps). */
  projectDir: string;
  /** Default: $CHROMIUM_PATH, else /usr/bin/chromium. */
  executablePath?: string;
}

/** Chromium flags for a machine without internet: no background requests to Google services. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The default CSP the MCP Apps spec asks hosts to apply to a UI resource that declares none. */
const WIDGET_CSP = "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; media-src 'self' data:; connect-src 'none'";

/** The host side, run in the host page: embeds the widget and connects an AppBridge to it. */
const HOST_SCRIPT = `
import { AppBridge, PostMessageTransport } from '@modelcontextprotocol/ext-apps/app-bridge';

window.mountWidget = async (name, hostContext) => {
  const iframe = document.createElement('iframe');
  iframe.title = name;
  iframe.setAttribute('sandbox', 'allow-scripts');
  iframe.src = '/ui/' + encodeURIComponent(name) + '.html';
  document.body.append(iframe);

  // No MCP client: this host answers nothing the widget asks, it only delivers the tool call.
  const bridge = new AppBridge(null, { name: 'widget-test-host', version: '1.0.0' }, {}, { hostContext });
  bridge.addEventListener('sizechange', ({ height }) => {
    if (height) iframe.style.height = height + 'px';
  });
  const initialized = new Promise((resolve) => bridge.addEventListener('initialized', resolve));
  await bridge.connect(new PostMessageTransport(iframe.contentWindow, iframe.contentWindow));
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('the widget did not complete the MCP Apps handshake (ui/initialize) within 10 s')), 10000);
  });
  await Promise.race([initialized, timeout]).finally(() => clearTimeout(timer));

  window.host = {
    toolInput: (args) => bridge.sendToolInput({ arguments: args }),
    toolResult: (result) => bridge.sendToolResult(result),
    hostContextChange: (change) => bridge.sendHostContextChange(change),
  };
};
`;

/** Runs the project's build-ui script; returns what it printed. */
export async function buildWidgets(projectDir: string): Promise<string> {
  const result = await execa('node', ['scripts/build-ui.mjs'], { cwd: projectDir, reject: false, all: true });
  if (result.exitCode !== 0) throw new Error(`build-ui failed (exit ${result.exitCode}):\n${result.all}`);
  return result.stdout;
}

export async function startWidgetHost({ projectDir, executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' }: WidgetHostOptions): Promise<WidgetHost> {
  if (!existsSync(executablePath)) {
    throw new Error(`Chromium not found at ${executablePath}: install it (Debian: apt-get install chromium) or set CHROMIUM_PATH`);
  }
  const buildOutput = await buildWidgets(projectDir);
  const hostPage = await hostPageHtml(projectDir);
  const server = await listen(projectDir, hostPage);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const userDataDir = await mkdtemp(path.join(tmpdir(), 'widget-host-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, { executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
  } catch (error) {
    server.close();
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }

  const newPage = async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(String(error)));
    return { page, errors };
  };

  return {
    buildOutput,
    url,
    async open(name, { hostContext = {} } = {}) {
      const { page, errors } = await newPage();
      await page.goto(`${url}/`);
      await inPage(`opening ${name}`, errors, page.evaluate(([widget, context]) => (globalThis as unknown as HostGlobals).mountWidget(widget, context), [name, hostContext] as const));
      const call = (method: keyof HostGlobals['host'], arg: unknown) =>
        inPage(method, errors, page.evaluate(([m, a]) => (globalThis as unknown as HostGlobals).host[m](a), [method, arg] as const));
      return {
        page,
        view: page.frameLocator('iframe').locator(':root'),
        errors,
        sendToolInput: (args) => call('toolInput', args),
        sendToolResult: (result) => call('toolResult', result),
        changeHostContext: (change) => call('hostContextChange', change),
      };
    },
    async openWithOpenAiGlobals(name, globals) {
      const { page, errors } = await newPage();
      await page.addInitScript({ content: `window.openai = ${JSON.stringify(globals)};` });
      await page.goto(`${url}/ui/${encodeURIComponent(name)}.html`);
      return { page, view: page.locator(':root'), errors };
    },
    async close() {
      await context.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * `evaluation`, failing with the first line of the browser's error and the page's errors: the
 * browser's stack (http://127.0.0.1/… frames) means nothing to the test runner.
 */
async function inPage<T>(what: string, errors: string[], evaluation: Promise<T>): Promise<T> {
  try {
    return await evaluation;
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    throw new Error([`${what}: ${message}`, ...errors].join('\n'));
  }
}

/** What HOST_SCRIPT puts on the host page's `window`. */
interface HostGlobals {
  mountWidget(name: string, hostContext: Record<string, unknown>): Promise<void>;
  /** AppBridge's sendToolInput, sendToolResult and sendHostContextChange. */
  host: Record<'toolInput' | 'toolResult' | 'hostContextChange', (arg: unknown) => Promise<void> | void>;
}

/** The host page, with HOST_SCRIPT bundled from the project's node_modules. */
async function hostPageHtml(projectDir: string): Promise<string> {
  const bundle = await build({
    stdin: { contents: HOST_SCRIPT, resolveDir: projectDir, loader: 'js', sourcefile: 'widget-test-host.js' },
    bundle: true,
    format: 'esm',
    target: 'es2020',
    write: false,
    logLevel: 'silent',
  });
  const js = bundle.outputFiles[0]!.text.replace(/<\/(script)/gi, '<\\/$1');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Widget test host</title>
<style>body{margin:0;padding:16px;background:#eee}iframe{display:block;width:560px;height:200px;border:0;background:#fff}</style></head>
<body><script type="module">${js}</script></body></html>`;
}

/** Serves `/` (the host page) and `/ui/<name>.html` (the built widgets, with the default widget CSP). */
async function listen(projectDir: string, hostPage: string): Promise<Server> {
  const uiDir = path.join(projectDir, 'dist', 'ui');
  const server = createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    const widget = /^\/ui\/([\w-]+)\.html$/.exec(pathname)?.[1];
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers }).end(body);
    };
    if (pathname === '/') return send(200, hostPage);
    if (pathname === '/favicon.ico') return send(204, '');
    if (widget === undefined) return send(404, 'not found');
    readFile(path.join(uiDir, `${widget}.html`), 'utf8').then(
      (html) => send(200, html, { 'content-security-policy': WIDGET_CSP }),
      () => send(404, `dist/ui/${widget}.html is not built`),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
