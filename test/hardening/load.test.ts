/**
 * Issue 7 §3: 50 concurrent keep-alive connections for 20 s against a generated server (Auth0
 * shape, default settings: LOG_LEVEL=info, 30 s JWKS cooldown), with a mix of valid, expired,
 * garbage, unknown-kid, wrong-audience and missing tokens. Zero 5xx, zero bad tokens accepted,
 * every valid token accepted, at most 2 JWKS fetches, and memory flat: RSS of the server process
 * (VmRSS from /proc) after a warm-up, during and after the run.
 */
import { generateKeyPair, type JWTPayload } from 'jose';
import http from 'node:http';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { send } from './support/http.js';
import { startShape, type Shape } from './support/shapes.js';
import { printTable, row } from './support/tally.js';

/** HARDENING_LOAD_SECONDS runs it longer (e.g. 120) to see the plateau hold. */
const DURATION_MS = Number(process.env.HARDENING_LOAD_SECONDS ?? 20) * 1000;
/** V8 grows its heap to a working size during the first seconds of load; "before" is measured after that. */
const WARMUP_MS = 5_000;
/** What this machine serves in WARMUP_MS when it is quiet (about 1.6k req/s). */
const WARMUP_REQUESTS = 8_000;
const CONNECTIONS = 50;

type Kind = 'valid' | 'expired' | 'garbage' | 'unknown-kid' | 'wrong-audience' | 'no-token';
const MIX: Array<[Kind, number]> = [
  ['valid', 40],
  ['expired', 15],
  ['garbage', 15],
  ['unknown-kid', 10],
  ['wrong-audience', 10],
  ['no-token', 10],
];

let shape: Shape;
const started = Date.now();

let serverStarted = 0;

beforeAll(async () => {
  serverStarted = Date.now();
  shape = await startShape('auth0', { LOG_LEVEL: 'info' });
}, 300_000);
afterAll(async () => {
  await shape?.close();
});

async function pools(): Promise<Record<Kind, string[]>> {
  const now = Math.floor(Date.now() / 1000);
  const claims = (extra: JWTPayload = {}) => ({ ...shape.claims(), ...extra });
  const foreign = (await generateKeyPair('RS256')).privateKey;
  const many = (n: number, make: (i: number) => Promise<string> | string) => Promise.all(Array.from({ length: n }, (_, i) => make(i)));
  return {
    valid: await many(200, (i) => shape.tokens.mint(claims({ jti: `valid-${i}`, exp: now + 3600 }))),
    expired: await many(100, (i) => shape.tokens.mint(claims({ jti: `expired-${i}`, iat: now - 7200, exp: now - 3600 }))),
    garbage: await many(100, (i) => (i % 2 === 0 ? `garbage-${i}-${Math.random().toString(36).slice(2)}` : `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(`{"i":${i}}`).toString('base64url')}.${'A'.repeat(342)}`)),
    'unknown-kid': await many(100, (i) => shape.tokens.mint(claims({ jti: `unknown-${i}` }), { key: foreign, kid: `rotated-${i}` })),
    'wrong-audience': await many(50, (i) => shape.tokens.mint(shape.wrongBinding(claims({ jti: `aud-${i}` })))),
    'no-token': [''],
  };
}

function pick(): Kind {
  let roll = Math.random() * 100;
  for (const [kind, weight] of MIX) {
    roll -= weight;
    if (roll < 0) return kind;
  }
  return 'valid';
}

interface Stats {
  requests: number;
  byKind: Record<string, Record<number, number>>;
  serverErrors: number;
  acceptedBad: number;
  rejectedValid: number;
  networkErrors: number;
}

async function hammer(tokens: Record<Kind, string[]>, ms: number): Promise<Stats> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const stats: Stats = { requests: 0, byKind: {}, serverErrors: 0, acceptedBad: 0, rejectedValid: 0, networkErrors: 0 };
  const deadline = Date.now() + ms;
  const worker = async () => {
    while (Date.now() < deadline) {
      const kind = pick();
      const pool = tokens[kind];
      const token = pool[Math.floor(Math.random() * pool.length)]!;
      try {
        const response = await send(shape.project.resource, kind === 'no-token' ? {} : { headers: { authorization: `Bearer ${token}` } }, agent);
        stats.requests += 1;
        const histogram = (stats.byKind[kind] ??= {});
        histogram[response.status] = (histogram[response.status] ?? 0) + 1;
        if (response.status >= 500) stats.serverErrors += 1;
        if (kind !== 'valid' && response.status < 300) stats.acceptedBad += 1;
        if (kind === 'valid' && response.status !== 200) stats.rejectedValid += 1;
      } catch {
        stats.networkErrors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  agent.destroy();
  return stats;
}

test(`${CONNECTIONS} connections for ${DURATION_MS / 1000} s: zero 5xx, zero bad tokens accepted, at most 2 JWKS fetches, memory flat`, async () => {
  const tokens = await pools();
  // Sanity: each kind answers as expected once, before the load.
  expect((await send(shape.project.resource, { headers: { authorization: `Bearer ${tokens.valid[0]}` } })).status).toBe(200);
  expect((await send(shape.project.resource, { headers: { authorization: `Bearer ${tokens.expired[0]}` } })).status).toBe(401);

  // Warm up by work done, not by time: on a busy machine (CI runs test files side by side) five
  // seconds may serve a third of the requests, and the heap is still growing to its working size
  // when the measured run starts. At least WARMUP_MS and WARMUP_REQUESTS, at most 30 s.
  let warmed = 0;
  const warmupStarted = Date.now();
  do warmed += (await hammer(tokens, WARMUP_MS)).requests;
  while (warmed < WARMUP_REQUESTS && Date.now() - warmupStarted < 30_000);
  const rssBefore = shape.server.rssKiB();
  const samples: number[] = [];
  const sampler = setInterval(() => samples.push(shape.server.rssKiB()), 1_000);
  const began = Date.now();
  const stats = await hammer(tokens, DURATION_MS);
  const seconds = (Date.now() - began) / 1000;
  clearInterval(sampler);
  const rssAfter = shape.server.rssKiB();
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const rssIdle = shape.server.rssKiB();
  const fetches = shape.jwksFetches();

  const mb = (kib: number) => `${(kib / 1024).toFixed(1)} MB`;
  const firstHalf = samples.slice(0, Math.floor(samples.length / 2));
  const secondHalf = samples.slice(Math.floor(samples.length / 2));
  const report = {
    requests: stats.requests,
    'req/s': Math.round(stats.requests / seconds),
    histogram: stats.byKind,
    serverErrors: stats.serverErrors,
    acceptedBad: stats.acceptedBad,
    rejectedValid: stats.rejectedValid,
    networkErrors: stats.networkErrors,
    jwksFetches: fetches,
    rss: { beforeAfterWarmup: mb(rssBefore), peak: mb(Math.max(...samples, rssAfter)), after: mb(rssAfter), afterIdle2s: mb(rssIdle), firstHalfMax: mb(Math.max(...firstHalf)), secondHalfMax: mb(Math.max(...secondHalf)), perSecond: samples.map((kib) => Math.round(kib / 1024)).join(' ') },
  };
  process.stdout.write(`\nLoad: ${JSON.stringify(report, null, 2)}\n`);
  const tally = row();
  tally.cases = stats.requests;
  tally.acceptedBad = stats.acceptedBad;
  tally.serverErrors = stats.serverErrors;
  tally.notes.push(`${report['req/s']} req/s`, `JWKS fetches ${fetches}`, `RSS ${report.rss.beforeAfterWarmup} → ${report.rss.after} (peak ${report.rss.peak})`);
  printTable('Load', { [`${CONNECTIONS} connections × ${DURATION_MS / 1000} s`]: tally }, started);

  expect(stats.networkErrors).toBe(0);
  expect(stats.serverErrors).toBe(0);
  expect(stats.acceptedBad).toBe(0);
  expect(stats.rejectedValid).toBe(0);
  expect(stats.requests).toBeGreaterThan(1_000);
  // The fetch at start plus at most one refetch per 30 s cooldown (unknown kids arrive all the time).
  expect(fetches).toBeLessThanOrEqual(DURATION_MS <= 20_000 ? 2 : 1 + Math.ceil((Date.now() - serverStarted) / 30_000));
  // Flat: the last quarter of the run peaks no more than GC noise (32 MB) above the first half,
  // and the whole run adds less than 64 MB over the warmed-up server. (A 60 s run plateaus at the
  // same level: HARDENING_LOAD_SECONDS=60.)
  const lastQuarter = samples.slice(Math.floor((samples.length * 3) / 4));
  expect(Math.max(...lastQuarter) - Math.max(...firstHalf)).toBeLessThan(32 * 1024);
  expect(rssAfter - rssBefore).toBeLessThan(64 * 1024);
}, DURATION_MS + 100_000);
