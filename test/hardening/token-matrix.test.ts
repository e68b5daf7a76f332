/**
 * Issue 7 §1: the token attack matrix against a generated server, for every provider whose tokens
 * the server verifies (SHAPES: every provider module but the broker-only ones, each with its real
 * discovery document and token shape from its e2e case; local with its embedded authorization
 * server). Zero tokens accepted that should not be, zero 5xx, and the right
 * `WWW-Authenticate` every time. Plus: an unknown kid costs one JWKS refetch, never a storm.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ATTACKS, foreignKey, type AttackContext, type Expectation } from './support/attacks.js';
import { challengeOf, send, type RawResponse } from './support/http.js';
import { STACK } from './support/project.js';
import { SHAPES, startShape, type Shape } from './support/shapes.js';
import { printTable, row, type Row } from './support/tally.js';

const started = Date.now();
const rows: Record<string, Row> = {};
afterAll(() => printTable('Token attack matrix', rows, started));

/** What is wrong with `response` for `expected`; empty when it is right. */
function problems(response: RawResponse, expected: Expectation, shape: Shape): string[] {
  const found: string[] = [];
  const scope = shape.scopes.join(' ');
  if (expected === 'bad-body') {
    if (response.status !== 400 && response.status !== 413) found.push(`status ${response.status}, expected 400 or 413`);
    if (!/^application\/json/.test(String(response.headers['content-type']))) found.push(`content-type ${response.headers['content-type']}: ${response.body.slice(0, 300)}`);
    return found;
  }
  const wantStatus = { accept: 200, reject: 401, 'no-credentials': 401, forbidden: 403, 'invalid-request': 400, 'too-large': 431 }[expected];
  if (response.status !== wantStatus) found.push(`status ${response.status}, expected ${wantStatus}: ${response.body.slice(0, 300)}`);
  if (expected === 'accept' || expected === 'too-large') return found;
  const challenge = challengeOf(response);
  if (challenge instanceof Error) return [...found, `challenge: ${challenge.message}`];
  if (challenge.resource_metadata !== shape.project.prmUrl) found.push(`resource_metadata ${challenge.resource_metadata}`);
  const wantError = { reject: 'invalid_token', 'no-credentials': undefined, forbidden: 'insufficient_scope', 'invalid-request': 'invalid_request' }[expected];
  if (challenge.error !== wantError) found.push(`error ${challenge.error}, expected ${wantError}`);
  if (expected !== 'invalid-request' && challenge.scope !== scope) found.push(`scope ${challenge.scope}, expected ${scope}`);
  return found;
}

describe.each(SHAPES)('%s', (provider) => {
  let shape: Shape;
  let ctx: AttackContext;
  let attacker: http.Server;
  let attackerHits = 0;
  /** Signature segments of every token sent: none may appear in the server log. */
  const sent: string[] = [];
  const tally = (rows[provider] = row());

  beforeAll(async () => {
    attacker = http.createServer((_req, res) => {
      attackerHits += 1;
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    ctx = { shape: undefined as unknown as Shape, attackerOrigin: `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`, foreign: await foreignKey() };
    shape = await startShape(provider);
    ctx.shape = shape;
  }, 300_000);

  afterAll(async () => {
    tally.notes.push(`JWKS fetches ${shape?.jwksFetches()}`);
    if (shape && STACK.test(shape.server.output())) tally.stackTraces += 1;
    await shape?.close();
    await new Promise<void>((resolve) => attacker.close(() => resolve()));
  });

  test('unknown kids inside the cooldown after start: 401 without a refetch; a burst of 60 unknown kids causes no refetch storm', async () => {
    // The 30 s cooldown counts from the fetch at start (as jose's createRemoteJWKSet does); the
    // refetch itself, and key rotation, are covered with a short cooldown in jwks-faults.test.ts.
    expect(shape.jwksFetches(), 'the server fetched its keys once at start').toBe(1);
    const tokens = await Promise.all(Array.from({ length: 60 }, (_, i) => shape.tokens.mint(shape.claims(), { key: ctx.foreign.privateKey, kid: `storm-${i}` })));
    const responses = await Promise.all(tokens.map((token) => send(shape.project.resource, { headers: { authorization: `Bearer ${token}` } })));
    tally.cases += 1;
    tally.notes.push(`a burst of ${responses.length} unknown kids`);
    tally.serverErrors += responses.filter((r) => r.status >= 500).length;
    tally.acceptedBad += responses.filter((r) => r.status < 300).length;
    for (const response of responses) expect(problems(response, 'reject', shape)).toEqual([]);
    expect(shape.jwksFetches(), 'no refetch storm').toBe(1);
  });

  // An attack that needs what this provider does not have is no case for it (not a skip: a skip
  // would look like a case that could not run).
  for (const attack of ATTACKS.filter((candidate) => !candidate.only || candidate.only.includes(provider))) {
    test(attack.name, async () => {
      const expected = typeof attack.expect === 'function' ? attack.expect(provider) : attack.expect;
      const request = await attack.build(ctx);
      for (const value of [request.headers?.authorization ?? []].flat()) sent.push(value.split('.')[2] ?? '');
      const response = await send(shape.project.resource, request);
      tally.cases += 1;
      if (response.status >= 500) tally.serverErrors += 1;
      if (expected !== 'accept' && response.status >= 200 && response.status < 300) tally.acceptedBad += 1;
      if (STACK.test(response.body)) tally.stackTraces += 1;
      const found = problems(response, expected, shape);
      if (found.some((problem) => !problem.startsWith('status'))) tally.wrongChallenge += 1;
      expect(found, `${attack.name}: ${response.wwwAuthenticate}`).toEqual([]);
      expect(response.body).not.toMatch(STACK);
      const says = attack.says?.[provider] ?? attack.says?.all;
      if (says) expect((challengeOf(response) as Record<string, string>).error_description).toMatch(says);
    });
  }

  test('jku and x5u targets are never contacted', () => {
    expect(attackerHits).toBe(0);
  });

  test('the whole matrix cost no JWKS refetch, and the log holds no stack trace and no token', () => {
    expect(shape.jwksFetches()).toBe(1);
    const log = shape.server.output();
    expect(log).not.toMatch(STACK);
    expect(log, 'a claim value cannot forge a log line').not.toMatch(/^X-Injected/m);
    for (const signature of sent.filter((part) => part.length >= 40)) expect(log).not.toContain(signature);
    expect(log).toMatch(/rejected token sha256:[0-9a-f]{12}: /);
  });
});
