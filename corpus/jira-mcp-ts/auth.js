// Who is calling: the user's Keycloak access token, verified against the realm's JWKS, through
// the SDK's requireBearerAuth (its 401/403 answers and WWW-Authenticate challenges). In front of it
// a guard answers what RFC 6750 asks and the SDK's middleware does not: no credentials get the
// bare challenge, and a token outside the one Authorization header gets 400 invalid_request.
const { createRemoteJWKSet, errors, jwtVerify } = require('jose');
const { InvalidTokenError } = require('@modelcontextprotocol/sdk/server/auth/errors.js');

/** The challenge parameters every answer carries: the metadata URL and the scope to ask for. */
function challengeTail({ scope, resourceMetadataUrl }) {
  return `scope="${scope}", resource_metadata="${resourceMetadataUrl}"`;
}

/**
 * A token verifier of the SDK's OAuthTokenVerifier shape: signature by the realm's JWKS (RS256
 * only), issuer, audience, expiry, not-before, a Keycloak access token (typ Bearer), a client
 * allowed to call this server, and a subject. Its AuthInfo carries the claims the server uses.
 */
function keycloakVerifier(options) {
  // A token under a kid not yet seen refetches the set after a second (jose's default waits 30 s,
  // refusing a rotated key's tokens meanwhile).
  const jwks = createRemoteJWKSet(new URL(options.jwksUrl), { timeoutDuration: options.timeoutMs, cooldownDuration: 1000 });
  const checkAudience = !options.flaws.has('aud-unchecked');
  return {
    async verifyAccessToken(token) {
      let payload;
      try {
        ({ payload } = await jwtVerify(token, jwks, {
          algorithms: ['RS256'],
          issuer: options.issuer,
          audience: checkAudience ? options.audience : undefined,
          requiredClaims: ['exp', 'iat', 'sub']
        }));
      } catch (error) {
        // A key that cannot be fetched verifies nothing: the token is refused like any other.
        const unverifiable = error instanceof errors.JWKSTimeout || error?.code === 'ERR_JOSE_GENERIC' || error instanceof TypeError;
        // The SDK puts the message in the challenge's quoted error_description as it is: no quotes.
        throw new InvalidTokenError(unverifiable ? "token rejected: the realm's signing keys could not be fetched"
          : `token rejected: ${String(error.message).replaceAll('"', "'")}`);
      }
      if (typeof payload.iat !== 'number' || payload.iat > Date.now() / 1000 + 30) {
        throw new InvalidTokenError('token rejected: issued in the future');
      }
      if (payload.typ !== undefined && payload.typ !== 'Bearer') {
        throw new InvalidTokenError(`token rejected: a ${payload.typ} token is not an access token`);
      }
      if (options.allowedClients.length > 0 && !options.allowedClients.includes(payload.azp)) {
        throw new InvalidTokenError(`token rejected: client ${payload.azp ?? '(none)'} may not call this server`);
      }
      if (typeof payload.sub !== 'string' || payload.sub === '') {
        throw new InvalidTokenError('token rejected: no subject');
      }
      return {
        token,
        clientId: String(payload.azp ?? ''),
        scopes: String(payload.scope ?? '').split(' ').filter(Boolean),
        expiresAt: payload.exp,
        extra: { sub: payload.sub, preferredUsername: payload.preferred_username }
      };
    }
  };
}

/**
 * Express middleware before requireBearerAuth: the bare challenge for a request with no Bearer
 * credentials (RFC 6750 §3.1), 400 invalid_request for two Authorization headers or a token in
 * the query string or a form body (§2; the MCP spec forbids tokens in URIs).
 */
function bearerGuard(tail) {
  const refuse = (res, status, challenge, body) => {
    res.set('WWW-Authenticate', challenge);
    res.status(status).json(body);
  };
  const invalidRequest = (res, description) =>
    refuse(res, 400, `Bearer error="invalid_request", error_description="${description}", ${tail}`,
      { error: 'invalid_request', error_description: description });
  return (req, res, next) => {
    const headers = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      if (req.rawHeaders[i].toLowerCase() === 'authorization') headers.push(req.rawHeaders[i + 1]);
    }
    if (headers.length > 1) return invalidRequest(res, 'more than one Authorization header');
    if (new URL(req.originalUrl, 'http://x').searchParams.has('access_token')) {
      return invalidRequest(res, 'access tokens are taken from the Authorization header only, not the query string');
    }
    if (req.is('application/x-www-form-urlencoded')) {
      return invalidRequest(res, 'access tokens are taken from the Authorization header only, not a form body');
    }
    const match = /^Bearer +(\S.*)$/i.exec(headers[0] ?? '');
    if (!match) {
      return refuse(res, 401, `Bearer ${tail}`, { error: 'invalid_token', error_description: 'Missing bearer token' });
    }
    if (match[1].length > 8192) return invalidRequest(res, 'the Authorization header is over 8 KiB');
    // requireBearerAuth splits on one space: hand it the canonical form.
    req.headers.authorization = `Bearer ${match[1].trim()}`;
    next();
  };
}

module.exports = { challengeTail, keycloakVerifier, bearerGuard };
