/**
 * The pages a person sees during sign-in: "who are you?" (any name works), then "allow access?"
 * listing the requested scopes, plus the error page. oidc-provider sends the browser to
 * `{issuer}/interaction/:uid` whenever it needs one of these; the answer goes back to it through
 * `provider.interactionResult()`, and oidc-provider does the rest of the OAuth work.
 *
 * The pages are plain HTML forms (no script, no external assets), so a test can drive them with
 * `fetch`: GET the page, POST `action=login&name=alice`, follow the redirect, POST `action=allow`.
 */
import type { IncomingMessage } from 'node:http';
import type Provider from 'oidc-provider';
import { errors, type ErrorOut, type Interaction, type InteractionResults, type KoaContextWithOIDC } from 'oidc-provider';

/** The parts of the Koa context the pages use (`ctx.oidc` does not exist outside oidc-provider's routes). */
type PageContext = Pick<KoaContextWithOIDC, 'path' | 'method' | 'req' | 'res' | 'status' | 'type' | 'body' | 'set' | 'redirect'>;
type Log = (level: 'info' | 'warn' | 'debug', msg: string) => void;

const INTERACTION_PATH = /^\/interaction\/([\w-]+)$/;
const MAX_FORM_BYTES = 16 * 1024;
const MAX_NAME_LENGTH = 64;

/** Plain-words notes for the scopes oidc-provider itself understands. */
const SCOPE_NOTES: Record<string, string> = {
  openid: 'your identity, as an ID token',
  offline_access: 'stay signed in: a refresh token',
};

/** What oidc-provider's consent prompt reports as not granted yet. */
interface ConsentDetails {
  missingOIDCScope?: string[];
  missingOIDCClaims?: string[];
  missingResourceScopes?: Record<string, string[]>;
}

/**
 * Koa middleware (for `provider.use`) serving `GET` and `POST /interaction/:uid`.
 */
export function interactionPages(provider: Provider, log: Log) {
  return async (ctx: PageContext, next: () => Promise<unknown>): Promise<void> => {
    const uid = INTERACTION_PATH.exec(ctx.path)?.[1];
    if (!uid || (ctx.method !== 'GET' && ctx.method !== 'POST')) {
      await next();
      return;
    }
    try {
      const interaction = await provider.interactionDetails(ctx.req, ctx.res);
      if (interaction.uid !== uid) throw new errors.SessionNotFound('interaction cookie does not match the page');
      if (ctx.method === 'GET') await show(provider, ctx, interaction);
      else await submit(provider, ctx, interaction);
    } catch (error) {
      if (error instanceof errors.SessionNotFound) {
        page(ctx, 400, 'Sign-in expired', '<p>This sign-in page has expired or was opened in another browser. Start signing in again from your MCP client.</p>');
      } else {
        log('warn', `local auth server: sign-in page failed: ${(error as Error).message}`);
        page(ctx, 500, 'Something went wrong', '<p>The sign-in page failed; the server log says why. Start signing in again from your MCP client.</p>');
      }
    }
  };
}

/** oidc-provider's `renderError`: shown when an error cannot be sent back to the client. */
export function renderErrorPage(ctx: PageContext, out: ErrorOut): void {
  const description = out.error_description ? `<p>${escape(out.error_description)}</p>` : '';
  page(ctx, ctx.status, 'Sign-in failed', `<p><code>${escape(out.error)}</code></p>${description}<p>Start signing in again from your MCP client.</p>`);
}

async function show(provider: Provider, ctx: PageContext, interaction: Interaction, problem?: string): Promise<void> {
  const client = await clientName(provider, interaction);
  const alert = problem ? `<p class="problem">${escape(problem)}</p>` : '';

  if (interaction.prompt.name === 'login') {
    const lastName = interaction.lastSubmission?.login?.accountId ?? interaction.session?.accountId ?? '';
    page(
      ctx,
      problem ? 400 : 200,
      'Sign in',
      `<p><b>${escape(client)}</b> wants to connect. Enter any name: it becomes the <code>sub</code> of your access token.</p>
      ${alert}
      <form method="post">
        <label>Name <input name="name" value="${escape(lastName)}" required maxlength="${MAX_NAME_LENGTH}" autofocus autocomplete="username"></label>
        <button name="action" value="login">Sign in</button>
        <button name="action" value="deny" formnovalidate class="secondary">Cancel</button>
      </form>`,
    );
    return;
  }

  const details = interaction.prompt.details as ConsentDetails;
  const scopes = [...new Set([...Object.values(details.missingResourceScopes ?? {}).flat(), ...(details.missingOIDCScope ?? [])])];
  const resource = typeof interaction.params.resource === 'string' ? `<p>for <code>${escape(interaction.params.resource)}</code></p>` : '';
  const list = scopes.length
    ? `<ul>${scopes.map((scope) => `<li><code>${escape(scope)}</code>${SCOPE_NOTES[scope] ? ` (${SCOPE_NOTES[scope]})` : ''}</li>`).join('')}</ul>`
    : '<p>It asks you to confirm access you granted before.</p>';
  page(
    ctx,
    problem ? 400 : 200,
    'Allow access?',
    `<p>Signed in as <b>${escape(interaction.session?.accountId ?? '')}</b>.</p>
    <p><b>${escape(client)}</b> asks for:</p>${list}${resource}
    ${alert}
    <form method="post">
      <button name="action" value="allow" autofocus>Allow</button>
      <button name="action" value="deny" class="secondary">Deny</button>
    </form>`,
  );
}

async function submit(provider: Provider, ctx: PageContext, interaction: Interaction): Promise<void> {
  const form = await readForm(ctx.req);
  const action = form.get('action');
  let result: InteractionResults;
  let mergeWithLastSubmission = false;

  if (action === 'deny') {
    result = { error: 'access_denied', error_description: 'The user refused to sign in or to grant access.' };
  } else if (action === 'login' && interaction.prompt.name === 'login') {
    const name = (form.get('name') ?? '').trim();
    if (!name || name.length > MAX_NAME_LENGTH || /\p{Cc}/u.test(name)) {
      await show(provider, ctx, interaction, `Enter a name of 1 to ${MAX_NAME_LENGTH} characters.`);
      return;
    }
    result = { login: { accountId: name } };
  } else if (action === 'allow' && interaction.prompt.name === 'consent') {
    result = { consent: { grantId: await grantRequested(provider, interaction) } };
    // Keep the login from the previous step in the result oidc-provider resumes with.
    mergeWithLastSubmission = true;
  } else {
    await show(provider, ctx, interaction, 'That answer does not fit this step; please try again.');
    return;
  }

  const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission });
  ctx.status = 303;
  ctx.redirect(returnTo);
}

/** Adds what the consent prompt reported as missing to the user's grant for this client. */
async function grantRequested(provider: Provider, interaction: Interaction): Promise<string> {
  const accountId = interaction.session?.accountId;
  if (!accountId) throw new errors.SessionNotFound('no signed-in user for this consent');
  const clientId = String(interaction.params.client_id);
  const grant = (interaction.grantId ? await provider.Grant.find(interaction.grantId) : undefined) ?? new provider.Grant({ accountId, clientId });

  const details = interaction.prompt.details as ConsentDetails;
  if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope);
  if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
  for (const [resource, scopes] of Object.entries(details.missingResourceScopes ?? {})) grant.addResourceScope(resource, scopes);
  return grant.save();
}

async function clientName(provider: Provider, interaction: Interaction): Promise<string> {
  const clientId = String(interaction.params.client_id);
  const client = await provider.Client.find(clientId);
  return client?.clientName ?? clientId;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new Error('form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function page(ctx: PageContext, status: number, title: string, body: string): void {
  ctx.status = status;
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  // No scripts, no external resources, never inside a frame (clickjacking).
  ctx.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
  ctx.body = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} · local development sign-in</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 26rem; margin: 3rem auto; padding: 0 1rem; color: #1f2328; }
  .dev { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 6px; padding: .5rem .75rem; font-size: .875rem; }
  .problem { color: #cf222e; }
  label { display: block; margin: 1rem 0; }
  input { display: block; width: 100%; box-sizing: border-box; padding: .5rem; font: inherit; }
  button { font: inherit; padding: .5rem 1rem; margin-right: .5rem; cursor: pointer; }
  button.secondary { background: none; border: 1px solid #d0d7de; }
</style>
</head>
<body>
<p class="dev">Local development sign-in. Anyone can sign in with any name, so never expose this server to real users.</p>
<h1>${escape(title)}</h1>
${body}
</body>
</html>
`;
}

function escape(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
