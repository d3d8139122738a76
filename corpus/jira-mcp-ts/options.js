// The command line and environment of jira-mcp-ts, and the deliberate defects (--flaw) of its
// flawed variant. Secrets come from the environment only, never from argv.
const { parseArgs } = require('node:util');

/** The defects the flawed variant can switch on, one --flaw each. */
const FLAWS = {
  'aud-unchecked': 'accepts any audience the realm signs, not only its own',
  'user-from-claim': "reads the Vault path of the token's preferred_username claim",
  'raw-backend-errors': "passes Jira's error body on to the caller",
  'no-rate-limit': 'no per-user rate limit',
  'sdk-bearer-only': "the SDK's requireBearerAuth alone, without the RFC 6750 guard in front of it"
};

const USAGE = `usage: node server.js --port N --realm-url URL --vault-url URL --jira-url URL
  [--issuer URL (default: the realm's own, from its OpenID configuration)] [--jwks-url URL]
  [--audience jira-mcp] [--client-id jira-mcp] [--allowed-client ID]... [--rate-limit 20/1000ms]
  [--timeout-ms 3000] [--flaw ${Object.keys(FLAWS).join('|')}]...
environment: JIRA_MCP_CLIENT_SECRET (the client secret for the token exchange)`;

function fail(message) {
  console.error(`jira-mcp-ts: ${message}\n${USAGE}`);
  process.exit(2);
}

/** Parses "20/1000ms" into {limit, windowMs}. */
function parseRate(text) {
  const match = /^(\d+)\/(\d+)ms$/.exec(text);
  if (!match) fail(`--rate-limit must look like 20/1000ms, not "${text}"`);
  return { limit: Number(match[1]), windowMs: Number(match[2]) };
}

/** @returns {{port:number, host:string, realmUrl:string, issuer:string|undefined, jwksUrl:string, audience:string, clientId:string,
 *   clientSecret:string, allowedClients:string[], vaultUrl:string, vaultRole:string, jiraUrl:string,
 *   rate:{limit:number, windowMs:number}, timeoutMs:number, flaws:Set<string>}} */
function readOptions(argv = process.argv.slice(2), env = process.env) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', default: '0' },
        host: { type: 'string', default: '127.0.0.1' },
        'realm-url': { type: 'string' },
        issuer: { type: 'string' },
        'jwks-url': { type: 'string' },
        audience: { type: 'string', default: 'jira-mcp' },
        'client-id': { type: 'string', default: 'jira-mcp' },
        'allowed-client': { type: 'string', multiple: true, default: [] },
        'vault-url': { type: 'string' },
        'vault-role': { type: 'string', default: 'user' },
        'jira-url': { type: 'string' },
        'rate-limit': { type: 'string', default: '20/1000ms' },
        'timeout-ms': { type: 'string', default: '3000' },
        flaw: { type: 'string', multiple: true, default: [] }
      }
    });
  } catch (error) {
    fail(error.message);
  }
  const v = parsed.values;
  for (const name of ['realm-url', 'vault-url', 'jira-url']) if (!v[name]) fail(`--${name} is required`);
  for (const flaw of v.flaw) if (!(flaw in FLAWS)) fail(`unknown --flaw "${flaw}"`);
  const clientSecret = env.JIRA_MCP_CLIENT_SECRET ?? '';
  if (!clientSecret) fail('JIRA_MCP_CLIENT_SECRET is not set');
  const realmUrl = v['realm-url'].replace(/\/$/, '');
  return {
    port: Number(v.port),
    host: v.host,
    realmUrl,
    issuer: v.issuer,
    jwksUrl: v['jwks-url'] ?? `${realmUrl}/protocol/openid-connect/certs`,
    audience: v.audience,
    clientId: v['client-id'],
    clientSecret,
    allowedClients: v['allowed-client'],
    vaultUrl: v['vault-url'].replace(/\/$/, ''),
    vaultRole: v['vault-role'],
    jiraUrl: v['jira-url'].replace(/\/$/, ''),
    rate: parseRate(v['rate-limit']),
    timeoutMs: Number(v['timeout-ms']),
    flaws: new Set(v.flaw)
  };
}

module.exports = { FLAWS, readOptions };
