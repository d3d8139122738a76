// hangar: tools for agent workloads (tickets, an artifact store, deployments) over MCP, on the
// MCP TypeScript SDK's Streamable HTTP transport in its stateless mode (a server and a transport
// per request, JSON answers). A workload calls with a DPoP-bound Keycloak token and a proof of
// its key; OPA decides every tool call from the clearance hangar's registry gives the workload.
//
//   node server.js --port 3000 [--tiers tiers.json] [--flaw NAME]...
const express = require('express');
const jose = require('jose');
const { StreamableHTTPServerTransport } = require('@modelcontextprotocol/sdk/server/streamableHttp.js');
const { ConfigError, readOptions } = require('./options');
const { ClearanceRegistry } = require('./tiers');
const { Unauthenticated, challenge, workloadAuthenticator } = require('./workload-auth');
const { accessDecider } = require('./access');
const { hangarServer } = require('./tools');

/** The express app; `authenticate` and `decide` as workload-auth.js and access.js make them. */
function hangarApp({ authenticate, decide }) {
  const app = express();
  app.use(express.json({ limit: '1mb' }));
  app.get('/healthz', (_req, res) => res.json({ ok: true }));

  const requireWorkload = async (req, res, next) => {
    try {
      req.workload = await authenticate(req.method, req.originalUrl.split('?')[0], req.headers);
      next();
    } catch (error) {
      if (!(error instanceof Unauthenticated)) return next(error);
      challenge(res, error);
    }
  };

  app.post('/mcp', requireWorkload, async (req, res) => {
    const server = hangarServer(req.workload, decide);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      transport.close();
      server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  });
  const stateless = (_req, res) =>
    res.status(405).set('Allow', 'POST').json({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed: hangar is stateless' }, id: null });
  app.get('/mcp', requireWorkload, stateless);
  app.delete('/mcp', requireWorkload, stateless);
  return app;
}

async function main() {
  const options = readOptions();
  const registry = ClearanceRegistry.load(options.tiersFile);
  const authenticate = workloadAuthenticator({
    keys: jose.createRemoteJWKSet(new URL(options.jwksUri)),
    issuer: options.issuer,
    audience: options.audience,
    publicOrigin: options.publicOrigin,
    registry,
    flaws: options.flaws
  });
  const app = hangarApp({ authenticate, decide: accessDecider(options) });
  app.listen(options.port, options.host, (error) => {
    if (error) throw error;
    const flaws = options.flaws.size ? ` with flaws: ${[...options.flaws].join(', ')}` : '';
    console.log(`hangar listening on http://${options.host}:${options.port}/mcp${flaws}`);
  });
}

if (require.main === module) {
  main().catch((error) => {
    console.error(`hangar: ${error instanceof ConfigError ? error.message : error.stack}`);
    process.exit(error instanceof ConfigError ? 2 : 1);
  });
}

module.exports = { hangarApp };
