// keyring: agents' secrets over MCP, behind its own OAuth 2.0 authorization server. One express
// app is both: the client credentials grant at /oauth2/token (issuer <public URL>/oauth2), and
// the MCP endpoint at /mcp (the TypeScript SDK's Streamable HTTP transport with sessions), which
// takes only its own tokens and reads and writes each client's secrets in Vault.
//
//   node server.js --port 3000 [--flaw NAME]...
const { randomUUID } = require('node:crypto');
const express = require('express');
const { StreamableHTTPServerTransport } = require('@modelcontextprotocol/sdk/server/streamableHttp.js');
const { isInitializeRequest } = require('@modelcontextprotocol/sdk/types.js');
const { requireBearerAuth } = require('@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js');
const { mcpAuthMetadataRouter, getOAuthProtectedResourceMetadataUrl } = require('@modelcontextprotocol/sdk/server/auth/router.js');
const { ConfigError, readOptions } = require('./options');
const { loadSigningKey } = require('./signing-key');
const { authorizationServer, authorizationMetadata } = require('./authorization-server');
const { tokenVerifier } = require('./token-verifier');
const { vaultKeyring } = require('./vault-keyring');
const { keyringServer } = require('./tools');

const rpcError = (res, status, message) => res.status(status).json({ jsonrpc: '2.0', error: { code: -32000, message }, id: null });

/** The express app; `options` as options.js reads them, `signingKey` as signing-key.js loads it. */
function keyringApp(options, signingKey, keyring) {
  const app = express();
  const resourceUrl = new URL(`${options.publicUrl}/mcp`);
  app.get('/healthz', (_req, res) => res.json({ ok: true }));
  app.use(authorizationServer({ ...options, signingKey }));
  app.use(mcpAuthMetadataRouter({ oauthMetadata: authorizationMetadata(options), resourceServerUrl: resourceUrl, resourceName: 'keyring' }));

  const bearer = requireBearerAuth({
    verifier: tokenVerifier({ ...options, publicKey: signingKey.publicKey }),
    resourceMetadataUrl: getOAuthProtectedResourceMetadataUrl(resourceUrl)
  });
  const sessions = new Map();  // session id → {transport, clientId}

  // A session is its client's: another client's token with its id finds no session.
  const sessionOf = (req) => {
    const session = sessions.get(req.get('mcp-session-id'));
    return session && session.clientId === req.auth.clientId ? session : undefined;
  };

  app.post('/mcp', express.json({ limit: '1mb' }), bearer, async (req, res) => {
    let session = sessionOf(req);
    if (!session) {
      if (req.get('mcp-session-id') || !isInitializeRequest(req.body)) return rpcError(res, 404, 'Session not found');
      const clientId = req.auth.clientId;
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => sessions.set(id, { transport, clientId })
      });
      transport.onclose = () => sessions.delete(transport.sessionId);
      await keyringServer(keyring, options).connect(transport);
      session = { transport };
    }
    await session.transport.handleRequest(req, res, req.body);
  });
  const onSession = async (req, res) => {
    const session = sessionOf(req);
    if (!session) return rpcError(res, 404, 'Session not found');
    await session.transport.handleRequest(req, res);
  };
  app.get('/mcp', bearer, onSession);
  app.delete('/mcp', bearer, onSession);
  return app;
}

async function main() {
  const options = readOptions();
  const signingKey = await loadSigningKey(options.signingKeyPem);
  const app = keyringApp(options, signingKey, vaultKeyring(options));
  app.listen(options.port, options.host, (error) => {
    if (error) throw error;
    const flaws = options.flaws.size ? ` with flaws: ${[...options.flaws].join(', ')}` : '';
    console.log(`keyring listening on http://${options.host}:${options.port}/mcp, issuer ${options.issuer}${flaws}`);
  });
}

if (require.main === module) {
  main().catch((error) => {
    console.error(`keyring: ${error instanceof ConfigError ? error.message : error.stack}`);
    process.exit(error instanceof ConfigError ? 2 : 1);
  });
}

module.exports = { keyringApp };
