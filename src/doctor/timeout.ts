/** doctor's `--timeout`: per-request milliseconds, 100–600000 (SPEC §5: default 5 s). */
export const DEFAULT_TIMEOUT_MS = 5000;

/** The timeout `--timeout` gives (the default when absent), or undefined when the value is not one. */
export function readTimeout(value: string | undefined): number | undefined {
  if (value === undefined) return DEFAULT_TIMEOUT_MS;
  const ms = Number(value);
  return Number.isInteger(ms) && ms >= 100 && ms <= 600_000 ? ms : undefined;
}
