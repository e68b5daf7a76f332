/**
 * Scope hierarchies as the generated server reads them (`OAUTH_SCOPE_IMPLIES`, comma-separated
 * `broader>narrower` pairs, transitive; MCP 2026-07-28), so `doctor --token` judges a token's
 * scopes as the server does. Inside a project the value comes from the environment, else `.env`.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';

export type ScopeImplications = ReadonlyMap<string, readonly string[]>;

const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** Entra compares short names (`scp` holds them): both sides of each pair, reduced to theirs. */
export function shortForms(implies: ScopeImplications): Map<string, string[]> {
  const short = (scope: string) => scope.slice(scope.lastIndexOf('/') + 1);
  const result = new Map<string, string[]>();
  for (const [broader, narrower] of implies) result.set(short(broader), [...new Set([...(result.get(short(broader)) ?? []), ...narrower.map(short)])]);
  return result;
}

/** Parses the pairs; a malformed one is reported, not guessed at. */
export function parseScopeImplications(text: string | undefined): { implies: Map<string, string[]>; errors: string[] } {
  const implies = new Map<string, string[]>();
  const errors: string[] = [];
  for (const pair of (text ?? '').split(',').map((item) => item.trim()).filter(Boolean)) {
    const [broader, narrower, extra] = pair.split('>').map((part) => part.trim());
    // The server's own rule (src/auth/scopes.ts): two different scope tokens (RFC 6749 §3.3).
    if (!broader || !narrower || extra !== undefined || broader === narrower || !SCOPE.test(broader) || !SCOPE.test(narrower)) errors.push(pair);
    else implies.set(broader, [...new Set([...(implies.get(broader) ?? []), narrower])]);
  }
  return { implies, errors };
}

/** The granted scopes with everything they imply, transitively. */
export function withImplied(granted: readonly string[], implies: ScopeImplications): string[] {
  const all = new Set(granted);
  const queue = [...granted];
  for (let scope = queue.pop(); scope !== undefined; scope = queue.pop()) {
    for (const implied of implies.get(scope) ?? []) {
      if (all.has(implied)) continue;
      all.add(implied);
      queue.push(implied);
    }
  }
  return [...all];
}

/** `OAUTH_SCOPE_IMPLIES` of a project: the environment's, else its `.env`'s. */
export function projectScopeImplies(root: string, env: NodeJS.ProcessEnv): string | undefined {
  if (env.OAUTH_SCOPE_IMPLIES !== undefined) return env.OAUTH_SCOPE_IMPLIES;
  const file = path.join(root, '.env');
  if (!existsSync(file)) return undefined;
  try {
    return parseEnv(readFileSync(file, 'utf8')).OAUTH_SCOPE_IMPLIES;
  } catch {
    return undefined;
  }
}
