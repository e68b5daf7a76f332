import { generateKeyPairSync } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { NetError } from '../../../src/issuer/http.js';
import { classifyKeys, fetchJwks, modulusBits } from '../../../src/issuer/jwks.js';
import { FIXTURES_DIR, fixture, startIssuerServer, type IssuerServer } from '../../helpers/issuer-server.js';

const keysOf = (name: string) => fixture(name)['keys'] as Array<Record<string, unknown>>;

describe('classifyKeys on the real key sets', () => {
  test('Keycloak: the enc key (listed first) is ignored, the RS256 sig key is usable', async () => {
    const { usable, ignored } = await classifyKeys(keysOf('keycloak-realm-http-jwks'));
    expect(usable.map((k) => [k.kid, k.alg])).toEqual([['kf46eDlB9jtz2PpktQ6NQSfRwoU_tT3NqxlI8C4MGvQ', 'RS256']]);
    expect(ignored).toEqual([{ kid: 'EWGWeiW8jqUC_T7Fawi5ecRbrDOanB_uqtTgAOgJDPk', reason: 'use "enc": an encryption key, not for signatures' }]);
  });

  test('Entra: keys without alg are usable (RS256 inferred from kty)', async () => {
    const { usable, ignored } = await classifyKeys(keysOf('entra-v2-tenant-jwks'));
    expect(usable).toHaveLength(2);
    expect(usable.every((k) => k.alg === undefined)).toBe(true);
    expect(ignored).toEqual([]);
  });

  test('Cognito: kids with + / = are kept verbatim', async () => {
    const { usable } = await classifyKeys(keysOf('cognito-userpool-no-domain-jwks'));
    expect(usable.map((k) => k.kid)).toEqual(['vyVQH7UMjwYboVvyFf+zd4KHZfgc+RtmU/A2vHhgITI=', 'fUyIG0h6R5HFGfHDV8uebcRXldQ09dCZXbFKf6zy1rs=']);
  });

  const jwksFixtures = readdirSync(FIXTURES_DIR).filter((f) => f.endsWith('-jwks.json')).map((f) => f.slice(0, -'.json'.length));
  test.each(jwksFixtures)('%s has at least one usable 2048-bit-or-larger signing key', async (name) => {
    const { usable, ignored } = await classifyKeys(keysOf(name));
    expect(usable.length).toBeGreaterThan(0);
    for (const key of usable) expect(modulusBits(String(key.n))).toBeGreaterThanOrEqual(2048);
    expect(ignored.every((k) => k.reason.startsWith('use "enc"'))).toBe(true);
  });
});

describe('classifyKeys on synthetic keys', () => {
  let rsa: Record<string, unknown>;
  let ec: Record<string, unknown>;
  let ed: Record<string, unknown>;
  let x25519: Record<string, unknown>;
  let rsaPrivate: Record<string, unknown>;
  let rsa1024: Record<string, unknown>;
  beforeAll(async () => {
    const rs = await generateKeyPair('RS256', { extractable: true });
    rsa = { ...(await exportJWK(rs.publicKey)), kid: 'rsa' };
    rsaPrivate = { ...(await exportJWK(rs.privateKey)), kid: 'leaked' };
    ec = { ...(await exportJWK((await generateKeyPair('ES256')).publicKey)), kid: 'ec' };
    ed = { ...(await exportJWK((await generateKeyPair('EdDSA', { crv: 'Ed25519' })).publicKey)), kid: 'ed' };
    x25519 = { ...(await exportJWK((await generateKeyPair('ECDH-ES', { crv: 'X25519' })).publicKey)), kid: 'x' };
    // jose refuses to generate short RSA keys; node:crypto still can.
    rsa1024 = { ...generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' }), kid: 'short' };
  });

  test('RSA (alg absent or RS/PS), EC P-256 and Ed25519 keys are usable', async () => {
    const { usable, ignored } = await classifyKeys([rsa, { ...rsa, kid: 'ps', alg: 'PS256', use: 'sig' }, ec, { ...ec, kid: 'ec2', alg: 'ES256' }, ed]);
    expect(usable.map((k) => k.kid)).toEqual(['rsa', 'ps', 'ec', 'ec2', 'ed']);
    expect(ignored).toEqual([]);
  });

  test('each unusable key is ignored with its reason', async () => {
    const { usable, ignored } = await classifyKeys({
      keys: [
        { kty: 'oct', k: 'c2VjcmV0', kid: 'hmac', alg: 'HS256' },
        rsaPrivate,
        { ...rsa, kid: 'enc', use: 'enc' },
        { ...rsa, kid: 'hs', alg: 'HS256' },
        { ...rsa, kid: 'none', alg: 'none' },
        { ...rsa, kid: 'oaep', alg: 'RSA-OAEP' },
        { ...rsa, kid: 'ops', key_ops: ['encrypt'] },
        { ...ec, kid: 'mismatch', alg: 'RS256' },
        rsa1024,
        x25519,
        { ...rsa, kid: 'zero', n: 'AAAA' },
        { ...rsa, kid: 'no-e', e: undefined },
        { kty: 'XYZ', kid: 'weird' },
        'not a key',
      ],
    });
    expect(usable).toEqual([]);
    expect(ignored).toEqual([
      { kid: 'hmac', secret: true, reason: 'kty "oct": a symmetric secret published in the key set (anyone can read it and sign tokens)' },
      { kid: 'leaked', secret: true, reason: 'contains private key material ("d")' },
      { kid: 'enc', reason: 'use "enc": an encryption key, not for signatures' },
      { kid: 'hs', reason: 'alg "HS256" is symmetric (HMAC); tokens signed with it can\'t be verified with a public key' },
      { kid: 'none', reason: 'alg "none" means unsigned tokens' },
      { kid: 'oaep', reason: 'alg "RSA-OAEP" is an encryption algorithm, not a signature algorithm' },
      { kid: 'ops', reason: 'key_ops ["encrypt"] does not include "verify"' },
      { kid: 'mismatch', reason: expect.stringMatching(/^cannot be imported as RS256: /) },
      { kid: 'short', reason: 'RSA modulus is 1024 bits; at least 2048 are required' },
      { kid: 'x', reason: 'crv "X25519" is a key-agreement curve, not a signature curve' },
      { kid: 'zero', reason: 'RSA modulus is 0 bits; at least 2048 are required' },
      { kid: 'no-e', reason: expect.stringMatching(/^cannot be imported as RS256: /) },
      { kid: 'weird', reason: 'kty "XYZ" is not RSA, EC or OKP' },
      { reason: 'not a JSON object' },
    ]);
  });

  test('modulusBits counts bits, ignoring leading zero bytes', () => {
    expect(modulusBits(Buffer.from([0x00, 0x80, 0x00]).toString('base64url'))).toBe(16);
    expect(modulusBits(Buffer.from([0x01, 0xff]).toString('base64url'))).toBe(9);
    expect(modulusBits(String(rsa['n']))).toBe(2048);
  });
});

describe('fetchJwks and the test issuer’s keys', () => {
  let srv: IssuerServer;
  beforeAll(async () => {
    srv = await startIssuerServer();
  });
  afterAll(() => srv.close());
  const jwksUrl = () => String(srv.document['jwks_uri']);

  test('fetches the key set with its Cache-Control', async () => {
    const res = await fetchJwks(jwksUrl(), { timeoutMs: 2000 });
    expect(res.keys).toHaveLength(2);
    expect(res.cacheControl).toBe('public, max-age=300');
    const { usable } = await classifyKeys(res.keys);
    expect(usable.map((k) => k.alg)).toEqual(['RS256', 'ES256']);
  });

  test('an object without a keys array is not a JWK Set', async () => {
    srv.fault(jwksUrl(), { json: { issuer: srv.issuer } });
    try {
      const err = await fetchJwks(jwksUrl(), { timeoutMs: 2000 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetError);
      expect((err as NetError).message).toBe(`${jwksUrl()} is a JSON object without a "keys" array, not a JWK Set`);
    } finally {
      srv.clearFaults();
    }
  });

  test('mint() signs RS256 and ES256 tokens that verify against the served key set', async () => {
    const jwks = createLocalJWKSet(srv.jwks as { keys: never[] });
    for (const alg of ['RS256', 'ES256']) {
      const token = await srv.mint({ sub: 'alice', aud: 'https://mcp.example.com/mcp' }, { alg });
      const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer: srv.issuer, audience: 'https://mcp.example.com/mcp' });
      expect(payload.sub).toBe('alice');
      expect(protectedHeader.kid).toBe(alg === 'RS256' ? 'test-rs256' : 'test-es256');
    }
  });

  test('mint() can drop claims, omit the kid, add header members and sign with another key', async () => {
    const secret = new TextEncoder().encode('x'.repeat(32));
    const token = await srv.mint({ exp: undefined, iss: 'https://other.example' }, { alg: 'HS256', key: secret, kid: null, header: { typ: 'at+jwt' } });
    const [header, payload] = token.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>);
    expect(header).toEqual({ alg: 'HS256', typ: 'at+jwt' });
    expect(payload?.['iss']).toBe('https://other.example');
    expect(payload).not.toHaveProperty('exp');
  });
});
