/**
 * Handlebars, compiled with `noEscape` (HTML escaping would corrupt URLs in code and Markdown) and
 * `strict` (a missing variable throws instead of becoming an empty string). Values that land in
 * code go through `{{json value}}`, so they are string literals, never spliced raw.
 *
 * The bundle precompiles every template at build time (same options) and carries only
 * Handlebars' runtime (`scripts/build.mjs` aliases `handlebars` to `handlebars/runtime`); from
 * source, templates are compiled here.
 */
import Handlebars from 'handlebars';
import { createHash } from 'node:crypto';
import { precompiledSpec } from './precompiled.js';

/** The options templates are compiled with, here and in scripts/build.mjs. */
export const COMPILE_OPTIONS = { noEscape: true, strict: true } as const;

const hbs = Handlebars.create();
hbs.registerHelper('json', (value: unknown) => JSON.stringify(value));
hbs.registerHelper('join', (values: unknown, separator: unknown) => (Array.isArray(values) ? values.join(typeof separator === 'string' ? separator : ', ') : ''));
hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
hbs.registerHelper('includes', (values: unknown, value: unknown) => Array.isArray(values) && values.includes(value));

/** The key of a template's precompiled spec. */
export function templateKey(source: string): string {
  return `sha256-${createHash('sha256').update(source).digest('hex')}`;
}

/** Templates made ready in this run, by key: a partial is used by several templates. */
const ready = new Map<string, Handlebars.TemplateDelegate>();

function compiled(source: string, name: string): Handlebars.TemplateDelegate {
  const key = templateKey(source);
  let template = ready.get(key);
  if (template) return template;
  const spec = precompiledSpec(key);
  if (spec !== undefined) {
    template = hbs.template(spec as Parameters<typeof hbs.template>[0]);
  } else {
    // The runtime alone (the bundle) has no compiler: a template it was not built with is stale.
    if (typeof hbs.compile !== 'function') throw new Error(`${name} changed since this CLI was built; run npm run build`);
    template = hbs.compile(source, COMPILE_OPTIONS);
  }
  ready.set(key, template);
  return template;
}

/** Renders `source`; `partials` (name → source) are available to it as `{{> name}}`. */
export function render(source: string, context: object, name: string, partials: Record<string, string> = {}): string {
  try {
    const compiledPartials = Object.fromEntries(Object.entries(partials).map(([partial, text]) => [partial, compiled(text, `partials/${partial}`)]));
    return compiled(source, name)(context, { partials: compiledPartials });
  } catch (error) {
    throw new Error(`template ${name}: ${(error as Error).message}`);
  }
}
