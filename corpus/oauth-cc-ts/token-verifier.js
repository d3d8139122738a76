// The resource server's check of a bearer token, as the SDK's requireBearerAuth asks it
// (an OAuthTokenVerifier): a jose jwtVerify with the authorization server's public key.
const jose = require('jose');
const { InvalidTokenError } = require('@modelcontextprotocol/sdk/server/auth/errors.js');

function tokenVerifier({ publicKey, issuer, audience, flaws }) {
  const checks = { algorithms: ['RS256'], audience, requiredClaims: ['exp', 'iat', 'sub'] };
  if (!flaws.has('iss-unchecked')) checks.issuer = issuer;
  return {
    async verifyAccessToken(token) {
      let payload;
      try {
        ({ payload } = await jose.jwtVerify(token, publicKey, checks));
      } catch (error) {
        throw new InvalidTokenError(error instanceof jose.errors.JOSEError ? error.message : 'the token could not be read');
      }
      return {
        token,
        clientId: payload.sub,
        scopes: typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [],
        expiresAt: payload.exp
      };
    }
  };
}

module.exports = { tokenVerifier };
