/**
 * `package.json` is the user's (they add dependencies and scripts), so `auth` merges into it only
 * the entries the change of answers needs: what the tool would generate for the new answers
 * compared with what it would generate for the recorded ones (e.g. `oidc-provider`, its types and
 * the `token` script come and go with the local provider; the description names the provider).
 *
 * - needed now, absent: added;
 * - its generated value changed and yours is the old generated one: updated;
 * - yours differs from both: kept, and listed;
 * - no longer needed: listed, never removed; with `prune`, removed when yours is still the
 *   generated value (one you changed is kept and listed), unless `keep` names it (a file `prune`
 *   keeps still uses it).
 * Formatting (indent, final line break) and the order of existing keys are kept.
 */

export const MERGED_SECTIONS = ['scripts', 'dependencies', 'devDependencies'] as const;

export interface PackageMerge {
  /** The new text; undefined when nothing changes. */
  content: string | undefined;
  /** `dependencies.oidc-provider`, `scripts.token`, … */
  added: string[];
  updated: string[];
  /** Entries where your value was kept although the generated one differs. */
  kept: string[];
  /** Entries present that the new answers no longer need (not removed). */
  notNeeded: string[];
  /** Entries removed (`prune`): no longer needed and still as generated. */
  removed: string[];
  /** Entries no longer needed and still as generated that `keep` names: never removed. */
  inUse: string[];
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function section(json: Json, name: string): Record<string, string> {
  const value = json[name];
  return isObject(value) ? (value as Record<string, string>) : {};
}

function isSorted(keys: string[]): boolean {
  return keys.every((key, index) => index === 0 || keys[index - 1]!.localeCompare(key) <= 0);
}

/**
 * Merges the entries that differ between the two generated versions into `current`.
 * Throws when `current` is not a JSON object (the caller reports it).
 */
export function mergePackageJson(current: string, before: Json, after: Json, options: { prune?: boolean; keep?: ReadonlySet<string> } = {}): PackageMerge {
  const parsed: unknown = JSON.parse(current);
  if (!isObject(parsed)) throw new Error('package.json is not a JSON object');
  const json = parsed;
  const result: PackageMerge = { content: undefined, added: [], updated: [], kept: [], notNeeded: [], removed: [], inUse: [] };
  let changed = false;

  // A top-level text the tool writes and the provider shows in.
  const description = { from: before['description'], to: after['description'] };
  if (description.from !== description.to && typeof description.to === 'string') {
    if (json['description'] === description.from) {
      json['description'] = description.to;
      result.updated.push('description');
      changed = true;
    } else if (json['description'] !== description.to && json['description'] !== undefined) {
      result.kept.push('description');
    }
  }

  for (const name of MERGED_SECTIONS) {
    const from = section(before, name);
    const to = section(after, name);
    const mine = { ...section(json, name) };
    const wasSorted = name !== 'scripts' && isSorted(Object.keys(mine));
    let sectionChanged = false;
    for (const key of new Set([...Object.keys(from), ...Object.keys(to)])) {
      const old = from[key];
      const wanted = to[key];
      if (old === wanted) continue;
      const id = `${name}.${key}`;
      const have = mine[key];
      if (wanted === undefined) {
        if (have === undefined) continue;
        if (have === old && options.keep?.has(id)) {
          result.inUse.push(id);
        } else if (options.prune && have === old) {
          delete mine[key];
          result.removed.push(id);
          sectionChanged = true;
        } else {
          result.notNeeded.push(id);
        }
      } else if (have === undefined) {
        if (old === undefined) {
          mine[key] = wanted;
          result.added.push(id);
          sectionChanged = true;
        }
        // else: it was generated and you removed it; leave it out.
      } else if (have === wanted) {
        continue;
      } else if (have === old) {
        mine[key] = wanted;
        result.updated.push(id);
        sectionChanged = true;
      } else {
        result.kept.push(id);
      }
    }
    if (sectionChanged) {
      const keys = Object.keys(mine);
      json[name] = wasSorted ? Object.fromEntries(keys.sort((a, b) => a.localeCompare(b)).map((key) => [key, mine[key]])) : mine;
      changed = true;
    }
  }

  if (!changed) return result;
  const indent = /^[{[]\r?\n([ \t]+)/.exec(current)?.[1] ?? '  ';
  const eol = current.includes('\r\n') ? '\r\n' : '\n';
  let text = JSON.stringify(json, null, indent);
  if (eol !== '\n') text = text.replaceAll('\n', eol);
  result.content = text + (/\r?\n$/.test(current) ? eol : '');
  return result;
}
