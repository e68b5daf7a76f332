/** Reading fastapps.json back: the broker's client id is a recorded answer (its secret never is). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ManifestError, readProject } from '../../../src/generate/manifest.js';

const base = {
  generator: { name: 'create-fastapps', version: '0.1.0', template: 1 },
  provider: 'auth0',
  providerInput: { domain: 'acme.us.auth0.com' },
  issuer: 'https://acme.us.auth0.com/',
  resource: 'https://mcp.acme.dev/mcp',
  audiences: ['https://mcp.acme.dev/mcp'],
  clientIds: [],
  scopes: ['mcp:tools'],
  authMode: 'required',
  files: {},
};

function project(document: Record<string, unknown>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'fastapps-manifest-'));
  writeFileSync(path.join(root, 'fastapps.json'), JSON.stringify(document));
  return root;
}

describe('fastapps.json', () => {
  test('a broker project: signIn and brokerClientId are read back', () => {
    const { settings } = readProject(project({ ...base, signIn: 'broker', brokerClientId: 'brk-123' }));
    expect(settings).toMatchObject({ signIn: 'broker', brokerClientId: 'brk-123' });
    expect(settings).not.toHaveProperty('brokerClientSecret');
  });

  test('a brokerClientId of another sign-in is not an answer', () => {
    expect(readProject(project({ ...base, signIn: 'direct', brokerClientId: 'brk-123' })).settings).not.toHaveProperty('brokerClientId');
  });

  test('a damaged brokerClientId or an unknown signIn is refused with the field named', () => {
    const error = (() => {
      try {
        readProject(project({ ...base, signIn: 'broker', brokerClientId: 'two words' }));
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ManifestError);
    expect((error as ManifestError).message).toBe('fastapps.json is damaged: "brokerClientId" is not a client id.');
    expect(() => readProject(project({ ...base, signIn: 'broker', brokerClientId: 42 }))).toThrow(/"brokerClientId" is not a client id/);
    expect(() => readProject(project({ ...base, signIn: 'proxy' }))).toThrow(/"signIn" is none of direct, facade, broker/);
  });
});
