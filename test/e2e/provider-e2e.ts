/**
 * The spine, end to end, for one provider: a local issuer serving that provider's discovery
 * document → the real CLI, non-interactive, with install → type-check and build the project →
 * start it → talk to it over HTTP with the MCP SDK client, with tokens shaped like the provider's.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { execa } from 'execa';
import { generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { freePort, parseChallenge, postInitialize, startProcess, type RunningProject } from '../helpers/generated-server.js';
import { startIssuerServer, type IssuerServer } from '../helpers/issuer-server.js';
import type { ProviderCase } from './provider-cases.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function providerE2E(spec: ProviderCase): void {
  describe(`create --provider ${spec.provider}, end to end`, () => {
    let issuer: IssuerServer;
    let project: RunningProject;
    let dir: string;
    let resource: string;
    let prmUrl: string;
    let scopes: string[];
    const claims = (granted = scopes) => spec.claims({ issuer: issuer.issuer, resource, scopes: granted });
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

    beforeAll(async () => {
      issuer = await startIssuerServer({ fixture: spec.fixture });
      const port = await freePort();
      resource = `http://127.0.0.1:${port}/mcp`;
      prmUrl = `http://127.0.0.1:${port}/.well-known/oauth-protected-resource/mcp`;
      scopes = spec.scopes(resource);
      dir = path.join(tempDir(), 'app');
      const created = await runCli([dir, '--provider', spec.provider, ...spec.flags(issuer.issuer), '--resource', resource, '--no-git', '--pm', 'npm'], { cwd: path.dirname(dir) });
      expect(created.stderr).toBe('');
      expect(created.exitCode, created.stdout).toBe(0);
      expect(created.stdout).toContain(`Issuer ${issuer.issuer} checked`);
      expect(created.stdout).toContain('Installed dependencies with npm');
      const typecheck = await execa('npm', ['run', 'typecheck'], { cwd: dir, reject: false, all: true });
      expect(typecheck.exitCode, typecheck.all).toBe(0);
      const build = await execa('npm', ['run', 'build'], { cwd: dir, reject: false, all: true });
      expect(build.exitCode, build.all).toBe(0);
      // The project's own offline tests pass right after create (a local issuer signs its tokens).
      const ownTests = await execa('npm', ['test'], { cwd: dir, reject: false, all: true });
      expect(ownTests.exitCode, ownTests.all).toBe(0);
      expect(ownTests.all).toMatch(/# fail 0/);
      project = await startProcess(dir, ['node', 'dist/index.js'], { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' });
    }, 300_000);

    afterAll(async () => {
      await project?.stop();
      await issuer?.close();
    });

    test('fastapps.json records the answers and the passed issuer check', () => {
      const manifest = JSON.parse(readFileSync(path.join(dir, 'fastapps.json'), 'utf8'));
      expect(manifest.provider).toBe(spec.provider);
      expect(manifest.issuer).toBe(issuer.issuer);
      expect(manifest.resource).toBe(resource);
      expect(manifest.scopes).toEqual(scopes);
      expect(manifest.issuerCheck).toBe('passed');
    });

    test('protected resource metadata names the issuer byte for byte, at both URLs', async () => {
      const pathForm = await fetch(prmUrl);
      const rootForm = await fetch(prmUrl.replace('/mcp', ''));
      expect(pathForm.status).toBe(200);
      expect(rootForm.status).toBe(200);
      const document = (await pathForm.json()) as { resource: string; authorization_servers: string[] };
      expect(await rootForm.json()).toEqual(document);
      expect(document.resource).toBe(resource);
      expect(document.authorization_servers[0]).toBe(issuer.document.issuer);
    });

    test('no token: 401 with resource_metadata', async () => {
      const response = await postInitialize(resource);
      expect(response.status).toBe(401);
      const challenge = parseChallenge(response.headers.get('www-authenticate'));
      expect(challenge.resource_metadata).toBe(prmUrl);
      expect(challenge.error).toBeUndefined();
    });

    test(`a token shaped like ${spec.provider}'s reaches the protected tool`, async () => {
      const token = await issuer.mint(claims());
      const client = new Client({ name: 'e2e', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(resource), { requestInit: { headers: bearer(token) } }));
      const result = await client.callTool({ name: 'whoami', arguments: {} });
      expect(result.isError).toBeFalsy();
      const user = result.structuredContent as { subject: string; scopes: string[] };
      expect(user.subject).toBe(claims().sub);
      expect(user.scopes).toEqual(expect.arrayContaining(scopes));
      await client.close();
    });

    const rejected: Array<[string, () => Promise<string>]> = [
      ['from another issuer', () => issuer.mint({ ...claims(), iss: `${issuer.issuer}x` })],
      ['bound to another audience or client', () => issuer.mint(spec.wrongBinding(claims()))],
      ['expired', () => issuer.mint({ ...claims(), exp: Math.floor(Date.now() / 1000) - 300 })],
      ['signed by a foreign key', async () => issuer.mint(claims(), { key: (await generateKeyPair('RS256')).privateKey, kid: issuer.keys.rs256.kid })],
      ['unsigned (alg none)', async () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: issuer.issuer, iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 600, ...claims() })}.`],
      ['HS256 with a guessable secret', async () => new SignJWT(claims() as JWTPayload).setProtectedHeader({ alg: 'HS256', kid: issuer.keys.rs256.kid }).setIssuedAt().setExpirationTime('5m').sign(new TextEncoder().encode('secret'))],
    ];
    for (const [name, makeToken] of rejected) {
      test(`a token ${name}: 401 invalid_token`, async () => {
        const response = await postInitialize(resource, bearer(await makeToken()));
        expect(response.status).toBe(401);
        const challenge = parseChallenge(response.headers.get('www-authenticate'));
        expect(challenge.error).toBe('invalid_token');
        expect(challenge.resource_metadata).toBe(prmUrl);
      });
    }

    test('a valid token without the required scope: 403 insufficient_scope', async () => {
      const response = await postInitialize(resource, bearer(await issuer.mint(claims([]))));
      expect(response.status).toBe(403);
      const challenge = parseChallenge(response.headers.get('www-authenticate'));
      expect(challenge.error).toBe('insufficient_scope');
      expect(challenge.scope).toBe(scopes.join(' '));
    });

    test('the server log names what it enforces and never prints a token', async () => {
      const token = await issuer.mint({ ...claims(), exp: Math.floor(Date.now() / 1000) - 300 });
      await postInitialize(resource, bearer(token));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const log = project.output();
      expect(log).toContain(`issuer ${issuer.issuer}`);
      expect(log).toMatch(/rejected token sha256:[0-9a-f]{12}: Token has expired/);
      for (const part of token.split('.')) expect(log).not.toContain(part);
    });
  });
}
