/**
 * Is the argument an issuer or an MCP endpoint? Users paste either. The issuer checks start at
 * once; at the same time doctor asks the URL's path-aware protected resource metadata URL. A
 * document with a `resource` means an MCP server. When no discovery document is found at all and
 * every candidate answered 4xx, one anonymous `initialize` POST settles it: a 401 carrying
 * `resource_metadata` means an MCP server too.
 */
import { collectContext } from '../issuer/checks.js';
import type { CheckContext } from '../issuer/context.js';
import type { CheckIssuerInput, NetOptions } from '../issuer/types.js';
import { challengeOf, insertionUrl, mayBeMcpEndpoint } from './server/context.js';
import { docProbe } from './server/doc-probe.js';
import type { DoctorPrefetch } from './prefetch.js';
import { initializeBody, postMcp } from './server/mcp-wire.js';

/** What the argument turned out to be. */
export type Classification =
  | { kind: 'issuer'; context: Promise<CheckContext> }
  | { kind: 'server'; note: string };


/**
 * Classifies `target`, returning the issuer context (being collected) when it is an issuer. With
 * `fallback: false` (another server is already being probed) only the metadata document decides,
 * so the caller never waits for the issuer checks here.
 *
 * @example
 * const c = await classifyTarget({ issuer: 'https://my-app.example.com/mcp', timeoutMs: 5000 }, net);
 * // { kind: 'server', note: 'https://my-app.example.com/mcp is an MCP server endpoint …' }
 */
export async function classifyTarget(input: CheckIssuerInput, net: NetOptions, options: { fallback?: boolean; prefetched?: DoctorPrefetch } = {}): Promise<Classification> {
  const target = input.issuer;
  const issuer = collectContext(input, options.prefetched?.discovery);
  if (!mayBeMcpEndpoint(target.trim())) return { kind: 'issuer', context: issuer };
  issuer.catch(() => undefined); // awaited below unless the target is a server
  const prmUrl = insertionUrl(target.trim());
  const early = options.prefetched?.prm;
  const prm = await (early && early.url === prmUrl && options.prefetched?.discovery.timeoutMs === input.timeoutMs ? early.probe : docProbe(prmUrl, net));
  if (prm.doc && typeof prm.doc['resource'] === 'string') {
    return { kind: 'server', note: `${target} is an MCP server endpoint (it publishes protected resource metadata at ${prm.url}), not an issuer: checked as --server, with the authorization server its metadata names as the issuer` };
  }
  if (options.fallback === false) return { kind: 'issuer', context: issuer };
  const context = await issuer;
  const attempts = context.discovery?.attempts ?? [];
  const allClientErrors = attempts.length > 0 && !context.discovery?.chosen && attempts.every((a) => a.error?.kind === 'http-status' && (a.error.status ?? 0) >= 400 && (a.error.status ?? 0) < 500);
  if (allClientErrors) {
    const probe = await postMcp(target.trim(), initializeBody(), net);
    const metadata = challengeOf(probe)?.params['resource_metadata']?.value;
    if (probe.res?.status === 401 && metadata) {
      return { kind: 'server', note: `${target} is an MCP server endpoint (it answers 401 with resource_metadata="${metadata}"), not an issuer: checked as --server, with the authorization server its metadata names as the issuer` };
    }
  }
  return { kind: 'issuer', context: Promise.resolve(context) };
}
