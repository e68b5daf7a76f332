/**
 * Scopes as the MCP 2026-07-28 revision asks: "servers MUST account for scope hierarchies, where
 * a broader scope implies narrower ones". Declared in `OAUTH_SCOPE_IMPLIES` as comma-separated
 * `broader>narrower` pairs (`write:orders>read:orders,admin>write:orders`), transitive. The gate,
 * every tool check and `create-fastapps doctor --token` use the same rule.
 */

/** broader → the scopes it directly implies. */
export type ScopeImplications = ReadonlyMap<string, readonly string[]>;

const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** Parses `OAUTH_SCOPE_IMPLIES`; throws with the pair that is wrong. */
export function parseScopeImplications(text: string | undefined): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const pair of (text ?? '').split(',').map((item) => item.trim()).filter(Boolean)) {
    const [broader, narrower, extra] = pair.split('>').map((part) => part.trim());
    if (!broader || !narrower || extra !== undefined || !SCOPE.test(broader) || !SCOPE.test(narrower) || broader === narrower) {
      throw new Error(`OAUTH_SCOPE_IMPLIES: ${JSON.stringify(pair)} is not a broader>narrower pair of two different scopes, e.g. write:orders>read:orders.`);
    }
    map.set(broader, [...new Set([...(map.get(broader) ?? []), narrower])]);
  }
  return map;
}

/** The granted scopes with everything they imply, transitively (cycles are harmless). */
export function withImplied(granted: readonly string[], implies: ScopeImplications): string[] {
  if (implies.size === 0) return [...granted];
  const all = new Set(granted);
  const queue = [...granted];
  for (let scope = queue.pop(); scope !== undefined; scope = queue.pop()) {
    for (const implied of implies.get(scope) ?? []) {
      if (!all.has(implied)) {
        all.add(implied);
        queue.push(implied);
      }
    }
  }
  return [...all];
}

/** The scopes of `needed` that `granted` neither holds nor implies. */
export function missingScopes(granted: readonly string[], needed: readonly string[], implies: ScopeImplications): string[] {
  const have = new Set(withImplied(granted, implies));
  return needed.filter((scope) => !have.has(scope));
}
