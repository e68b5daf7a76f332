/**
 * A protected widget: shows who is signed in (subject, client, scopes, provider) from the verified
 * access token. Anonymous callers (mixed mode) get the in-band sign-in challenge; spec hosts whose
 * token lacks the scopes get a 403 step-up challenge. `protectedTool` does both.
 */
import { protectedTool } from '../auth/tools.js';
import type { Widget } from '../widgets/widget.js';

export const whoamiWidget: Widget = {
  name: 'whoami',
  uri: 'ui://widgets/whoami.html',
  title: 'Who am I',
  description: 'Shows the signed-in user and the scopes granted to this app.',
  invoking: 'Checking who you are…',
  invoked: 'Signed-in user',
};

/** Claims safe to show back to the user (never the token itself). */
const SHOWN_CLAIMS = ['name', 'email', 'preferred_username', 'username', 'nickname', 'tid', 'oid', 'cognito:groups'];

export const whoami = protectedTool(
  {
    name: 'whoami',
    title: 'Who am I',
    description: 'Shows the signed-in user, the app client and the granted scopes. Needs sign-in.',
    annotations: { readOnlyHint: true, openWorldHint: false },
    widget: whoamiWidget,
  },
  async (_args, { token, auth }) => {
    const profile = Object.fromEntries(SHOWN_CLAIMS.filter((claim) => token.claims[claim] !== undefined).map((claim) => [claim, token.claims[claim]]));
    const user = {
      subject: token.subject ?? null,
      clientId: token.clientId,
      scopes: token.scopes,
      provider: auth.provider,
      issuer: auth.issuer,
      expiresAt: new Date(token.expiresAt * 1000).toISOString(),
      profile,
    };
    return {
      content: [{ type: 'text', text: `Signed in as ${user.subject ?? 'an unnamed subject'} via ${auth.provider} (scopes: ${token.scopes.join(' ') || 'none'}).` }],
      structuredContent: user,
    };
  },
);
