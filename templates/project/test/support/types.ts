import type { JWTPayload } from 'jose';

/** What the offline tests need to know about the provider's tokens (`test/support/provider.ts`). */
export interface TestProvider {
  name: string;
  /** Path of the issuer identifier on the test issuer, e.g. "/" for Auth0, "/oauth2/default" for Okta. */
  issuerPath: string;
  /** Scopes the server requires in the tests. */
  scopes: string[];
  /** Environment beyond OAUTH_ISSUER and MCP_RESOURCE_URL. */
  env(input: { issuer: string; resource: string }): Record<string, string>;
  /** Claims of a valid access token for this server, granting `scopes`. */
  claims(input: { issuer: string; resource: string; scopes: string[] }): JWTPayload;
  /** The same token bound to another API or app client. */
  wrongBinding(claims: JWTPayload): JWTPayload;
  /** Set when the provider signs in only through the broker (Google): why the direct-sign-in tests do not apply. */
  brokerOnly?: string;
  /** Claims the provider's ID token carries besides iss, aud, sub and nonce (the broker's tests). */
  idToken?(): JWTPayload;
  /** What the provider's user API answers (GitHub: `GET /user` and the logins of `GET /user/orgs`). */
  userApi?(): { user: Record<string, unknown>; orgs: string[] };
}
