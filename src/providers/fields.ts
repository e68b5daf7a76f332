/**
 * Reading a provider field's value, the one way `create`, `auth` and `doctor` all do it: only a
 * multi-value field (Cognito's app clients) is a list; any other value is taken whole, so a stray
 * space inside it is reported as such instead of becoming a second value.
 */
import { splitList } from './validate.js';
import type { Field, ProviderInput } from './types.js';

/** The normalised values of `raw` (a flag's value, or what was typed at the prompt). */
export function parseFieldValues(field: Field, raw: string | string[]): string[] {
  const normalize = field.normalize ?? ((value: string) => value.trim());
  return field.multiple ? splitList(raw).map(normalize) : [normalize([raw].flat().join(' '))];
}

/** `true`, or the first value's problem as the field's validator words it. */
export function validateFieldValues(field: Field, values: string[], input: ProviderInput): true | string {
  if (values.length === 0 || values.every((value) => value === '')) return `give at least one value, e.g. ${field.example}.`;
  return values.map((value) => field.validate(value, input)).find((result) => result !== true) ?? true;
}
