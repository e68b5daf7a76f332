/** The strict `WWW-Authenticate` reader. */
import { expect, test } from 'vitest';
import { parseChallenge } from '../../../src/doctor/server/www-authenticate.js';

test('quoted parameters, escapes, case-insensitive names', () => {
  const c = parseChallenge('Bearer Resource_Metadata="https://x/.well-known/oauth-protected-resource/mcp", scope="a b", error_description="say \\"hi\\""');
  expect(c.scheme).toBe('Bearer');
  expect(c.problems).toEqual([]);
  expect(c.params['resource_metadata']).toEqual({ name: 'Resource_Metadata', value: 'https://x/.well-known/oauth-protected-resource/mcp', quoted: true });
  expect(c.params['error_description']?.value).toBe('say "hi"');
});

test('token values are fine; a URL as a bare token is not', () => {
  expect(parseChallenge('Bearer error=invalid_token').problems).toEqual([]);
  expect(parseChallenge('Bearer resource_metadata=https://x/y').problems).toEqual(["resource_metadata must be a quoted string (its value has characters a bare token can't)"]);
});

test('malformed headers say what is wrong', () => {
  expect(parseChallenge('Bearer a="1" b="2"').problems).toEqual(['missing "," after a']);
  expect(parseChallenge('Bearer a="1').problems).toEqual(['the value of a has no closing quote']);
  expect(parseChallenge('Bearer a="1", a="2"').problems).toEqual(['a appears twice']);
  expect(parseChallenge('').problems).toEqual(['no auth scheme at the start of ""']);
});

test('a second challenge ends the first', () => {
  const c = parseChallenge('Bearer realm="a", DPoP algs="ES256"');
  expect(Object.keys(c.params)).toEqual(['realm']);
  expect(c.problems).toEqual([]);
});
