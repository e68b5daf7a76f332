/**
 * The `whoami` widget: who is signed in, from the tool's `structuredContent`
 * ({ subject, clientId, scopes, provider, issuer, expiresAt, profile }), or "not signed in" when
 * the tool answers with an auth challenge (`isError` + `_meta["mcp/www_authenticate"]`).
 */
import { byId, element, fromTemplate, record, resultText, show, startWidget, text, uiLocale, type ToolResult } from '../shared/widget.js';

interface Identity {
  subject?: string;
  clientId?: string;
  scopes: string[];
  provider?: string;
  issuer?: string;
  expiresAt?: string;
  profile: Record<string, unknown>;
}

/** Profile claims that can name the user in the header, best first. */
const NAME_CLAIMS = ['name', 'preferred_username', 'username', 'nickname', 'email'];

/** Labels of the profile claims the server shows; other claims are labelled with their name. */
const CLAIM_LABELS: Record<string, string> = {
  preferred_username: 'Username',
  username: 'Username',
  nickname: 'Nickname',
  tid: 'Tenant ID',
  oid: 'Object ID',
  'cognito:groups': 'Groups',
};

const root = byId('root');

startWidget({
  name: 'whoami',
  onResult: (result) => {
    if (result.isError) {
      const challenge = authChallenge(result);
      show(root, challenge ? signedOut(result, challenge) : failed(resultText(result) || 'The tool failed.'));
      return;
    }
    const identity = identityOf(result.structuredContent);
    show(root, identity ? signedIn(identity) : failed('The tool returned data this widget does not understand.'));
  },
  onCancel: () => show(root, element('p', 'Cancelled.', 'status done')),
});

function signedIn(identity: Identity): DocumentFragment {
  const { profile } = identity;
  const nameClaim = NAME_CLAIMS.find((claim) => text(profile[claim]));
  const name = (nameClaim && text(profile[nameClaim])) ?? identity.subject ?? 'Unnamed user';
  const email = text(profile.email);
  const view = fromTemplate('signed-in', {
    initials: initials(name),
    name,
    email: email === name ? undefined : email,
    provider: identity.provider && `Signed in with ${identity.provider}`,
  });

  const facts: Array<[string, string | Node | undefined]> = [
    ['Subject', identity.subject && element('span', identity.subject, 'code')],
    ['Scopes', identity.scopes.length > 0 ? chips(identity.scopes, 'Scopes') : 'None'],
    ['Client', identity.clientId && element('span', identity.clientId, 'code')],
    ['Issuer', identity.issuer && element('span', identity.issuer, 'code')],
    ['Expires', identity.expiresAt && expiry(identity.expiresAt)],
    ...Object.entries(profile)
      .filter(([claim]) => claim !== nameClaim && claim !== 'email')
      .map(([claim, value]): [string, string] => [CLAIM_LABELS[claim] ?? claim, claimText(value)]),
  ];
  const list = view.querySelector('.facts');
  for (const [label, value] of facts) {
    if (value === undefined || value === '') continue;
    const row = document.createElement('div');
    const dd = document.createElement('dd');
    dd.append(value);
    row.append(element('dt', label), dd);
    list?.append(row);
  }
  return view;
}

interface Challenge {
  error?: string;
  scopes: string[];
}

function signedOut(result: ToolResult, challenge: Challenge): DocumentFragment {
  const moreScopes = challenge.error === 'insufficient_scope';
  const view = fromTemplate('signed-out', {
    title: moreScopes ? 'More access needed' : 'Not signed in',
    message: resultText(result) || (moreScopes ? 'This app needs more permissions.' : 'Sign in to see who you are.'),
    hint: moreScopes ? 'Approve the access the app asks for, then try again.' : 'Connect your account when the chat asks, then try again.',
  });
  if (challenge.scopes.length > 0) {
    const needs = document.createElement('div');
    needs.className = 'needs';
    needs.append(element('span', 'Scopes needed', 'muted'), chips(challenge.scopes, 'Scopes needed'));
    view.querySelector('.notice > div')?.append(needs);
  }
  return view;
}

function failed(message: string): DocumentFragment {
  return fromTemplate('error', { message });
}

/** The Bearer challenge in `_meta["mcp/www_authenticate"]` (RFC 6750 §3), if any. */
function authChallenge(result: ToolResult): Challenge | undefined {
  const value = result._meta?.['mcp/www_authenticate'];
  const header = (Array.isArray(value) ? value : [value]).find((item): item is string => typeof item === 'string' && /^Bearer\b/i.test(item));
  if (header === undefined) return undefined;
  const param = (name: string) => new RegExp(`(?:^Bearer\\s+|,\\s*)${name}="((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(header)?.[1]?.replace(/\\(.)/g, '$1');
  return { error: param('error'), scopes: param('scope')?.split(' ').filter(Boolean) ?? [] };
}

/** `data` if it has the shape the `whoami` tool returns. */
function identityOf(structuredContent: unknown): Identity | undefined {
  const data = record(structuredContent);
  if (!data || !Array.isArray(data.scopes)) return undefined;
  return {
    subject: text(data.subject),
    clientId: text(data.clientId),
    scopes: data.scopes.filter((scope): scope is string => typeof scope === 'string'),
    provider: text(data.provider),
    issuer: text(data.issuer),
    expiresAt: text(data.expiresAt),
    profile: record(data.profile) ?? {},
  };
}

function chips(items: string[], label: string): HTMLUListElement {
  const list = document.createElement('ul');
  list.className = 'chips';
  list.setAttribute('aria-label', label);
  list.append(...items.map((item) => element('li', item)));
  return list;
}

/** Up to two letters from the first words of `name`, e.g. "AL" for "Ada Lovelace". */
function initials(name: string): string {
  const words = name.split(/[\s@._-]+/).filter(Boolean);
  return words
    .slice(0, 2)
    .map((word) => Array.from(word)[0] ?? '')
    .join('')
    .toUpperCase();
}

function claimText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(claimText).join(', ');
  return JSON.stringify(value) ?? '';
}

/** `<time>` with the date in the user's locale and how far away it is, e.g. "Jan 5, 2026, 3:04 PM (in 58 minutes)". */
function expiry(iso: string): Node {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return document.createTextNode(iso);
  const time = element('time', `${new Intl.DateTimeFormat(uiLocale(), { dateStyle: 'medium', timeStyle: 'short' }).format(date)} (${fromNow(date)})`);
  time.dateTime = date.toISOString();
  time.lang = uiLocale();
  return time;
}

function fromNow(date: Date): string {
  const minutes = Math.round((date.getTime() - Date.now()) / 60_000);
  const relative = new Intl.RelativeTimeFormat(uiLocale(), { numeric: 'auto' });
  if (Math.abs(minutes) < 60) return relative.format(minutes, 'minute');
  const hours = Math.round(minutes / 60);
  return Math.abs(hours) < 48 ? relative.format(hours, 'hour') : relative.format(Math.round(hours / 24), 'day');
}
