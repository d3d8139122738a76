// The authorization server's RS256 key (jose): it signs the access tokens, the resource server
// verifies them with its public half, and the JWKS publishes that half under its RFC 7638
// thumbprint.
const { createPrivateKey, createPublicKey } = require('node:crypto');
const jose = require('jose');

async function loadSigningKey(pem) {
  const privateKey = createPrivateKey(pem);
  const publicKey = createPublicKey(privateKey);
  const publicJwk = await jose.exportJWK(publicKey);
  const kid = await jose.calculateJwkThumbprint(publicJwk);
  return {
    privateKey,
    publicKey,
    kid,
    jwks: { keys: [{ ...publicJwk, kid, alg: 'RS256', use: 'sig' }] }
  };
}

module.exports = { loadSigningKey };
