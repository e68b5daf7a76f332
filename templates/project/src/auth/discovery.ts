/**
 * Authorization server metadata, fetched once at start in the order MCP clients use
 * (MCP 2025-11-25 "Authorization Server Metadata Discovery"), and accepted only when its `issuer`
 * is byte-identical to the configured one (RFC 8414 §3.3): a mismatch here is exactly what makes
 * strict clients refuse to sign in later.
 */
import type { OAuthMetadata } from '@modelcontextprotocol/server';
import { fetchJson, FetchJsonError } from './http.js';

/** Well-known URLs for an issuer, in client order. */
export function discoveryUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/$/, '');
  if (path === '') {
    return [`${url.origin}/.well-known/oauth-authorization-server`, `${url.origin}/.well-known/openid-configuration`];
  }
  return [
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
    `${url.origin}/.well-known/openid-configuration${path}`,
    `${url.origin}${path}/.well-known/openid-configuration`,
  ];
}

export class DiscoveryError extends Error {
  override name = 'DiscoveryError';
}

export async function discoverAuthorizationServer(issuer: string, timeoutMs: number): Promise<OAuthMetadata> {
  const failures: string[] = [];
  for (const url of discoveryUrls(issuer)) {
    let doc: Record<string, unknown>;
    try {
      doc = await fetchJson(url, timeoutMs);
    } catch (error) {
      if (error instanceof FetchJsonError) {
        failures.push(error.message);
        continue;
      }
      throw error;
    }
    if (doc.issuer !== issuer) {
      throw new DiscoveryError(
        `The discovery document at ${url} says issuer ${JSON.stringify(doc.issuer)}, but OAUTH_ISSUER is ${JSON.stringify(issuer)}; ` +
          'they must match byte for byte (mind a trailing slash). Set OAUTH_ISSUER to the document\'s value.',
      );
    }
    for (const field of ['authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const) {
      if (typeof doc[field] !== 'string') throw new DiscoveryError(`The discovery document at ${url} has no ${field}.`);
    }
    if (!Array.isArray(doc.response_types_supported)) doc.response_types_supported = ['code'];
    return doc as unknown as OAuthMetadata;
  }
  throw new DiscoveryError(`No discovery document found for issuer ${issuer}: ${failures.join('; ')}.`);
}
