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

test("a tool's raw token, the SDK's authInfo.token and the request's Authorization header, sent on: each is found, with its line", () => {
  expect(sitesIn('const res = await fetch(url, { headers: { Authorization: `Bearer ${token.token}` } });')).toEqual([1]);
  expect(sitesIn(['await fetch(url, {', '  headers: {', '    authorization: `Bearer ${ctx.token?.token}`,', '  },', '});'].join('\n'))).toEqual([3]);
  expect(sitesIn("const upstream = await got(url, { headers: { 'Authorization': 'Bearer ' + extra.authInfo.token } });")).toEqual([1]);
  expect(sitesIn('await fetch(url, { headers: { authorization: req.headers.authorization } });')).toEqual([1]);
  expect(sitesIn("const headers = new Headers();\nheaders.set('Authorization', req.headers['authorization'] ?? '');")).toEqual([2]);
  expect(sitesIn("const bearer = request.headers.get('authorization');\nreturn fetch(url, { headers: { Authorization: bearer } });")).toEqual([1]);
});

test("the token used for what it is for, and the server's own credentials sent upstream, are not", () => {
  expect(sitesIn("log.info({ token: fingerprint(token.token) }, 'call');")).toEqual([]);
  expect(sitesIn('await fetch(url, { headers: { Authorization: `Bearer ${process.env.ORDERS_API_KEY}` } });')).toEqual([]);
  expect(sitesIn('return { content: [{ type: "text", text: `Orders of ${token.subject}` }] };')).toEqual([]);
  // A raw token far from any outgoing header (more than two lines away) is not taken for one.
  expect(sitesIn(['const raw = token.token;', '', '', '', 'await fetch(url, { headers: { Authorization: `Bearer ${key}` } });'].join('\n'))).toEqual([]);
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
  expect(scanProject(root)).toEqual({ sites: [{ file: 'src/tools/orders.ts', line: 2, text: forwarding.trim() }], files: 2 });
});
