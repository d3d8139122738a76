// jira-mcp-ts: a Jira MCP server of the user-keycloak-vault design on the MCP TypeScript SDK.
// Streamable HTTP at /mcp (sessions, each bound to the user who opened it), the SDK's bearer
// middleware with a Keycloak JWT verifier, each tool call made with the caller's own Jira
// credential from Vault. `--flaw NAME` switches on one classic mistake (options.js: FLAWS).
const { randomUUID } = require('node:crypto');
const express = require('express');
const z = require('zod/v4');
const { McpServer } = require('@modelcontextprotocol/sdk/server/mcp.js');
const { StreamableHTTPServerTransport } = require('@modelcontextprotocol/sdk/server/streamableHttp.js');
const { createMcpExpressApp } = require('@modelcontextprotocol/sdk/server/express.js');
const { requireBearerAuth } = require('@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js');
const { metadataHandler } = require('@modelcontextprotocol/sdk/server/auth/handlers/metadata.js');
const { getOAuthProtectedResourceMetadataUrl } = require('@modelcontextprotocol/sdk/server/auth/router.js');
const { isInitializeRequest } = require('@modelcontextprotocol/sdk/types.js');
const { readOptions } = require('./options');
const { bearerGuard, challengeTail, keycloakVerifier } = require('./auth');
const { VaultCredentials } = require('./vault');
const { Jira } = require('./jira');
const { perUserRateLimit } = require('./rate_limit');

/** The realm's own issuer, from its OpenID configuration. */
async function realmIssuer({ realmUrl, timeoutMs }) {
  const response = await fetch(`${realmUrl}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`the realm's OpenID configuration answered HTTP ${response.status}`);
  return (await response.json()).issuer;
}

/** The tools, on one McpServer per session as the SDK's examples do. */
function mcpServer(vault, jira) {
  const server = new McpServer({ name: 'jira-mcp-ts', version: '1.0.0' });
  // Runs `path(args)` against Jira as the caller; the answer as JSON text.
  const asCaller = (path) => async (args, extra) => {
    const traceparent = extra.requestInfo?.headers?.traceparent;
    const secret = await vault.jiraSecret(extra.authInfo, traceparent);
    const answer = await jira.get(path(args), secret, traceparent);
    return { content: [{ type: 'text', text: JSON.stringify(answer) }] };
  };
  server.registerTool('list_issues', {
    description: 'List Jira issues matching a JQL query (default: every issue of project DEMO).',
    inputSchema: { jql: z.string().optional().describe('JQL query') }
  }, asCaller(({ jql }) => `/rest/api/3/search?jql=${encodeURIComponent(jql ?? 'project = DEMO')}`));
  server.registerTool('get_issue', {
    description: 'Get one Jira issue by key.',
    inputSchema: { issue_key: z.string().describe('e.g. DEMO-1') }
  }, asCaller(({ issue_key }) => `/rest/api/3/issue/${encodeURIComponent(issue_key)}`));
  return server;
}

async function main() {
  const options = readOptions();
  // Where the server reaches the realm may differ from the issuer its tokens name (a proxy between).
  options.issuer ??= await realmIssuer(options);
  const vault = new VaultCredentials(options);
  const jira = new Jira(options);
  const app = createMcpExpressApp({ host: options.host });
  app.use(express.urlencoded({ extended: false }));
  app.get('/health', (_req, res) => res.json({ status: 'ok' }));
  // Routes that need the server's own URL are added once it listens (the port may be 0).
  const listener = app.listen(options.port, options.host, (error) => {
    if (error) fail(error);
    const base = `http://${options.host}:${listener.address().port}`;
    const resource = new URL('/mcp', base);
    const resourceMetadataUrl = getOAuthProtectedResourceMetadataUrl(resource);
    app.use(new URL(resourceMetadataUrl).pathname, metadataHandler({
      resource: resource.href,
      authorization_servers: [options.issuer],
      scopes_supported: [options.audience],
      bearer_methods_supported: ['header'],
      resource_name: 'Jira (jira-mcp-ts)'
    }));
    const tail = challengeTail({ scope: options.audience, resourceMetadataUrl });
    const authenticated = [
      ...(options.flaws.has('sdk-bearer-only') ? [] : [bearerGuard(tail)]),
      requireBearerAuth({ verifier: keycloakVerifier(options), requiredScopes: [], resourceMetadataUrl }),
      ...(options.flaws.has('no-rate-limit') ? [] : [perUserRateLimit(options.rate)])
    ];
    mountMcp(app, authenticated, () => mcpServer(vault, jira));
    console.log(`jira-mcp-ts listening on ${resource.href}` +
      (options.flaws.size ? ` with flaws: ${[...options.flaws].join(', ')}` : ''));
  });
}

function fail(error) {
  console.error(`jira-mcp-ts: ${error.message}`);
  process.exit(1);
}


/** Streamable HTTP at /mcp: a session per initialize, reachable only by the user who opened it. */
function mountMcp(app, authenticated, newServer) {
  /** @type {Map<string, {transport: StreamableHTTPServerTransport, owner: string}>} */
  const sessions = new Map();
  const notFound = (res) => res.status(404).json({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null });
  // The caller's session, or undefined after answering 400/404.
  const sessionOf = (req, res) => {
    const id = req.headers['mcp-session-id'];
    if (!id) {
      res.status(400).json({ jsonrpc: '2.0', error: { code: -32000, message: 'Bad Request: No valid session ID provided' }, id: null });
      return undefined;
    }
    const session = sessions.get(id);
    if (!session || session.owner !== req.auth.extra.sub) return void notFound(res);
    return session;
  };
  app.post('/mcp', ...authenticated, async (req, res) => {
    if (!req.headers['mcp-session-id'] && isInitializeRequest(req.body)) {
      const owner = req.auth.extra.sub;
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => sessions.set(id, { transport, owner })
      });
      transport.onclose = () => transport.sessionId && sessions.delete(transport.sessionId);
      await newServer().connect(transport);
      return transport.handleRequest(req, res, req.body);
    }
    const session = sessionOf(req, res);
    if (session) await session.transport.handleRequest(req, res, req.body);
  });
  for (const method of ['get', 'delete']) {
    app[method]('/mcp', ...authenticated, async (req, res) => {
      const session = sessionOf(req, res);
      if (session) await session.transport.handleRequest(req, res);
    });
  }
}

main().catch(fail);
