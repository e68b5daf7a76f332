/** Starts a generated project's built server (`node dist/index.js`) and waits until it listens. */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { execa, type ResultPromise } from 'execa';
import { expect } from 'vitest';
import { createServer, type AddressInfo } from 'node:net';

export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export interface RunningProject {
  output(): string;
  stop(): Promise<void>;
}

/** Runs `command` in `dir` until a line matching `ready` appears on its output (or it exits). */
export async function startProcess(dir: string, command: string[], env: Record<string, string>, ready = /MCP server listening/): Promise<RunningProject> {
  let output = '';
  // Its own process group, so stopping it also stops what it started (npm → tsx watch → node).
  const child: ResultPromise = execa(command[0]!, command.slice(1), { cwd: dir, env: { ...env, NO_COLOR: '1' }, reject: false, all: true, buffer: false, cleanup: true, detached: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 60 s:\n${output}`)), 60_000);
    child.all!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void child.then((result) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${result.exitCode} before it was ready:\n${output}`));
    });
  });
  return {
    output: () => output,
    async stop() {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // Already gone.
      }
      await child;
    },
  };
}

/** A raw `initialize` POST, to look at status codes and headers. */
export function postInitialize(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'e2e', version: '1.0.0' } } }),
  });
}

/** Parses `Bearer a="1", b="2"`; throws on anything malformed. */
export function parseChallenge(header: string | null): Record<string, string> {
  if (!header) throw new Error('no WWW-Authenticate header');
  const match = /^Bearer (.*)$/.exec(header);
  if (!match) throw new Error(`not a Bearer challenge: ${header}`);
  const params: Record<string, string> = {};
  const re = /\s*([a-z_]+)="((?:[^"\\]|\\.)*)"\s*(,|$)/gy;
  let consumed = 0;
  for (let m = re.exec(match[1]!); m !== null; m = re.exec(match[1]!)) {
    params[m[1]!] = m[2]!.replace(/\\(.)/g, '$1');
    consumed = re.lastIndex;
    if (m[3] === '') break;
  }
  if (consumed !== match[1]!.length) throw new Error(`malformed challenge: ${header}`);
  return params;
}

/** The generated project's protected `whoami` tool, called with `token` as a host does after sign-in; it must succeed. */
export async function whoamiAs(resource: string, token: string): Promise<{ subject: string; scopes: string[] }> {
  const client = new Client({ name: 'strict-host', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(resource), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  const result = await client.callTool({ name: 'whoami', arguments: {} });
  await client.close();
  expect(result.isError, JSON.stringify(result)).toBeFalsy();
  return result.structuredContent as { subject: string; scopes: string[] };
}
