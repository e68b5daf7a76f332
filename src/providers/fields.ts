/**
 * Reading a provider field's value, the one way `create`, `auth` and `doctor` all do it: only a
 * multi-value field (Cognito's app clients) is a list; any other value is taken whole, so a stray
 * space inside it is reported as such instead of becoming a second value.
 */
import { splitList } from './validate.js';
import type { Field, Provider, ProviderInput } from './types.js';

/** The normalised values of `raw` (a flag's value, or what was typed at the prompt). */
export function parseFieldValues(field: Field, raw: string | string[]): string[] {
  const normalize = field.normalize ?? ((value: string) => value.trim());
  return field.multiple ? splitList(raw).map(normalize) : [normalize([raw].flat().join(' '))];
}

/** `true`, or the first value's problem as the field's validator words it. */
export function validateFieldValues(field: Field, values: string[], input: ProviderInput): true | string {
  const { given, problems } = readFieldValues(field, values, input);
  if (given.length === 0) return `give at least one value, e.g. ${field.example}.`;
  return problems[0]?.message ?? true;
}

/** A field's values as given (a flag, a prompt): the non-empty ones, and each one's problem as its validator words it. */
export function readFieldValues(field: Field, values: string[], input: ProviderInput): { given: string[]; problems: Array<{ value: string; message: string }> } {
  const given = values.filter((value) => value !== '');
  const problems = given.flatMap((value) => {
    const result = field.validate(value, input);
    return result === true ? [] : [{ value, message: result }];
  });
  return { given, problems };
}

/**
 * The value a field takes when none is given: a recorded one (`auth`) before the field's default,
 * except where the default is derived from the other answers (a region from a new pool id).
 */
export function fieldFallback(field: Field, input: ProviderInput, recorded?: string | string[]): string | string[] | undefined {
  const own = field.default?.(input);
  const previous = Array.isArray(recorded) && !field.multiple ? recorded[0] : recorded;
  return field.derived ? (own ?? previous) : (previous ?? own);
}

/**
 * The flags a command needs for this provider, with their examples, as one list of arguments (for
 * the "Example:" of a usage error and the help): every field without a default, or with
 * `issuerOnly` those that build the issuer (doctor checks an issuer, nothing else).
 */
export function requiredFieldArgs(provider: Provider, { issuerOnly = false } = {}): string[] {
  return provider.fields.filter((field) => !field.default && (!issuerOnly || field.buildsIssuer)).flatMap((field) => [field.flag, field.example]);
}
