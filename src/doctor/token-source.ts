/**
 * Where the sample token comes from: `--token <jwt>`, `--token -` (stdin) or `--token-file <path>`.
 * The token is only ever sent to the `--server` being checked, and never printed (a short hash
 * identifies it in the output).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';

/** A token as given, cleaned of surrounding whitespace and a pasted `Bearer ` prefix. */
export interface SampleToken {
  raw: string;
  source: '--token' | '--token-file' | 'stdin';
  /** What was cleaned up, for the report. */
  notes: string[];
}

/** `sha256:` and the first 12 hex digits of the token's hash: identifies it without revealing it. */
export function fingerprint(token: string): string {
  return `sha256:${createHash('sha256').update(token).digest('hex').slice(0, 12)}`;
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

function clean(text: string, source: SampleToken['source'], where: string): SampleToken {
  const notes: string[] = [];
  let raw = text.trim();
  if (/^bearer\s+/i.test(raw)) {
    raw = raw.replace(/^bearer\s+/i, '');
    notes.push('a leading "Bearer " was removed');
  }
  if (raw === '') throw new UsageError(`${where} is empty: no token to check.`, 'Pass the access token itself, e.g. --token eyJhbGciOi…, or --token - to read it from stdin.');
  if (/\s/.test(raw)) throw new UsageError(`${where} contains spaces or line breaks inside the token.`, 'Pass only the access token (one line, no "Authorization:" header name).');
  return { raw, source, notes };
}

/**
 * Reads the token the flags name, or undefined without one. Usage errors (exit 2): both flags,
 * an unreadable file, an empty token.
 */
export async function readSampleToken(flags: { token?: string; tokenFile?: string }, io: { cwd: string; stdin: NodeJS.ReadableStream }): Promise<SampleToken | undefined> {
  if (flags.token !== undefined && flags.tokenFile !== undefined) throw new UsageError('--token and --token-file both give a token; use one.');
  if (flags.tokenFile !== undefined) {
    const file = path.resolve(io.cwd, flags.tokenFile);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UsageError(`--token-file: can't read ${file} (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : (error as Error).message}).`);
    }
    return clean(text, '--token-file', `--token-file ${file}`);
  }
  if (flags.token === '-') return clean(await readStream(io.stdin), 'stdin', 'The token read from stdin');
  if (flags.token !== undefined) return clean(flags.token, '--token', '--token');
  return undefined;
}
