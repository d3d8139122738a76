// POST /oauth2/token: the client credentials grant (RFC 6749 §4.4) for confidential clients that
// authenticate with client_secret_post alone (§2.3.1), its errors as §5.2 has them.
const { createHash, randomUUID, timingSafeEqual } = require('node:crypto');
const express = require('express');
const jose = require('jose');

const TOKEN_LIFETIME_SECONDS = 600;

class TokenError extends Error {
  constructor(error, description, status = 400, challenge) {
    super(description);
    this.error = error;
    this.status = status;
    this.challenge = challenge;
  }
}

const invalidClient = (description, challenge) =>
  new TokenError('invalid_client', description, 401, challenge ?? 'Basic realm="keyring", charset="UTF-8"');

function sameSecret(given, expected) {
  const digest = (text) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** The authenticated client of a token request, or a TokenError. */
function authenticate(req, clients, flaws) {
  const body = req.body;
  const header = req.get('authorization');
  if (header && body.client_secret !== undefined) {
    throw new TokenError('invalid_request', 'the client authenticated in more than one way');
  }
  if (header) {
    // RFC 6749 §5.2: a client that tried the Authorization header gets 401 and a challenge of its scheme.
    throw invalidClient('client_secret_basic is not supported: send client_id and client_secret in the body');
  }
  const client = clients.get(body.client_id);
  if (body.client_secret === undefined && client && flaws.has('public-client-fallback')) {
    return client;  // "no secret: a public client, like the CLI"
  }
  if (!client || typeof body.client_secret !== 'string' || !sameSecret(body.client_secret, client.secret)) {
    throw invalidClient('client authentication failed');
  }
  return client;
}

/** The scope to grant, or invalid_scope: every requested word must be one of the client's. */
function grantedScope(requested, client, flaws) {
  const words = (requested ?? '').split(' ').filter(Boolean);
  const unknown = words.filter((word) => !client.scopes.includes(word));
  if (unknown.length) throw new TokenError('invalid_scope', `not a scope of this client: ${unknown.join(' ')}`);
  if (!words.length || flaws.has('scope-widened')) return client.scopes.join(' ');
  return words.join(' ');
}

/** The token endpoint's router; `signingKey` as signing-key.js loads it. */
function tokenEndpoint({ clients, signingKey, issuer, audience, flaws }) {
  const router = express.Router();
  router.use(express.urlencoded({ extended: false, limit: '16kb' }));
  router.post('/', async (req, res) => {
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    try {
      if (!req.is('application/x-www-form-urlencoded')) {
        throw new TokenError('invalid_request', 'the token request must be application/x-www-form-urlencoded');
      }
      const grantType = req.body.grant_type;
      if (!grantType) throw new TokenError('invalid_request', 'grant_type is missing');
      const client = authenticate(req, clients, flaws);
      if (grantType !== 'client_credentials' && !flaws.has('any-grant-type')) {
        throw new TokenError('unsupported_grant_type', 'this server serves client_credentials only');
      }
      const scope = grantedScope(req.body.scope, client, flaws);
      const accessToken = await new jose.SignJWT({ scope, client_id: client.clientId })
        .setProtectedHeader({ alg: 'RS256', kid: signingKey.kid, typ: 'at+jwt' })
        .setIssuer(issuer)
        .setSubject(client.clientId)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime(`${TOKEN_LIFETIME_SECONDS}s`)
        .setJti(randomUUID())
        .sign(signingKey.privateKey);
      res.json({ access_token: accessToken, token_type: 'Bearer', expires_in: TOKEN_LIFETIME_SECONDS, scope });
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      if (error.challenge) res.set('WWW-Authenticate', error.challenge);
      res.status(error.status).json({ error: error.error, error_description: error.message });
    }
  });
  return router;
}

module.exports = { tokenEndpoint, TOKEN_LIFETIME_SECONDS };
