/** The generated server's log fingerprint of a token (src/log.ts `fingerprint`), computed independently. */
import { createHash } from 'node:crypto';

export function fingerprintOf(token: string): string {
  return `sha256:${createHash('sha256').update(token).digest('hex').slice(0, 12)}`;
}
