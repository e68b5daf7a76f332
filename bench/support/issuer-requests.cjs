// The floor of any issuer check in Node: the four requests create's check makes (the three
// well-known discovery URLs at once, then the JWKS), with bare node:http, and the first key
// parsed by node:crypto; nothing else. bench/scaffold.mjs times it against an empty Node.
// Usage: node bench/support/issuer-requests.cjs <issuer>
'use strict';
const http = require('node:http');
const { createPublicKey } = require('node:crypto');

const issuer = new URL(process.argv[2]);
const path = issuer.pathname.replace(/\/+$/, '');
const get = (url) =>
  new Promise((resolve, reject) => {
    http
      .get(url, { headers: { accept: 'application/json' } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new Error(`${url}: HTTP ${res.statusCode}`))));
      })
      .on('error', reject);
  });

const candidates = [`${issuer.origin}/.well-known/oauth-authorization-server${path}`, `${issuer.origin}/.well-known/openid-configuration${path}`, `${issuer.origin}${path}/.well-known/openid-configuration`];
Promise.all(candidates.map(get))
  .then(([document]) => get(document.jwks_uri))
  .then((jwks) => createPublicKey({ key: jwks.keys[0], format: 'jwk' }))
  .catch((error) => {
    console.error(error.message);
    process.exitCode = 1;
  });
