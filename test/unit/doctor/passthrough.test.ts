/**
 * `project.token-passthrough` (AUTH-FACTS 42): the places in a project's own code that put the
 * bearer token the server received into a request of their own, and only those.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { passthroughSites, scanProject } from '../../../src/doctor/project-passthrough.js';
import { tempDir } from '../../helpers/cli.js';

const sitesIn = (source: string) => passthroughSites('src/tools/orders.ts', source).map((site) => site.line);

test("the caller's token put into a request of the server's own: a tool's token.token, the SDK's authInfo.token, the incoming Authorization header", () => {
  expect(sitesIn('const res = await fetch(url, { headers: { Authorization: `Bearer ${token.token}` } });')).toEqual([1]);
  expect(sitesIn(['await fetch(url, {', '  headers: {', '    authorization: `Bearer ${ctx.token?.token}`,', '  },', '});'].join('\n'))).toEqual([3]);
  expect(sitesIn("const upstream = await got(url, { headers: { 'Authorization': 'Bearer ' + extra.authInfo.token } });")).toEqual([1]);
  expect(sitesIn('await fetch(url, { headers: { authorization: req.headers.authorization } });')).toEqual([1]);
  expect(sitesIn("const headers = new Headers();\nheaders.set('Authorization', req.headers['authorization'] ?? '');")).toEqual([2]);
  expect(sitesIn("return fetch(url, { headers: { Authorization: request.headers.get('authorization') } });")).toEqual([1]);
  expect(sitesIn('outgoing.authorization = req.headers.authorization;')).toEqual([1]);
  // The incoming headers forwarded whole carry the token too.
  expect(sitesIn('await fetch(url, { headers: req.headers });\nconst h = new Headers(req.headers);\nawait axios.get(url, { headers: { ...request.headers } });')).toEqual([1, 2, 3]);
});

test("what is not: the server's own credentials, the incoming header checked or parsed, the token logged by fingerprint, comments", () => {
  expect(sitesIn("log.info({ token: fingerprint(token.token) }, 'call');")).toEqual([]);
  expect(sitesIn('await fetch(url, { headers: { Authorization: `Bearer ${process.env.ORDERS_API_KEY}` } });')).toEqual([]);
  expect(sitesIn('config.headers.Authorization = `Bearer ${process.env.GITHUB_TOKEN}`;')).toEqual([]);
  expect(sitesIn("headers['Authorization'] = 'Bearer ' + env.API_KEY;")).toEqual([]);
  expect(sitesIn('if (req.headers.authorization !== `Bearer ${env.HOOK_SECRET}`) return res.status(401).end();')).toEqual([]);
  expect(sitesIn("const presented = (req.headers.authorization ?? '').replace(/^Bearer /, '');")).toEqual([]);
  expect(sitesIn(['const id = fingerprint(token.token);', 'await fetch(url, { headers: { Authorization: `Bearer ${key}` } });'].join('\n'))).toEqual([]);
  expect(sitesIn('// Never: fetch(url, { headers: { Authorization: `Bearer ${token.token}` } })')).toEqual([]);
  expect(sitesIn("/* headers: { authorization: token.token } */\nconst url = 'https://orders.example.com//v1';")).toEqual([]);
  expect(sitesIn('res.json({ headers: req.headers.host });')).toEqual([]);
  expect(sitesIn('return { content: [{ type: "text", text: `Orders of ${token.subject}` }] };')).toEqual([]);
  // A token kept in a variable first is not followed (a limit of reading lines, not code).
  expect(sitesIn("const raw = token.token;\nawait fetch(url, { headers: { Authorization: `Bearer ${raw}` } });")).toEqual([]);
});

test("a project's scan reads src/ short of the generated src/auth/ and of node_modules", () => {
  const root = tempDir();
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };
  const forwarding = 'await fetch(url, { headers: { Authorization: `Bearer ${token.token}` } });\n';
  write('src/tools/orders.ts', `// Orders\n${forwarding}`);
  write('src/auth/gate.ts', forwarding);
  write('src/node_modules/x/index.js', forwarding);
  write('src/types.d.ts', forwarding);
  write('test/orders.test.ts', forwarding);
  write('src/index.ts', 'export {};\n');
  expect(scanProject(root)).toEqual({ sites: [{ file: 'src/tools/orders.ts', line: 2, text: forwarding.trim() }], files: 2, complete: true });
});
