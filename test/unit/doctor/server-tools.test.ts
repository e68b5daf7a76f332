/**
 * The ChatGPT tool checks (AUTH-FACTS 33–34) and the raw MCP wire reading they rely on, on
 * synthetic `tools/list` and `tools/call` results.
 */
import { describe, expect, test } from 'vitest';
import { securitySchemesCheck, toolChallengeCheck } from '../../../src/doctor/server/checks-tools.js';
import { toolToProbe } from '../../../src/doctor/server/collect.js';
import { exchangeOf, messagesOf } from '../../../src/doctor/server/mcp-wire.js';
import type { McpExchange, ServerContext, WireTool } from '../../../src/doctor/server/context.js';
import { MCP, PRM_URL, goodServer, mixedServer, probe, tool } from './server-fixtures.js';

const OAUTH = [{ type: 'oauth2', scopes: ['mcp:tools'] }];
const NOAUTH = [{ type: 'noauth' }];
const listed = (tools: WireTool[]): ServerContext => ({ ...goodServer(), tools: { auth: 'token', list: tools, exchange: { method: 'tools/list', status: 200 } } });
const called = (result: unknown): ServerContext['toolCall'] => ({ tool: 'whoami', exchange: { method: 'tools/call', status: 200, message: { result } } });
const GOOD_CHALLENGE = `Bearer resource_metadata="${PRM_URL}", error="invalid_token", error_description="Sign in to use this tool."`;

describe('server.security-schemes (33)', () => {
  test('every tool declares schemes (top level and _meta): pass', () => {
    expect(securitySchemesCheck.run(listed([tool('hello', OAUTH), tool('whoami', OAUTH)]))).toMatchObject({
      status: 'pass',
      summary: 'All 2 tools declare securitySchemes (2 with oauth2)',
      details: ['hello: [{"type":"oauth2","scopes":["mcp:tools"]}] (top level and _meta)', 'whoami: [{"type":"oauth2","scopes":["mcp:tools"]}] (top level and _meta)'],
    });
  });
  test('only in _meta (what McpServer emits): pass, and said', () => {
    const t: WireTool = { name: 'whoami', _meta: { securitySchemes: OAUTH } };
    expect(securitySchemesCheck.run(listed([t])).details).toEqual(['whoami: [{"type":"oauth2","scopes":["mcp:tools"]}] (_meta only)']);
  });
  test('no tool declares any: fail with the TS SDK hint', () => {
    expect(securitySchemesCheck.run(listed([tool('hello', undefined), tool('whoami', undefined)]))).toMatchObject({
      status: 'fail',
      summary: 'None of the 2 tools declares securitySchemes, so ChatGPT never offers to link an account',
      fix: 'Declare securitySchemes on every tool: [{ "type": "oauth2", "scopes": [...] }] for tools that need sign-in, [{ "type": "noauth" }] for public ones (both for optional sign-in); with the TS SDK put it under _meta.securitySchemes, since McpServer drops unknown top-level tool fields',
    });
  });
  test('some tools without, an unknown type, a scope outside scopes_supported: warn', () => {
    const finding = securitySchemesCheck.run(listed([tool('hello', undefined), tool('whoami', [{ type: 'apikey' }]), tool('admin', [{ type: 'oauth2', scopes: ['admin:all'] }])]));
    expect(finding.status).toBe('warn');
    expect(finding.summary).toBe('1 of 3 tools declare no securitySchemes (hello); ChatGPT applies the server default to them');
    expect(finding.details.slice(3)).toEqual([
      '1 of 3 tools declare no securitySchemes (hello); ChatGPT applies the server default to them',
      'whoami has an entry of type "apikey" (only "noauth" and "oauth2" exist)',
      "admin asks for admin:all, which the metadata's scopes_supported lacks",
    ]);
  });
  test('required mode without a token: skipped, saying --token lists them', () => {
    expect(securitySchemesCheck.run(goodServer()).summary).toBe('Skipped: listing tools needs --token (the server requires sign-in for every request)');
  });
});

describe('server.tool-challenge (34)', () => {
  const tools = [tool('hello', NOAUTH), tool('whoami', OAUTH)];
  test('isError with a well-formed challenge: pass', () => {
    expect(toolChallengeCheck.run(mixedServer(tools, called({ isError: true, content: [], _meta: { 'mcp/www_authenticate': [GOOD_CHALLENGE] } })))).toMatchObject({
      status: 'pass',
      details: [`mcp/www_authenticate: ${GOOD_CHALLENGE}`],
    });
  });
  test('a single string is accepted too', () => {
    expect(toolChallengeCheck.run(mixedServer(tools, called({ isError: true, _meta: { 'mcp/www_authenticate': GOOD_CHALLENGE } }))).status).toBe('pass');
  });
  test('the protected tool ran anonymously: fail', () => {
    expect(toolChallengeCheck.run(mixedServer(tools, called({ content: [{ type: 'text', text: 'hi' }] }))).summary).toBe(
      'The anonymous call of the protected tool whoami succeeded without a token: it must return isError: true with _meta["mcp/www_authenticate"]',
    );
  });
  test('isError without _meta: fail with the object to return', () => {
    const finding = toolChallengeCheck.run(mixedServer(tools, called({ isError: true, content: [] })));
    expect(finding.summary).toBe('The anonymous call of the protected tool whoami returned isError but no _meta["mcp/www_authenticate"], so ChatGPT shows a plain error instead of "Connect"');
    expect(finding.fix).toBe(
      `Return the in-band challenge from the tool: { "isError": true, "content": [{ "type": "text", "text": "Sign in to use this tool." }], "_meta": { "mcp/www_authenticate": ["Bearer resource_metadata=\\"${PRM_URL}\\", error=\\"invalid_token\\", error_description=\\"Sign in to use this tool.\\""] } }`,
    );
  });
  test("the OpenAI docs' stray quotes: fail", () => {
    expect(toolChallengeCheck.run(mixedServer(tools, called({ isError: true, _meta: { 'mcp/www_authenticate': [`'${GOOD_CHALLENGE}'`] } }))).summary).toMatch(/wraps the challenge in quotes/);
  });
  test('no error_description (the comma OpenAI’s example forgets): fail', () => {
    const broken = `Bearer resource_metadata="${PRM_URL}", error="invalid_token" error_description="x"`;
    expect(toolChallengeCheck.run(mixedServer(tools, called({ isError: true, _meta: { 'mcp/www_authenticate': [broken] } }))).summary).toBe(
      'The anonymous call of the protected tool whoami returned a challenge ChatGPT can\'t use: missing "," after error',
    );
  });
  test('a JSON-RPC error: fail', () => {
    const exchange: McpExchange = { method: 'tools/call', status: 200, message: { error: { code: -32602, message: 'Invalid arguments' } } };
    expect(toolChallengeCheck.run(mixedServer(tools, { tool: 'whoami', exchange })).summary).toBe('The anonymous call of the protected tool whoami got a JSON-RPC error (-32602: Invalid arguments); ChatGPT shows an error instead of "Connect"');
  });
  test('required mode: skipped (HTTP 401 starts sign-in)', () => {
    expect(toolChallengeCheck.run(goodServer()).summary).toBe('Skipped: required mode — every request without a token gets HTTP 401, which starts sign-in');
  });
});

describe('the tool doctor calls anonymously', () => {
  test('protected, not destructive, no required arguments, read-only first', () => {
    const t = (name: string, extra: Record<string, unknown>): WireTool => ({ ...tool(name, OAUTH), ...extra });
    expect(
      toolToProbe([
        tool('public', NOAUTH),
        t('delete', { annotations: { destructiveHint: true } }),
        t('search', { inputSchema: { type: 'object', required: ['q'] } }),
        t('write', { annotations: { readOnlyHint: false } }),
        t('read', { annotations: { readOnlyHint: true } }),
      ])?.name,
    ).toBe('read');
    expect(toolToProbe([t('delete', { annotations: { destructiveHint: true } })])).toBeUndefined();
  });
});

describe('reading MCP responses off the wire', () => {
  test('SSE and JSON bodies', () => {
    expect(messagesOf({ contentType: 'text/event-stream', text: 'event: message\ndata: {"jsonrpc":"2.0","id":2,"result":{"tools":[]}}\n\n' })).toEqual([{ jsonrpc: '2.0', id: 2, result: { tools: [] } }]);
    expect(messagesOf({ contentType: 'application/json', text: '{"jsonrpc":"2.0","id":1,"result":{}}' })).toEqual([{ jsonrpc: '2.0', id: 1, result: {} }]);
  });
  test('a non-200 or a missing id says so', () => {
    expect(exchangeOf('tools/list', 2, probe(401))).toEqual({ method: 'tools/list', status: 401, problem: 'HTTP 401' });
    expect(exchangeOf('tools/list', 2, probe(200, { 'content-type': 'application/json' }, '{"jsonrpc":"2.0","id":9,"result":{}}')).problem).toBe('no JSON-RPC response with id 2 in the application/json body');
    expect(MCP).toBe('https://mcp.example.com/mcp');
  });
});
