/**
 * A protected widget: shows who is signed in (subject, client, scopes, provider) from the verified
 * access token. Anonymous callers (mixed mode) get the in-band sign-in challenge; spec clients
 * whose token lacks the scopes get a 403 step-up challenge.
 */
import { registerAppTool } from '@modelcontextprotocol/ext-apps/server';
import { requireScopes, type McpServer } from '@modelcontextprotocol/server';
import { requireAccess, securitySchemes, type ToolAuth } from '../auth/tool-auth.js';
import { registerWidgetResource, widgetToolMeta, type Widget } from '../widgets/widget.js';

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

export function registerWhoami(server: McpServer, auth: ToolAuth): void {
  registerWidgetResource(server, whoamiWidget);
  const tool = registerAppTool(
    server,
    'whoami',
    {
      title: 'Who am I',
      description: 'Shows the signed-in user, the app client and the granted scopes. Needs sign-in.',
      annotations: { readOnlyHint: true, openWorldHint: false },
      _meta: { ...widgetToolMeta(whoamiWidget), securitySchemes: securitySchemes(auth, 'protected') },
    },
    async (ctx) => {
      const access = requireAccess(ctx, auth);
      if ('challenge' in access) return access.challenge;
      const { token } = access;
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
  // Spec clients (Claude, VS Code, the SDK client) step up on a 403 `insufficient_scope`.
  // ext-apps' registerAppTool does not type `scopeChallenge`, so it is set with update().
  const [first, ...rest] = auth.scopes;
  if (auth.mode === 'mixed' && first !== undefined) tool.update({ scopeChallenge: requireScopes(first, ...rest) });
}
