/**
 * Handlebars, compiled with `noEscape` (HTML escaping would corrupt URLs in code and Markdown) and
 * `strict` (a missing variable throws instead of becoming an empty string). Values that land in
 * code go through `{{json value}}`, so they are string literals, never spliced raw.
 */
import Handlebars from 'handlebars';

const hbs = Handlebars.create();
hbs.registerHelper('json', (value: unknown) => JSON.stringify(value));
hbs.registerHelper('join', (values: unknown, separator: unknown) => (Array.isArray(values) ? values.join(typeof separator === 'string' ? separator : ', ') : ''));
hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
hbs.registerHelper('includes', (values: unknown, value: unknown) => Array.isArray(values) && values.includes(value));

export function render(source: string, context: object, name: string): string {
  try {
    return hbs.compile(source, { noEscape: true, strict: true })(context);
  } catch (error) {
    throw new Error(`template ${name}: ${(error as Error).message}`);
  }
}
