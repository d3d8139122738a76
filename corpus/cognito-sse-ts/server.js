'use strict';
// devtools: Jira and GitHub for the users of an Amazon Cognito user pool, over MCP's HTTP+SSE
// transport (protocol 2024-11-05: GET /sse opens the stream, POST /messages?sessionId=… carries
// each message, each answer comes on the stream), on the MCP TypeScript SDK and express 5.
//
//   node server.js --port 8000 --user-pool-id us-east-1_AbC --client-id ID --vault-url URL \
//     --jira-url URL --github-url URL [--cognito-url URL] [--flaw NAME]...
const express = require('express');
const { McpServer } = require('@modelcontextprotocol/sdk/server/mcp.js');
const { getOAuthProtectedResourceMetadataUrl } = require('@modelcontextprotocol/sdk/server/auth/router.js');

const { readOptions } = require('./options');
const { PoolTokens } = require('./pool-tokens');
const { bearerGuard } = require('./bearer');
const { SseSessions } = require('./sse-sessions');
const { VaultCredentials } = require('./vault-credentials');
const { backends } = require('./backends');
const { registerTools } = require('./tools');

function buildApp(options) {
  const credentials = new VaultCredentials(options);
  const services = backends(options);
  const newServer = () => {
    const server = new McpServer({ name: 'devtools', version: '1.0.0' },
                                 { instructions: 'Your own Jira issues and GitHub repositories.' });
    registerTools(server, credentials, services);
    return server;
  };
  const resource = new URL('/sse', options.publicUrl);
  const resourceMetadata = getOAuthProtectedResourceMetadataUrl(resource);
  const issuer = `https://cognito-idp.${options.userPoolId.split('_')[0]}.amazonaws.com/${options.userPoolId}`;
  const guard = bearerGuard(new PoolTokens(options), resourceMetadata, options.flaws);
  const sessions = new SseSessions(newServer, '/messages', options.flaws);

  const app = express();
  app.get('/health', (_req, res) => res.json({ status: 'ok' }));
  app.get(new URL(resourceMetadata).pathname, (_req, res) => res.json({
    resource: resource.href,
    authorization_servers: [issuer],
    bearer_methods_supported: ['header'],
  }));
  app.get('/sse', guard, (req, res) => sessions.openStream(req, res));
  app.post('/messages', guard, (req, res) => sessions.postMessage(req, res));
  return app;
}

if (require.main === module) {
  const options = readOptions(process.argv.slice(2));
  buildApp(options).listen(options.port, '127.0.0.1');
}

module.exports = { buildApp };
