/**
 * `doctor <url>`: the first requests for the argument go out before doctor's checks are loaded
 * (that takes tens of milliseconds), so a slow issuer or server answers while they load: the
 * discovery candidates, and the protected resource metadata URL that tells an MCP endpoint from an
 * issuer. This module is a small file of its own (dist/lazy/doctor-prefetch.js), loaded first.
 * The requests are exactly those doctor would make for the argument, with the same timeout, and
 * are handed to it (`DoctorPrefetch`); when the command line turns out to be wrong, they are dropped.
 */
import { startDiscovery, type PrefetchedDiscovery } from '../issuer/discovery.js';
import { parseIssuer } from '../issuer/issuer-url.js';
import type { DocProbe } from './server/context.js';
import { insertionUrl, mayBeMcpEndpoint } from './server/context.js';
import { docProbe } from './server/doc-probe.js';
import { readTimeout } from './timeout.js';

/** The argument's requests, under way. */
export interface DoctorPrefetch {
  discovery: PrefetchedDiscovery;
  /** The protected resource metadata probe (when the argument may be an MCP endpoint). */
  prm?: { url: string; probe: Promise<DocProbe> };
}

/**
 * Starts the argument's requests when doctor will classify it (issuer or MCP endpoint): an
 * argument without `--provider` or `--issuer`, a URL doctor may fetch, and a valid `--timeout`.
 * Otherwise nothing is sent.
 */
export function prefetchArgument(arg: string | undefined, flags: { provider?: string; issuer?: string; timeout?: string }, signal: AbortSignal): DoctorPrefetch | undefined {
  if (arg === undefined || flags.provider !== undefined || flags.issuer !== undefined || arg.trim() === '') return undefined;
  const timeoutMs = readTimeout(flags.timeout);
  if (timeoutMs === undefined || !parseIssuer(arg).fetchable) return undefined;
  const net = { timeoutMs, signal };
  const inFlight = startDiscovery(arg, net);
  // Read by doctor, or dropped when the input is refused: never an unhandled rejection.
  inFlight.done.catch(() => undefined);
  const target = arg.trim();
  if (!mayBeMcpEndpoint(target)) return { discovery: { issuer: arg, timeoutMs, inFlight } };
  const url = insertionUrl(target);
  const probe = docProbe(url, net);
  probe.catch(() => undefined);
  return { discovery: { issuer: arg, timeoutMs, inFlight }, prm: { url, probe } };
}
