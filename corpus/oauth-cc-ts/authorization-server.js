// keyring's authorization server, its issuer <public URL>/oauth2: the token endpoint, the JWKS,
// and its RFC 8414 metadata where §3.1 puts it for an issuer with a path
// (/.well-known/oauth-authorization-server/oauth2).
const express = require('express');
const { tokenEndpoint } = require('./token-endpoint');

function authorizationMetadata({ issuer, clients }) {
  const scopes = new Set([...clients.values()].flatMap((client) => client.scopes));
  return {
    issuer,
    token_endpoint: `${issuer}/token`,
    jwks_uri: `${issuer}/jwks`,
    grant_types_supported: ['client_credentials'],
    token_endpoint_auth_methods_supported: ['client_secret_post'],
    response_types_supported: [],
    scopes_supported: [...scopes].sort()
  };
}

/** Mounted at the application's root. */
function authorizationServer(settings) {
  const { issuer, signingKey } = settings;
  const issuerPath = new URL(issuer).pathname;
  const router = express.Router();
  const metadata = authorizationMetadata(settings);
  router.get(`/.well-known/oauth-authorization-server${issuerPath}`, (_req, res) => res.json(metadata));
  router.get(`${issuerPath}/jwks`, (_req, res) => res.json(signingKey.jwks));
  router.use(`${issuerPath}/token`, tokenEndpoint(settings));
  return router;
}

module.exports = { authorizationServer, authorizationMetadata };
