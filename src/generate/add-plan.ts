/**
 * `create-fastapps add tool|widget <name>` as a plan (pure): the new files from `templates/add/`,
 * the tools list (`src/tools/index.ts`) with the new tool in it, and `fastapps.json` with the tool
 * recorded. Nothing here reads the disk or prints; `src/add/` decides and writes.
 */
import { render } from './render.js';
import type { TemplateFile } from './templates.js';

export interface ToolRequest {
  kind: 'tool' | 'widget';
  /** The tool's name, also its file (`src/tools/<name>.ts`) and widget folder (`web/<name>/`). */
  name: string;
  title: string;
  description: string;
  public: boolean;
  /** Scopes beyond OAUTH_SCOPES (protected tools), already in the stored form. */
  scopes: string[];
}

/** Names a tool, a file and a folder can all have: lower-case words of letters and digits joined by single dashes. */
export const TOOL_NAME = /^(?=.{1,40}$)[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** `weather-alerts` → `weatherAlerts`. */
export function identifierOf(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The files of the new tool: `src/tools/<name>.ts`, and for a widget `web/<name>/*`. */
export function toolFiles(request: ToolRequest, templates: TemplateFile[]): Array<{ path: string; content: Buffer }> {
  const context = {
    ...request,
    identifier: identifierOf(request.name),
    widget: request.kind === 'widget',
    uri: `ui://widgets/${request.name}.html`,
    htmlTitle: escapeHtml(request.title),
    // Inside a /** */ comment: no way to close it early.
    commentDescription: request.description.replaceAll('*/', '* /'),
  };
  const files: Array<{ path: string; content: Buffer }> = [];
  for (const file of templates) {
    const source = file.content.toString('utf8');
    const out = file.path.replace(/\.hbs$/, '');
    if (out === 'tool.ts') files.push({ path: `src/tools/${request.name}.ts`, content: Buffer.from(render(source, context, `add/${file.path}`)) });
    else if (out.startsWith('widget/') && request.kind === 'widget') {
      const content = file.path.endsWith('.hbs') ? Buffer.from(render(source, context, `add/${file.path}`)) : file.content;
      files.push({ path: `web/${request.name}/${out.slice('widget/'.length)}`, content });
    }
  }
  return files;
}

/**
 * `src/tools/index.ts` with the tool imported and listed, or undefined when the file no longer has
 * the shape `add` can edit: imports, then `export const tools … = [ … ]` whose brackets balance.
 */
export function withToolListed(index: string, request: ToolRequest): string | undefined {
  const identifier = identifierOf(request.name);
  const declaration = /export const tools\b[^=]*=\s*\[/.exec(index);
  if (!declaration) return undefined;
  // The list's closing bracket, counting nested ones; strings and comments would make it a guess.
  const open = declaration.index + declaration[0].length;
  let depth = 1;
  let close = -1;
  for (let i = open; i < index.length && close < 0; i++) {
    const ch = index[i];
    if (ch === "'" || ch === '"' || ch === '`' || (ch === '/' && (index[i + 1] === '/' || index[i + 1] === '*'))) return undefined;
    if (ch === '[') depth += 1;
    else if (ch === ']' && --depth === 0) close = i;
  }
  if (close < 0) return undefined;
  const body = index.slice(open, close);
  const trimmed = body.replace(/\s+$/, '');
  const entries = trimmed.replace(/,\s*$/, '');
  const listed = body.includes('\n')
    ? `${entries}${entries.trim() === '' ? '' : ','}\n  ${identifier},\n`
    : `${entries}${entries.trim() === '' ? '' : ', '}${identifier}`;
  const withEntry = index.slice(0, open) + listed + index.slice(close);
  const imports = [...withEntry.slice(0, declaration.index).matchAll(/^import .*;$/gm)];
  const last = imports.at(-1);
  const importLine = `import { ${identifier} } from './${request.name}.js';`;
  const at = last ? last.index + last[0].length : 0;
  return `${withEntry.slice(0, at)}${last ? '\n' : ''}${importLine}${last ? '' : '\n'}${withEntry.slice(at)}`;
}

/** The identifiers `src/tools/index.ts` already binds (imports), to refuse a clash. */
export function boundIdentifiers(index: string): Set<string> {
  const names = new Set<string>();
  for (const match of index.matchAll(/^import\s+(?:type\s+)?\{([^}]*)\}/gm)) {
    for (const part of match[1]!.split(',')) {
      const name = part.trim().split(/\s+as\s+/).pop()?.trim();
      if (name) names.add(name);
    }
  }
  return names;
}

/** `fastapps.json` with the tool recorded under `tools` (key order and formatting kept). */
export function withToolRecorded(manifest: string, request: ToolRequest): string {
  const document = JSON.parse(manifest) as Record<string, unknown>;
  const tools = Array.isArray(document['tools']) ? (document['tools'] as unknown[]) : [];
  const entry = { name: request.name, kind: request.kind, access: request.public ? 'public' : 'protected', scopes: request.scopes };
  // Where `auth` writes it too: before the file hashes.
  const { files, ...rest } = document;
  const next = { ...rest, tools: [...tools, entry], ...(files !== undefined ? { files } : {}) };
  return JSON.stringify(next, null, 2) + '\n';
}
