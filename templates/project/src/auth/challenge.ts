/**
 * `WWW-Authenticate: Bearer …` challenges (RFC 6750 §3, RFC 9728 §5.1) and the in-band tool
 * challenge that makes ChatGPT offer sign-in.
 */
import type { CallToolResult } from '@modelcontextprotocol/server';

/** An RFC 7230 quoted-string body: `\` and `"` escaped, control and non-ASCII characters replaced. */
function quoted(value: string): string {
  return value.replaceAll(/[\\"]/g, '\\$&').replaceAll(/[^\x20-\x7E]/g, ' ');
}

export interface ChallengeParams {
  resourceMetadataUrl: string;
  /** Omit when the request carried no credentials (RFC 6750 §3.1). */
  error?: 'invalid_request' | 'invalid_token' | 'insufficient_scope';
  description?: string;
  /** Scopes this request needs. */
  scopes?: string[];
}

export function bearerChallenge({ resourceMetadataUrl, error, description, scopes = [] }: ChallengeParams): string {
  const params = [`resource_metadata="${quoted(resourceMetadataUrl)}"`];
  if (error) params.push(`error="${error}"`);
  if (description) params.push(`error_description="${quoted(description)}"`);
  if (scopes.length > 0) params.push(`scope="${quoted(scopes.join(' '))}"`);
  return `Bearer ${params.join(', ')}`;
}

/**
 * A tool result that asks the host to sign the user in (or to ask for more scopes): `isError`
 * plus `_meta["mcp/www_authenticate"]`, the mechanism ChatGPT documents for per-tool auth.
 */
export function toolAuthChallenge(params: Required<Pick<ChallengeParams, 'error' | 'description'>> & ChallengeParams): CallToolResult {
  return {
    isError: true,
    content: [{ type: 'text', text: params.description }],
    _meta: { 'mcp/www_authenticate': [bearerChallenge(params)] },
  };
}
