/**
 * What every widget shares: the connection to the host, the host's theme, fonts and locale, and
 * helpers that put data on the page as text only (data is never parsed as HTML).
 *
 * Hosts: any MCP Apps host (ChatGPT, Claude, VS Code, …) through `App` from
 * `@modelcontextprotocol/ext-apps`, and ChatGPT's legacy `window.openai` runtime as a fallback.
 */
import {
  App,
  applyDocumentTheme,
  applyHostFonts,
  applyHostStyleVariables,
  type McpUiHostContext,
  type McpUiToolResultNotification,
} from '@modelcontextprotocol/ext-apps';

/** A tool result (`CallToolResult`), as the host delivers it. */
export type ToolResult = McpUiToolResultNotification['params'];

export interface WidgetOptions {
  /** Reported to the host in the handshake, e.g. "hello". */
  name: string;
  /** The tool's arguments, which arrive before the result (e.g. to show "Greeting Ada…"). */
  onInput?: (args: Record<string, unknown>) => void;
  onResult: (result: ToolResult) => void;
  /** The user or the host cancelled the tool call. */
  onCancel?: (reason: string | undefined) => void;
}

/** The part of ChatGPT's legacy `window.openai` runtime read here. */
interface OpenAiGlobals {
  toolInput?: Record<string, unknown> | null;
  /** The tool result's `structuredContent`. */
  toolOutput?: Record<string, unknown> | null;
  theme?: 'light' | 'dark';
  locale?: string;
}

declare global {
  interface Window {
    openai?: OpenAiGlobals;
  }
}

/** Connects to the host and calls back with the tool input and result. */
export function startWidget({ name, onInput, onResult, onCancel }: WidgetOptions): App {
  const app = new App({ name, version: '1.0.0' });
  // Listeners go on before connect(): a host may send the input and the result right after the handshake.
  app.addEventListener('toolinput', ({ arguments: args }) => onInput?.(args ?? {}));
  let hasResult = false;
  app.addEventListener('toolresult', (result) => {
    hasResult = true;
    onResult(result);
  });
  app.addEventListener('toolcancelled', ({ reason }) => onCancel?.(reason));
  // getHostContext() already holds the change merged into the full context.
  app.addEventListener('hostcontextchanged', () => applyHostContext(app.getHostContext()));

  // The MCP Apps result wins: it also carries errors, which `window.openai.toolOutput` does not.
  followOpenAiGlobals({
    onInput,
    onResult: (result) => {
      if (!hasResult) onResult(result);
    },
  });

  if (window.parent !== window) {
    app.connect().then(
      () => applyHostContext(app.getHostContext()),
      (error: unknown) => console.warn(`[${name}] no MCP Apps host answered:`, error),
    );
  }
  return app;
}

function applyHostContext(context: McpUiHostContext | undefined): void {
  if (context?.theme) applyDocumentTheme(context.theme);
  if (context?.styles?.variables) applyHostStyleVariables(context.styles.variables);
  if (context?.styles?.css?.fonts) applyHostFonts(context.styles.css.fonts);
  setLocale(context?.locale);
}

/** ChatGPT's legacy runtime: globals on `window.openai`, updates as `openai:set_globals` events. */
function followOpenAiGlobals({ onInput, onResult }: Pick<WidgetOptions, 'onInput' | 'onResult'>): void {
  const apply = (globals: OpenAiGlobals | undefined) => {
    if (!globals) return;
    if (globals.theme === 'light' || globals.theme === 'dark') applyDocumentTheme(globals.theme);
    setLocale(globals.locale);
    if (globals.toolInput) onInput?.(globals.toolInput);
    const output = globals.toolOutput;
    if (output && Object.keys(output).length > 0) onResult({ content: [], structuredContent: output });
  };
  apply(window.openai);
  window.addEventListener('openai:set_globals', (event) => {
    apply((event as CustomEvent<{ globals?: OpenAiGlobals } | undefined>).detail?.globals);
  });
}

/** The user's locale from the host. (`<html lang>` stays "en": it is the language of the widget's own text.) */
let hostLocale: string | undefined;

function setLocale(tag: string | undefined): void {
  hostLocale = validLocale(tag) ?? hostLocale;
}

/** `tag` canonicalized if it is a valid BCP 47 language tag. */
export function validLocale(tag: unknown): string | undefined {
  if (typeof tag !== 'string' || tag === '') return undefined;
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}

/** The locale to format dates and numbers in: the host's, else the browser's. */
export function uiLocale(): string {
  return hostLocale ?? navigator.language;
}

/** The text blocks of a tool result, joined. */
export function resultText(result: ToolResult): string {
  return result.content
    .flatMap((block) => (block.type === 'text' ? [block.text] : []))
    .join('\n')
    .trim();
}

/** `value` if it is a plain object, e.g. a tool result's `structuredContent`. */
export function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** `value` if it is a non-empty string. */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The element with `id`; throws if the page lacks it (a bug in index.html). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from index.html`);
  return element as T;
}

/**
 * A copy of `<template id="…">` with each `[data-slot="key"]` set to `slots[key]` as text.
 * A slot whose value is undefined is removed, with its `[data-optional]` ancestor if it has one.
 */
export function fromTemplate(id: string, slots: Record<string, string | undefined> = {}): DocumentFragment {
  const view = byId<HTMLTemplateElement>(id).content.cloneNode(true) as DocumentFragment;
  for (const element of view.querySelectorAll<HTMLElement>('[data-slot]')) {
    const value = slots[element.dataset.slot ?? ''];
    if (value === undefined) (element.closest('[data-optional]') ?? element).remove();
    else element.textContent = value;
  }
  return view;
}

/** Replaces what `root` shows and marks it as loaded. */
export function show(root: HTMLElement, ...nodes: Node[]): void {
  root.replaceChildren(...nodes);
  root.removeAttribute('aria-busy');
}

/** An element holding `content` as text. */
export function element<K extends keyof HTMLElementTagNameMap>(tag: K, content: string, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.textContent = content;
  if (className) node.className = className;
  return node;
}
