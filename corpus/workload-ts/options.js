// hangar's configuration: the command line (port, registry, flaws) and the environment (where the
// realm, OPA and the server itself are). The deliberate defects of the flawed variant are --flaw
// switches, each one classic mistake of this design.
const { parseArgs } = require('node:util');
const path = require('node:path');

/** The defects the flawed variant can switch on, one --flaw each. */
const FLAWS = {
  'aud-unchecked': "verifies the access token's signature and issuer but not its audience",
  'request-unbound': "never compares the proof's htm and htu with the request it came with",
  'ath-ignored': "never compares the proof's ath with the hash of the token it came with",
  'iat-unchecked': "takes a proof of any age, or from the future",
  'identity-from-header': 'takes the X-Spiffe-Id header, when sent, as the calling workload',
  'undefined-allows': "reads OPA's answer as allowed unless it says false"
};

const USAGE = `usage: node server.js --port N [--host 127.0.0.1] [--tiers tiers.json] [--opa-timeout-ms 750]
  [--flaw ${Object.keys(FLAWS).join('|')}]...
environment: HANGAR_ISSUER, HANGAR_AUDIENCE, HANGAR_JWKS_URI (default: the issuer's certs),
  HANGAR_PUBLIC_ORIGIN (what a proof's htu names, without the path), OPA_ADDR`;

class ConfigError extends Error {}

/**
 * @returns {{host: string, port: number, tiersFile: string, issuer: string, audience: string, jwksUri: string,
 *   publicOrigin: string, opaAddr: string, opaTimeoutMs: number, flaws: Set<string>}}
 */
function readOptions(argv = process.argv.slice(2), env = process.env) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '0' },
        tiers: { type: 'string', default: path.join(__dirname, 'tiers.json') },
        'opa-timeout-ms': { type: 'string', default: '750' },
        flaw: { type: 'string', multiple: true, default: [] }
      }
    }));
  } catch (error) {
    throw new ConfigError(`${error.message}\n${USAGE}`);
  }
  for (const flaw of values.flaw) {
    if (!(flaw in FLAWS)) throw new ConfigError(`no flaw "${flaw}"\n${USAGE}`);
  }
  const need = (name) => {
    if (!env[name]) throw new ConfigError(`${name} is not set\n${USAGE}`);
    return env[name];
  };
  const issuer = need('HANGAR_ISSUER');
  const port = Number(values.port);
  return {
    host: values.host,
    port,
    tiersFile: values.tiers,
    issuer,
    audience: need('HANGAR_AUDIENCE'),
    jwksUri: env.HANGAR_JWKS_URI || `${issuer}/protocol/openid-connect/certs`,
    publicOrigin: env.HANGAR_PUBLIC_ORIGIN || `http://${values.host}:${port}`,
    opaAddr: need('OPA_ADDR').replace(/\/+$/, ''),
    opaTimeoutMs: Number(values['opa-timeout-ms']),
    flaws: new Set(values.flaw)
  };
}

module.exports = { FLAWS, ConfigError, readOptions };
