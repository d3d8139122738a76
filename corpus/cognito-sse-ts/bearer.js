'use strict';
// Each request's bearer token (GET /sse and every POST /messages), checked as a Cognito access
// token; the caller is put on req.auth, where the SDK's SSE transport hands it to the tools.
//
// RFC 6750's answers, each challenge naming the protected-resource metadata: no Bearer
// credential gets the bare challenge (§3.1: no error code), a token that does not verify
// invalid_token, two Authorization headers 400 invalid_request; the pool's keys unreachable
// with none held, 503.
//
// The flawed variant's `sdk-bearer-challenge`: the SDK's requireBearerAuth instead, which
// answers a request without credentials with error="invalid_token" too.
const { requireBearerAuth } = require('@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js');
const { InvalidTokenError, ServerError } = require('@modelcontextprotocol/sdk/server/auth/errors.js');
const { KeysUnavailable } = require('./pool-tokens');

function authInfoOf(token, claims) {
  return {
    token,
    clientId: claims.client_id,
    scopes: typeof claims.scope === 'string' ? claims.scope.split(' ') : [],
    expiresAt: claims.exp,
    extra: { sub: claims.sub, username: claims.username },
  };
}

function challenge(resourceMetadata, error) {
  return `Bearer resource_metadata="${resourceMetadata}"` + (error ? `, error="${error}"` : '');
}

function cognitoBearer(tokens, resourceMetadata) {
  return async (req, res, next) => {
    const headers = req.headersDistinct.authorization ?? [];
    if (headers.length > 1) {
      res.set('WWW-Authenticate', challenge(resourceMetadata, 'invalid_request'));
      return res.status(400).json({ error: 'invalid_request', error_description: 'more than one Authorization header' });
    }
    const [scheme, token] = (headers[0] ?? '').split(' ');
    if (scheme.toLowerCase() !== 'bearer' || !token) {
      res.set('WWW-Authenticate', challenge(resourceMetadata));
      return res.status(401).json({ error: 'unauthorized' });
    }
    try {
      req.auth = authInfoOf(token, await tokens.verify(token));
    } catch (error) {
      if (error instanceof KeysUnavailable) {
        return res.status(503).json({ error: 'temporarily_unavailable', error_description: error.message });
      }
      res.set('WWW-Authenticate', challenge(resourceMetadata, 'invalid_token'));
      return res.status(401).json({ error: 'invalid_token', error_description: 'the access token was refused' });
    }
    return next();
  };
}

function sdkBearer(tokens, resourceMetadata) {
  const verifier = {
    async verifyAccessToken(token) {
      try {
        return authInfoOf(token, await tokens.verify(token));
      } catch (error) {
        if (error instanceof KeysUnavailable) throw new ServerError(error.message);
        throw new InvalidTokenError('the access token was refused');
      }
    },
  };
  return requireBearerAuth({ verifier, resourceMetadataUrl: resourceMetadata });
}

function bearerGuard(tokens, resourceMetadata, flaws) {
  return flaws.has('sdk-bearer-challenge') ? sdkBearer(tokens, resourceMetadata) : cognitoBearer(tokens, resourceMetadata);
}

module.exports = { bearerGuard };
