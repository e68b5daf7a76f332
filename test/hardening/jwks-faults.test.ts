/**
 * Issue 7 §2: the identity provider's metadata and keys failing, at start and while running.
 *
 * Decisions (see also templates/project/src/auth/jwks.ts):
 * - Discovery or JWKS unusable at start: the server refuses to start (exit 1, one line naming the
 *   URL and the reason, within OAUTH_HTTP_TIMEOUT). A server that cannot verify any token is not
 *   "up".
 * - JWKS down while running: the keys already loaded keep working; a token with a key id the
 *   server does not know gets 500 `server_error` from the SDK's requireBearerAuth, never 401, so
 *   clients do not loop through sign-in during an outage.
 * - Rotation: a new kid is accepted after exactly one refetch, also for a burst of requests that
 *   arrive while that refetch is in flight; refetches happen at most once per OAUTH_JWKS_COOLDOWN.
 * - The verified-token cache keeps a token until its `exp` and never past it; failures are never
 *   cached.
 */
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cases } from '../e2e/provider-cases.js';
import { freePort } from '../helpers/generated-server.js';
import { refusedUrl, startIssuerServer, type IssuerServer } from '../helpers/issuer-server.js';
import { fingerprintOf } from './support/fingerprint.js';
import { challengeOf, send } from './support/http.js';
import { generateProject, STACK, startServer, waitFor, type GeneratedProject } from './support/project.js';
import { startShape, type Shape } from './support/shapes.js';
import { printTable, row, type Row } from './support/tally.js';

const started = Date.now();
const rows: Record<string, Row> = {};
afterAll(() => printTable('JWKS and discovery faults', rows, started));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe('the identity provider unusable at start: the server refuses to start with one clear line', () => {
  let issuer: IssuerServer;
  let project: GeneratedProject;
  const tally = (rows['refuses to start'] = row());
  const spec = cases.oidc;

  beforeAll(async () => {
    issuer = await startIssuerServer({ fixture: spec.fixture });
    project = await generateProject(['--provider', 'oidc', ...spec.flags(issuer.issuer)]);
  }, 300_000);
  afterAll(async () => {
    await issuer?.close();
  });

  /** Starts the server on a fresh port with `fault` in place; returns its output and how long it took to give up. */
  async function refused(setUp: () => Promise<void> | void, timeoutMs = 800) {
    issuer.clearFaults();
    const document = structuredClone(issuer.document);
    await setUp();
    const port = await freePort();
    const began = Date.now();
    try {
      const server = await startServer(project.dir, { PORT: String(port), MCP_RESOURCE_URL: `http://127.0.0.1:${port}/mcp`, OAUTH_HTTP_TIMEOUT: String(timeoutMs) }, { expectExit: true, timeoutMs: 30_000 });
      const code = await server.exited;
      const output = server.output();
      tally.cases += 1;
      if (STACK.test(output)) tally.stackTraces += 1;
      if (code !== 1) tally.notes.push(`exit ${code}`);
      expect(code, output).toBe(1);
      expect(output).not.toMatch(STACK);
      const errors = output.split('\n').filter((line) => line.startsWith('error: '));
      expect(errors, output).toHaveLength(1);
      expect(output).not.toMatch(/MCP server listening/);
      return { line: errors[0]!, ms: Date.now() - began };
    } finally {
      issuer.clearFaults();
      issuer.document = document;
    }
  }

  const jwksUri = () => String(issuer.document.jwks_uri);

  test('JWKS answers 503', async () => {
    const { line } = await refused(() => issuer.fault(jwksUri(), { status: 503, json: { error: 'unavailable' } }));
    expect(line).toContain(`Could not load the signing keys from ${jwksUri()}`);
    expect(line).toMatch(/HTTP 503/);
    expect(line).toMatch(/does not start/);
  });

  test('JWKS host refuses connections', async () => {
    const refusing = `${await refusedUrl()}/realms/demo/protocol/openid-connect/certs`;
    const { line } = await refused(() => {
      issuer.document.jwks_uri = refusing;
    });
    expect(line).toContain(`Could not load the signing keys from ${refusing}`);
    expect(line).toMatch(/ECONNREFUSED/);
  });

  test('JWKS never answers: gives up after OAUTH_HTTP_TIMEOUT', async () => {
    const { line, ms } = await refused(() => issuer.fault(jwksUri(), { delayMs: 20_000 }), 800);
    expect(line).toMatch(/no answer within 800 ms/);
    expect(ms).toBeLessThan(800 + 8_000);
  });

  test('JWKS stalls in the middle of its body', async () => {
    const { line } = await refused(() => issuer.fault(jwksUri(), { stallAfterBytes: 12 }), 800);
    expect(line).toMatch(/while reading the body: no answer within 800 ms/);
  });

  test('JWKS streams 20 MB: refused at the 512 KiB cap, never buffered', async () => {
    const { line } = await refused(() => issuer.fault(jwksUri(), { oversizeBytes: 20 * 1024 * 1024 }), 5_000);
    expect(line).toMatch(/more than 524288 bytes/);
  });

  test('JWKS is an HTML page', async () => {
    const { line } = await refused(() => issuer.fault(jwksUri(), { html: 'Sign in' }));
    expect(line).toMatch(/HTML page/);
  });

  test('JWKS has no keys', async () => {
    const { line } = await refused(() => issuer.fault(jwksUri(), { json: { keys: [] } }));
    expect(line).toMatch(/has no "keys"/);
  });

  test('discovery answers 503 everywhere', async () => {
    const { line } = await refused(() => {
      for (const url of issuer.discoveryUrls) issuer.fault(url, { status: 503 });
    });
    expect(line).toContain(`No discovery document found for issuer ${issuer.issuer}`);
  });

  test('discovery stalls in the middle of its body', async () => {
    const { line } = await refused(() => {
      for (const url of issuer.discoveryUrls) issuer.fault(url, { stallAfterBytes: 20 });
    });
    expect(line).toMatch(/while reading the body/);
  });

  test('discovery redirects to another host', async () => {
    const { line } = await refused(() => {
      for (const url of issuer.discoveryUrls) issuer.fault(url, { redirectTo: 'http://localhost:9/.well-known/openid-configuration' });
    });
    expect(line).toMatch(/redirect/);
  });

  test('OAUTH_JWKS_COOLDOWN=0 is refused: it would let anyone make the server hammer the provider', async () => {
    const port = await freePort();
    const server = await startServer(project.dir, { PORT: String(port), MCP_RESOURCE_URL: `http://127.0.0.1:${port}/mcp`, OAUTH_JWKS_COOLDOWN: '0' }, { expectExit: true });
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(/^error: OAUTH_JWKS_COOLDOWN must be at least 1/m);
    tally.cases += 1;
  });
});

describe('while running (OAUTH_JWKS_COOLDOWN=1)', () => {
  let shape: Shape;
  let issuer: IssuerServer;
  let jwksUri: string;
  const tally = (rows['while running'] = row());
  const COOLDOWN_MS = 1_000;
  /** Waits until the cooldown since the last fetch has certainly passed. */
  const afterCooldown = () => sleep(COOLDOWN_MS + 200);

  beforeAll(async () => {
    shape = await startShape('oidc', { OAUTH_JWKS_COOLDOWN: '1', OAUTH_HTTP_TIMEOUT: '1000' });
    issuer = shape.issuer!;
    jwksUri = String(issuer.document.jwks_uri);
  }, 300_000);
  afterAll(async () => {
    tally.notes.push(`JWKS fetches ${shape?.jwksFetches()}`);
    if (shape && STACK.test(shape.server.output())) tally.stackTraces += 1;
    await shape?.close();
  });

  async function call(token: string) {
    const response = await send(shape.project.resource, bearer(token));
    tally.cases += 1;
    if (response.status >= 500 && response.status !== 500) tally.notes.push(`unexpected ${response.status}`);
    expect(response.body).not.toMatch(STACK);
    return response;
  }

  async function newKey(kid: string): Promise<{ privateKey: CryptoKey; jwk: Record<string, unknown> }> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
  }

  test('an unknown kid with the JWKS up: exactly one refetch, then 401; more unknown kids inside the cooldown refetch nothing', async () => {
    await afterCooldown();
    const before = shape.jwksFetches();
    const stranger = await newKey('not-published');
    const first = await call(await shape.tokens.mint(shape.claims(), { key: stranger.privateKey, kid: 'not-published' }));
    expect(first.status).toBe(401);
    expect((challengeOf(first) as Record<string, string>).error).toBe('invalid_token');
    expect(shape.jwksFetches()).toBe(before + 1);
    const burst = await Promise.all(Array.from({ length: 30 }, (_, i) => shape.tokens.mint(shape.claims(), { key: stranger.privateKey, kid: `not-published-${i}` }).then(call)));
    expect(burst.map((r) => r.status)).toEqual(burst.map(() => 401));
    expect(shape.jwksFetches()).toBe(before + 1);
  });

  test('JWKS down: cached keys keep working; a new kid gets 500 server_error (never 401); failures are bounded by the cooldown', async () => {
    issuer.fault(jwksUri, { status: 503 });
    try {
      await afterCooldown();
      // A token never seen before (not in the verified-token cache), signed with a known key.
      const known = await call(await shape.tokens.mint({ ...shape.claims(), jti: 'outage-known-key' }));
      expect(known.status).toBe(200);
      // Still a bad token is a bad token: expiry needs no keys.
      const expired = await call(await shape.tokens.mint({ ...shape.claims(), exp: Math.floor(Date.now() / 1000) - 60 }));
      expect(expired.status).toBe(401);

      const before = shape.jwksFetches();
      const rotated = await newKey('rotated-during-outage');
      const token = await shape.tokens.mint(shape.claims(), { key: rotated.privateKey, kid: 'rotated-during-outage' });
      const outage = await call(token);
      expect(outage.status, outage.body).toBe(500);
      expect(outage.wwwAuthenticate, 'no challenge: the client must not restart sign-in').toBeUndefined();
      expect(JSON.parse(outage.body)).toMatchObject({ error: 'server_error' });
      expect(shape.jwksFetches()).toBe(before + 1);
      // Inside the cooldown: still a server error, and no new fetch.
      const again = await Promise.all(Array.from({ length: 10 }, () => call(token)));
      expect(again.map((r) => r.status)).toEqual(again.map(() => 500));
      expect(shape.jwksFetches()).toBe(before + 1);
      expect(shape.server.output()).toMatch(/could not refresh signing keys: .*HTTP 503 \(keeping the keys already loaded\)/);
    } finally {
      issuer.clearFaults();
    }
  });

  test('key rotation: a burst of tokens with the new kid, arriving while the refetch is in flight, is accepted after exactly one refetch', async () => {
    const rotated = await newKey('rotated-1');
    // The provider publishes the new key next to the old one (and a symmetric secret, which must never verify anything).
    issuer.jwks.keys.push(rotated.jwk, { kty: 'oct', kid: 'published-secret', alg: 'HS256', k: Buffer.from('a-published-secret').toString('base64url') });
    // A slow JWKS widens the window in which requests wait for the same refetch.
    issuer.fault(jwksUri, { delayMs: 300 });
    try {
      await afterCooldown();
      const before = shape.jwksFetches();
      const tokens = await Promise.all(Array.from({ length: 20 }, (_, i) => shape.tokens.mint({ ...shape.claims(), jti: `rotated-${i}` }, { key: rotated.privateKey, kid: 'rotated-1' })));
      const responses = await Promise.all(tokens.map(call));
      expect(responses.map((r) => r.status)).toEqual(responses.map(() => 200));
      expect(shape.jwksFetches()).toBe(before + 1);
      // The new key is now simply known.
      const later = await call(await shape.tokens.mint({ ...shape.claims(), jti: 'rotated-later' }, { key: rotated.privateKey, kid: 'rotated-1' }));
      expect(later.status).toBe(200);
      expect(shape.jwksFetches()).toBe(before + 1);
      // HS256 signed with the secret the JWKS published: refused, the algorithm is not allowed.
      const hs = await new SignJWT({ ...shape.claims(), iss: issuer.issuer }).setProtectedHeader({ alg: 'HS256', kid: 'published-secret' }).setIssuedAt().setExpirationTime('5m').sign(Buffer.from('a-published-secret'));
      const hsResponse = await call(hs);
      expect(hsResponse.status).toBe(401);
      expect((challengeOf(hsResponse) as Record<string, string>).error_description).toMatch(/algorithm is not allowed/);
    } finally {
      issuer.clearFaults();
    }
  });

  test('verified-token cache: a cached token is refused once it expires; failures are never cached', async () => {
    const exp = Math.floor(Date.now() / 1000) + 2;
    const token = await shape.tokens.mint({ ...shape.claims(), jti: 'short-lived', exp });
    const fingerprint = fingerprintOf(token);
    expect((await call(token)).status).toBe(200);
    expect((await call(token)).status).toBe(200);
    const accepted = () => shape.server.output().split('\n').filter((line) => line.includes(`accepted token ${fingerprint}`)).length;
    expect(accepted(), 'verified once, then served from the cache').toBe(1);
    await sleep(exp * 1000 - Date.now() + 50);
    const late = await call(token);
    expect(late.status).toBe(401);
    expect((challengeOf(late) as Record<string, string>).error_description).toMatch(/expired/);
    // Refused by the verifier itself (not only by the SDK's own exp check after a cache hit).
    await waitFor(() => shape.server.output().includes(`rejected token ${fingerprint}: Token has expired`), 'the verifier did not refuse the expired token');

    const bad = await shape.tokens.mint({ ...shape.claims(), aud: 'https://another.example/mcp', jti: 'bad-twice' });
    expect((await call(bad)).status).toBe(401);
    expect((await call(bad)).status).toBe(401);
    await waitFor(() => shape.server.output().split('\n').filter((line) => line.includes(`rejected token ${fingerprintOf(bad)}`)).length === 2, 'the bad token was not verified twice');
  });

  test('after all of it: no stack trace in the log', () => {
    expect(shape.server.output()).not.toMatch(STACK);
  });
});
