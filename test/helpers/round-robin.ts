/**
 * A round-robin load balancer for tests (node:http, 127.0.0.1, random port): request 1 goes to the
 * first target, 2 to the second, … and around again, so consecutive requests of one flow land on
 * different instances. Method, path and query, every header in order (repeated ones such as
 * Set-Cookie included, Location untouched) and the status pass through; bodies are streamed both
 * ways. Host becomes the target's unless `preserveHost`. Only the hop-by-hop Connection and
 * Keep-Alive headers (and any Connection names) stay behind; no X-Forwarded-* is added.
 * A target that cannot be reached gets a 502 with a JSON body naming it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Options of `startRoundRobin`. */
export interface RoundRobinOptions {
  /** Send the client's Host header on unchanged (default: the target's host:port). */
  preserveHost?: boolean;
}

/** A running round-robin proxy. */
export interface RoundRobin {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  port: number;
  /** How many requests each current target was sent (502s for a dead one included), in target order. */
  counts(): number[];
  /** Replaces the targets (e.g. an instance restarted on a new port); the next request goes to the first. */
  setTargets(targets: string[]): void;
  /** Closes the proxy, its client connections and its connections to the targets. */
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection']);

/** `rawHeaders` (name, value, name, value, …) without the hop-by-hop ones; `host` replaced if given. */
function forwardable(rawHeaders: string[], host?: string): string[] {
  const dropped = new Set(HOP_BY_HOP);
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() === 'connection') {
      for (const name of rawHeaders[i + 1]!.split(',')) dropped.add(name.trim().toLowerCase());
    }
  }
  const out: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const lower = name.toLowerCase();
    if (dropped.has(lower)) continue;
    if (host !== undefined && lower === 'host') continue;
    out.push(name, rawHeaders[i + 1]!);
  }
  if (host !== undefined) out.unshift('Host', host);
  return out;
}

function parseTargets(targets: string[]): URL[] {
  return targets.map((target) => {
    const url = new URL(target);
    if (url.protocol !== 'http:') throw new Error(`round-robin: only http:// targets, not ${target}`);
    return url;
  });
}

/** Starts the proxy in front of `targets` (origins such as `http://127.0.0.1:3001`, or with a path prefix). */
export async function startRoundRobin(targets: string[], options: RoundRobinOptions = {}): Promise<RoundRobin> {
  let current = parseTargets(targets);
  let sent = new Array<number>(current.length).fill(0);
  let next = 0;
  const agent = new http.Agent({ keepAlive: true });

  const server = http.createServer((req, res) => {
    if (current.length === 0) {
      res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'bad_gateway', message: 'round-robin has no targets' }));
      return;
    }
    const index = next % current.length;
    next = index + 1;
    sent[index]!++;
    const target = current[index]!;
    const prefix = target.pathname.replace(/\/$/, '');

    const upstream = http.request({
      agent,
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      method: req.method,
      path: prefix + (req.url ?? '/'),
      headers: forwardable(req.rawHeaders, options.preserveHost ? undefined : target.host) as unknown as http.OutgoingHttpHeaders,
      // Node would otherwise add its own Host/Connection handling only; the raw list is sent as is.
      setHost: false,
    });
    upstream.on('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, forwardable(answer.rawHeaders));
      answer.pipe(res);
      answer.on('error', () => res.destroy());
    });
    upstream.on('error', (error) => {
      if (res.headersSent) {
        res.destroy(error);
        return;
      }
      res.writeHead(502, { 'content-type': 'application/json' }).end(
        JSON.stringify({ error: 'bad_gateway', target: target.href.replace(/\/$/, ''), message: `round-robin could not reach ${target.host}: ${error.message}` }),
      );
    });
    // The client going away mid-request (or mid-response) ends the upstream exchange too.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    counts: () => [...sent],
    setTargets: (targets) => {
      current = parseTargets(targets);
      sent = new Array<number>(current.length).fill(0);
      next = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}
