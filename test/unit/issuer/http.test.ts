import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { fetchDocument, fetchJson, NetError } from '../../../src/issuer/http.js';
import { toNetError } from '../../../src/issuer/net-error.js';
import { programs, skipWithout } from '../../helpers/requires.js';
import { refusedUrl, startHangingServer, startIssuerServer, type IssuerServer } from '../../helpers/issuer-server.js';

let srv: IssuerServer;
let other: IssuerServer; // same machine, reached as "localhost": another host for redirects

beforeAll(async () => {
  srv = await startIssuerServer();
  other = await startIssuerServer({ hostname: 'localhost' });
});
afterAll(async () => {
  await srv.close();
  await other.close();
});
afterEach(() => srv.clearFaults());

const opts = { timeoutMs: 2000 };

/** The NetError a promise rejects with (fails the test if it resolves or throws something else). */
async function netError(p: Promise<unknown>): Promise<NetError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(NetError);
  return err as NetError;
}

describe('fetchDocument', () => {
  test('returns the status, headers, body, size and timing of a direct answer', async () => {
    const url = srv.discoveryUrls[0]!;
    const doc = await fetchDocument(url, opts);
    expect(doc).toMatchObject({ url, finalUrl: url, status: 200, contentType: 'application/json', redirects: [] });
    expect(JSON.parse(doc.text)).toEqual(srv.document);
    expect(doc.bytes).toBe(Buffer.byteLength(doc.text));
    expect(doc.headers['cache-control']).toBe('public, max-age=300');
    expect(doc.elapsedMs).toBeGreaterThanOrEqual(0);
  });

  test('returns non-200 statuses instead of throwing', async () => {
    const doc = await fetchDocument(srv.url('/missing'), opts);
    expect(doc.status).toBe(404);
  });

  test('follows redirects itself and records every hop', async () => {
    srv.fault('/a', { redirectTo: '/b', status: 301 });
    srv.fault('/b', { redirectTo: srv.discoveryUrls[0]! });
    const doc = await fetchDocument(srv.url('/a'), opts);
    expect(doc.status).toBe(200);
    expect(doc.finalUrl).toBe(srv.discoveryUrls[0]);
    expect(doc.redirects).toEqual([
      { from: srv.url('/a'), to: srv.url('/b'), status: 301 },
      { from: srv.url('/b'), to: srv.discoveryUrls[0], status: 302 },
    ]);
  });

  test('follows a redirect to another host and records it', async () => {
    srv.fault('/away', { redirectTo: other.discoveryUrls[0]! });
    const doc = await fetchDocument(srv.url('/away'), opts);
    expect(doc.finalUrl).toBe(other.discoveryUrls[0]);
    expect(doc.redirects).toEqual([{ from: srv.url('/away'), to: other.discoveryUrls[0], status: 302 }]);
    expect(new URL(doc.finalUrl).hostname).toBe('localhost');
  });

  test('followRedirects: 0 returns the redirect itself', async () => {
    srv.fault('/a', { redirectTo: '/b' });
    const doc = await fetchDocument(srv.url('/a'), { ...opts, followRedirects: 0 });
    expect(doc.status).toBe(302);
    expect(doc.headers['location']).toBe(srv.url('/b'));
    expect(doc.redirects).toEqual([]);
  });

  test('a redirect loop is too-many-redirects after the limit', async () => {
    srv.fault('/loop', { redirectTo: '/loop' });
    const err = await netError(fetchDocument(srv.url('/loop'), { ...opts, followRedirects: 3 }));
    expect(err.kind).toBe('too-many-redirects');
    expect(err.message).toBe(`${srv.url('/loop')} redirected more than 3 times (the last hop, ${srv.url('/loop')}, points to ${srv.url('/loop')})`);
  });

  test('keeps a UTF-8 byte order mark in the text', async () => {
    srv.fault('/bom', { json: { a: 1 }, bom: true });
    const doc = await fetchDocument(srv.url('/bom'), opts);
    expect(doc.text.startsWith('\uFEFF')).toBe(true);
  });

  test('an oversized streamed body is too-large', async () => {
    srv.fault('/big', { oversizeBytes: 600 * 1024 });
    const err = await netError(fetchDocument(srv.url('/big'), opts));
    expect(err.kind).toBe('too-large');
    expect(err.message).toBe(`${srv.url('/big')} sent more than 524288 bytes, over the 524288-byte cap for this document`);
  });

  test('a declared Content-Length over the cap is too-large without reading the body', async () => {
    srv.fault('/declared', { body: 'x'.repeat(2000) });
    const err = await netError(fetchDocument(srv.url('/declared'), { ...opts, maxBytes: 1000 }));
    expect(err.kind).toBe('too-large');
    expect(err.message).toBe(`${srv.url('/declared')} sent 2000 bytes, over the 1000-byte cap for this document`);
  });

  test('bad URLs are bad-url', async () => {
    expect((await netError(fetchDocument('not a url', opts))).kind).toBe('bad-url');
    const ftp = await netError(fetchDocument('ftp://example.invalid/x', opts));
    expect(ftp.kind).toBe('bad-url');
    expect(ftp.message).toBe('URL "ftp://example.invalid/x" uses ftp:, not http(s):');
  });

  test('a redirect to a non-http scheme is bad-url', async () => {
    srv.fault('/ftp', { redirectTo: 'ftp://example.invalid/doc' });
    const err = await netError(fetchDocument(srv.url('/ftp'), opts));
    expect(err.kind).toBe('bad-url');
    expect(err.message).toContain(`Redirect from ${srv.url('/ftp')} to "ftp://example.invalid/doc" uses ftp:`);
  });

  test('an abort through opts.signal rejects with the abort reason, not a NetError', async () => {
    const hanging = await startHangingServer();
    try {
      const controller = new AbortController();
      const p = fetchDocument(hanging.url('/'), { timeoutMs: 5000, signal: controller.signal });
      setTimeout(() => controller.abort(new Error('Cancelled')), 50);
      await expect(p).rejects.toThrow('Cancelled');
      await expect(p).rejects.not.toBeInstanceOf(NetError);
    } finally {
      await hanging.close();
    }
  });
});

describe('fetchJson failures', () => {
  test('404 is http-status with the status, URL and a fix', async () => {
    const url = srv.url('/nothing-here');
    const err = await netError(fetchJson(url, opts));
    expect(err).toMatchObject({ kind: 'http-status', status: 404, url });
    expect(err.message).toBe(`${url} returned HTTP 404; expected 200 with a JSON document`);
    expect(err.fix).toBe('Check the issuer URL: nothing is published at this path');
  });

  test('500 is http-status with a server-side fix', async () => {
    srv.fault('/boom', { status: 500, json: { error: 'server_error' } });
    const err = await netError(fetchJson(srv.url('/boom'), opts));
    expect(err).toMatchObject({ kind: 'http-status', status: 500 });
    expect(err.message).toBe(`${srv.url('/boom')} returned HTTP 500; expected 200 with a JSON document`);
    expect(err.fix).toContain('The server failed to produce the document');
  });

  test('403 with an HTML challenge names the page title', async () => {
    srv.fault('/waf', { status: 403, html: 'Just a moment...' });
    const err = await netError(fetchJson(srv.url('/waf'), opts));
    expect(err.message).toBe(`${srv.url('/waf')} returned HTTP 403 with an HTML page (title: "Just a moment..."); expected 200 with a JSON document`);
    expect(err.fix).toContain('Exempt /.well-known/*');
  });

  test('200 with an HTML page is html, with the title and the routing fix', async () => {
    const url = srv.url('/login');
    srv.fault(url, { html: 'Sign in' });
    const err = await netError(fetchJson(url, opts));
    expect(err).toMatchObject({ kind: 'html', status: 200, url });
    expect(err.message).toBe(`${url} returned an HTML page (title: "Sign in") instead of JSON`);
    expect(err.fix).toBe('Route /.well-known/* to the identity provider or turn off the login/interstitial page for it');
  });

  test('HTML served as application/json is still recognised', async () => {
    srv.fault('/spa', { body: '<!doctype html><html><head><title>My App</title></head></html>', contentType: 'application/json' });
    const err = await netError(fetchJson(srv.url('/spa'), opts));
    expect(err.kind).toBe('html');
    expect(err.message).toContain('(title: "My App")');
  });

  test('invalid JSON is not-json with the parser’s reason on one line', async () => {
    srv.fault('/garbage', { body: '{"issuer": oops\n}' });
    const err = await netError(fetchJson(srv.url('/garbage'), opts));
    expect(err.kind).toBe('not-json');
    expect(err.message).toMatch(new RegExp(`^${srv.url('/garbage')} did not return valid JSON \\(.+\\)$`));
    expect(err.message).not.toContain('\n');
  });

  test('an empty body is not-json', async () => {
    srv.fault('/empty', { body: '' });
    const err = await netError(fetchJson(srv.url('/empty'), opts));
    expect(err.message).toBe(`${srv.url('/empty')} did not return valid JSON (the body is empty)`);
  });

  test('a JSON array is not-object', async () => {
    srv.fault('/array', { json: [{ issuer: 'x' }] });
    const err = await netError(fetchJson(srv.url('/array'), opts));
    expect(err.kind).toBe('not-object');
    expect(err.message).toBe(`${srv.url('/array')} returned a JSON array; expected a JSON object`);
  });

  test('JSON null and strings are not-object', async () => {
    srv.fault('/null', { body: 'null' });
    expect((await netError(fetchJson(srv.url('/null'), opts))).message).toContain('returned null; expected a JSON object');
    srv.fault('/string', { body: '"hello"' });
    expect((await netError(fetchJson(srv.url('/string'), opts))).message).toContain('returned a JSON string; expected a JSON object');
  });

  test('a UTF-8 BOM is reported, not stripped', async () => {
    srv.fault('/bom', { json: { issuer: srv.issuer }, bom: true });
    const err = await netError(fetchJson(srv.url('/bom'), opts));
    expect(err.kind).toBe('not-json');
    expect(err.message).toBe(`${srv.url('/bom')} starts with a UTF-8 byte order mark (BOM), which strict JSON parsers reject`);
    expect(err.fix).toContain('without a byte order mark');
  });

  test('a server that never answers times out within the timeout + 1 s', async () => {
    const hanging = await startHangingServer();
    try {
      const started = Date.now();
      const err = await netError(fetchJson(hanging.url('/.well-known/openid-configuration'), { timeoutMs: 300 }));
      expect(err.kind).toBe('timeout');
      expect(err.message).toBe(`${hanging.url('/.well-known/openid-configuration')} did not answer within 300 ms`);
      expect(err.fix).toContain('raise --timeout');
      expect(Date.now() - started).toBeLessThan(1300);
    } finally {
      await hanging.close();
    }
  });

  test('a delay before the headers longer than the timeout times out', async () => {
    srv.fault('/slow', { delayMs: 1500 });
    const started = Date.now();
    const err = await netError(fetchJson(srv.url('/slow'), { timeoutMs: 200 }));
    expect(err.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1200);
  });

  test('a body that stalls after the headers times out (the timeout covers the whole body)', async () => {
    srv.fault('/stall', { stallAfterBytes: 10 });
    const started = Date.now();
    const err = await netError(fetchJson(srv.url('/stall'), { timeoutMs: 300 }));
    expect(err.kind).toBe('timeout');
    expect(err.message).toBe(`${srv.url('/stall')} did not answer within 300 ms`);
    expect(Date.now() - started).toBeLessThan(1300);
  });

  test('a closed port is refused', async () => {
    const url = `${await refusedUrl()}/.well-known/openid-configuration`;
    const err = await netError(fetchJson(url, opts));
    expect(err.kind).toBe('refused');
    expect(err.code).toBe('ECONNREFUSED');
    expect(err.message).toBe(`Connection refused by ${new URL(url).host} (${url})`);
  });

  test('a connection closed mid-response is reset', async () => {
    const rude = net.createServer((socket) => socket.once('data', () => socket.destroy()));
    await new Promise<void>((resolve) => rude.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(rude.address() as AddressInfo).port}/doc`;
      const err = await netError(fetchJson(url, opts));
      expect(err.kind).toBe('reset');
      expect(err.message).toBe(`127.0.0.1:${(rude.address() as AddressInfo).port} closed the connection before the response was complete (${url})`);
    } finally {
      await new Promise<void>((resolve) => rude.close(() => resolve()));
    }
  });

  test('an unresolvable host is dns', async () => {
    const url = 'https://no-such-issuer.invalid/.well-known/openid-configuration';
    const err = await netError(fetchJson(url, opts));
    expect(err.kind).toBe('dns');
    expect(err.message).toBe(`Could not resolve host no-such-issuer.invalid (DNS lookup failed for ${url})`);
    expect(err.fix).toContain('Check the spelling of the domain');
  });

  test('a good document parses to an object', async () => {
    const res = await fetchJson(srv.discoveryUrls[0]!, opts);
    expect(res.json['issuer']).toBe(srv.issuer);
  });
});

describe('TLS and error-cause mapping', () => {
  test.skipIf(skipWithout(programs.openssl, 'the self-signed certificate test'))('a self-signed certificate is tls, naming the code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'issuer-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const server = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => res.end('{}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
      const err = await netError(fetchJson(`https://${host}/.well-known/openid-configuration`, opts));
      expect(err.kind).toBe('tls');
      expect(err.code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
      expect(err.message).toBe(`TLS certificate of ${host} was rejected: DEPTH_ZERO_SELF_SIGNED_CERT (self-signed certificate)`);
      expect(err.fix).toContain('NODE_EXTRA_CA_CERTS');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /** What undici throws: TypeError('fetch failed') with the socket error as cause. */
  const undiciError = (code: string, message = code) => new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code }) });
  const url = 'https://idp.example.com/.well-known/openid-configuration';

  test.each([
    ['ENOTFOUND', 'dns'],
    ['EAI_AGAIN', 'dns'],
    ['ECONNREFUSED', 'refused'],
    ['ECONNRESET', 'reset'],
    ['UND_ERR_SOCKET', 'reset'],
    ['CERT_HAS_EXPIRED', 'tls'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'tls'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls'],
    ['UND_ERR_CONNECT_TIMEOUT', 'timeout'],
    ['EHOSTUNREACH', 'network'],
  ])('cause code %s maps to %s', (code, kind) => {
    const err = toNetError(undiciError(code), url, 5000);
    expect(err.kind).toBe(kind);
    expect(err.url).toBe(url);
    expect(err.message).not.toContain('\n');
    expect(err.message).not.toMatch(/\bat .+:\d+:\d+/); // no stack frames
  });

  test('https to a plain-http port is a tls handshake failure, not a certificate problem', async () => {
    const err = await netError(fetchJson(srv.discoveryUrls[0]!.replace('http:', 'https:'), opts));
    expect(err.kind).toBe('tls');
    expect(err.message).toMatch(/^TLS handshake with 127\.0\.0\.1:\d+ failed: ERR_SSL_/);
    expect(err.fix).toContain('may not speak TLS');
  });

  test('a happy-eyeballs AggregateError is mapped by its first error', () => {
    const cause = new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:80'), { code: 'ECONNREFUSED' })], '');
    expect(toNetError(new TypeError('fetch failed', { cause }), url, 5000).kind).toBe('refused');
  });

  test('a TimeoutError names the timeout', () => {
    const err = toNetError(new DOMException('The operation was aborted due to timeout', 'TimeoutError'), url, 1234);
    expect(err.kind).toBe('timeout');
    expect(err.message).toBe(`${url} did not answer within 1234 ms`);
  });

  test('an unknown failure is network, with the innermost message on one line', () => {
    const err = toNetError(new TypeError('fetch failed', { cause: new Error('something\nodd') }), url, 5000);
    expect(err.kind).toBe('network');
    expect(err.message).toBe(`Request to ${url} failed: something odd`);
  });
});
