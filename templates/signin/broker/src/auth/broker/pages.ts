/**
 * The pages the broker shows in the user's browser: the consent page (before the user is sent to
 * the identity provider) and an error page. Replace the consent page with your own by passing
 * `consentPage` to `createServer` (src/app.ts), which hands it to `createAuth`; it must post `consent=allow` (or `deny`) back to
 * `details.action`, for example with `<button name="consent" value="allow">`.
 */

import type { ConsentDetails } from '../broker-api.js';

export type { ConsentDetails };

export type ConsentPage = (details: ConsentDetails) => string;

/** Escapes text for HTML content and attribute values. */
export function html(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}
h1{font-size:1.4rem}.app{background:#f4f4f5;border-radius:8px;padding:.75rem 1rem}code{font-size:.9em}
.buttons{display:flex;gap:.75rem;margin-top:1.5rem}button{font:inherit;padding:.6rem 1.2rem;border-radius:6px;border:1px solid #999;background:#fff;cursor:pointer}
button[value=allow]{background:#1a56db;border-color:#1a56db;color:#fff}.small{color:#555;font-size:.9rem}`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer"><title>${html(title)}</title><style>${STYLE}</style></head>
<body>
${body}
</body>
</html>
`;
}

export const defaultConsentPage: ConsentPage = (details) => {
  const name = details.clientName?.trim() ? details.clientName.trim() : 'An app';
  const scopes = details.scopes.length > 0 ? `<p class="small">It asks for: ${details.scopes.map((scope) => `<code>${html(scope)}</code>`).join(', ')}</p>` : '';
  return page(
    `Allow ${name} to use ${details.serverName}?`,
    `<h1>Allow ${html(name)} to use ${html(details.serverName)}?</h1>
<div class="app">
<p><strong>${html(name)}</strong> wants to use ${html(details.serverName)} as you.</p>
<p>If you allow it, you sign in with ${html(details.providerName)} next, and then you are sent back to <strong>${html(details.redirectHost)}</strong>.</p>
</div>
${scopes}
<p class="small">Only allow it if you started this from ${html(details.redirectHost)} yourself. The name above is chosen by the app and is not checked; the address it sends you back to is.</p>
<form method="post" action="${html(details.action)}">
<div class="buttons">
<button type="submit" name="consent" value="allow">Allow</button>
<button type="submit" name="consent" value="deny">Cancel</button>
</div>
</form>`,
  );
};

export function errorPage(title: string, message: string): string {
  return page(title, `<h1>${html(title)}</h1>\n<p>${html(message)}</p>\n<p class="small">Close this window and start the sign-in again from the app.</p>`);
}
