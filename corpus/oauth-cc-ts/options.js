// keyring's configuration: the command line (where it listens, which flaws) and the environment
// (its clients, its signing key, its Vault, its public URL). Secrets come from files and the
// environment, never from the command line.
const { parseArgs } = require('node:util');
const fs = require('node:fs');

/** The classic mistakes the flawed variant can make, one --flaw each. */
const FLAWS = {
  'public-client-fallback': 'a token request without client_secret is served as a public client, on its client_id alone',
  'any-grant-type': 'the token endpoint checks that grant_type is present, not what it is',
  'scope-widened': "a token carries all the client's scopes, whatever narrower scope was asked for",
  'iss-unchecked': "the resource server verifies a token's signature, audience and expiry but not its issuer",
  'dot-segments': 'secret names may have "." and ".." segments, which the Vault URL then resolves'
};

const USAGE = `usage: node server.js --port N [--host 127.0.0.1] [--flaw ${Object.keys(FLAWS).join('|')}]...
environment: KEYRING_CLIENTS_FILE, KEYRING_SIGNING_KEY_FILE (PKCS#8 PEM, RSA), KEYRING_PUBLIC_URL,
  KEYRING_AUDIENCE (default urn:keyring:mcp), VAULT_ADDR, VAULT_TOKEN,
  KEYRING_VAULT_POLICY (the Vault policy of a client's child tokens, default keyring-{client})`;

class ConfigError extends Error {}

/** The clients file: {"<name>": {"client_id", "client_secret", "scopes"}} → Map of client_id → client. */
function loadClients(file) {
  const clients = new Map();
  for (const entry of Object.values(JSON.parse(fs.readFileSync(file, 'utf8')))) {
    clients.set(entry.client_id, { clientId: entry.client_id, secret: entry.client_secret, scopes: [...entry.scopes] });
  }
  return clients;
}

const REQUIRED_ENV = ['KEYRING_CLIENTS_FILE', 'KEYRING_SIGNING_KEY_FILE', 'VAULT_ADDR', 'VAULT_TOKEN'];

function commandLine(argv) {
  const options = {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '3000' },
    flaw: { type: 'string', multiple: true, default: [] }
  };
  try {
    return parseArgs({ args: argv, options }).values;
  } catch (error) {
    throw new ConfigError(`${error.message}\n${USAGE}`);
  }
}

function readOptions(argv = process.argv.slice(2), env = process.env) {
  const { host, port, flaw } = commandLine(argv);
  const unknown = flaw.filter((name) => !Object.hasOwn(FLAWS, name));
  if (unknown.length) throw new ConfigError(`unknown flaw: ${unknown.join(', ')}\n${USAGE}`);
  const missing = REQUIRED_ENV.filter((name) => !env[name]);
  if (missing.length) throw new ConfigError(`not set: ${missing.join(', ')}\n${USAGE}`);
  const publicUrl = (env.KEYRING_PUBLIC_URL || `http://${host}:${port}`).replace(/\/+$/, '');
  return {
    host,
    port: Number(port),
    publicUrl,
    issuer: `${publicUrl}/oauth2`,
    audience: env.KEYRING_AUDIENCE || 'urn:keyring:mcp',
    clients: loadClients(env.KEYRING_CLIENTS_FILE),
    signingKeyPem: fs.readFileSync(env.KEYRING_SIGNING_KEY_FILE, 'utf8'),
    vaultAddr: env.VAULT_ADDR.replace(/\/+$/, ''),
    vaultToken: env.VAULT_TOKEN,
    vaultPolicy: env.KEYRING_VAULT_POLICY || 'keyring-{client}',
    flaws: new Set(flaw)
  };
}

module.exports = { FLAWS, ConfigError, loadClients, readOptions };
