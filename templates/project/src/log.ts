/**
 * A small leveled logger. Auth logging never prints a token or any part of it: failed attempts
 * carry `fingerprint(token)`, a short hash that lets you correlate attempts without leaking the
 * credential.
 */
import { createHash } from 'node:crypto';
import type { LogLevel } from './config.js';

const order: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export interface Logger {
  level: LogLevel;
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
  enabled(level: LogLevel): boolean;
}

export function createLogger(level: LogLevel, write: (line: string) => void = (line) => process.stderr.write(line + '\n')): Logger {
  const at = (wanted: LogLevel) => (message: string) => {
    if (order[wanted] <= order[level]) write(`${new Date().toISOString()} ${wanted.padEnd(5)} ${message}`);
  };
  return {
    level,
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    enabled: (wanted) => order[wanted] <= order[level],
  };
}

/** First 12 hex characters of the token's SHA-256: enough to correlate, useless to replay. */
export function fingerprint(token: string): string {
  return 'sha256:' + createHash('sha256').update(token).digest('hex').slice(0, 12);
}
