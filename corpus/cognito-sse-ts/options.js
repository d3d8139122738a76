'use strict';
// The server's command line. No secret comes from it: the caller's own token is all it needs.
const { parseArgs } = require('node:util');

const FLAWS = ['session-owner-unchecked', 'any-pool', 'sdk-bearer-challenge'];

const USAGE = `node server.js --port N --user-pool-id <region>_<id> --client-id ID [--client-id ID]...
  [--cognito-url URL] --vault-url URL --jira-url URL --github-url URL [--public-url URL]
  [--vault-role NAME] [--timeout-ms N] [--flaw ${FLAWS.join('|')}]...`;

function trimmed(url) {
  return url.replace(/\/+$/, '');
}

function readOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      'user-pool-id': { type: 'string' },
      'client-id': { type: 'string', multiple: true },
      'cognito-url': { type: 'string' },
      'vault-url': { type: 'string' },
      'vault-role': { type: 'string', default: 'user' },
      'jira-url': { type: 'string' },
      'github-url': { type: 'string' },
      'public-url': { type: 'string' },
      'timeout-ms': { type: 'string', default: '3000' },
      flaw: { type: 'string', multiple: true, default: [] },
    },
  });
  for (const required of ['port', 'user-pool-id', 'client-id', 'vault-url', 'jira-url', 'github-url']) {
    if (!values[required]) throw new Error(`--${required} is required\n${USAGE}`);
  }
  for (const flaw of values.flaw) {
    if (!FLAWS.includes(flaw)) throw new Error(`unknown --flaw ${flaw}; one of ${FLAWS.join(', ')}`);
  }
  const port = Number(values.port);
  return {
    port,
    userPoolId: values['user-pool-id'],
    clientIds: values['client-id'],
    // Where the pools' keys are fetched when not at Cognito itself (a stand-in, a proxy).
    cognitoUrl: values['cognito-url'] ? trimmed(values['cognito-url']) : '',
    vaultUrl: trimmed(values['vault-url']),
    vaultRole: values['vault-role'],
    jiraUrl: trimmed(values['jira-url']),
    githubUrl: trimmed(values['github-url']),
    publicUrl: trimmed(values['public-url'] || `http://127.0.0.1:${port}`),
    timeoutMs: Number(values['timeout-ms']),
    flaws: new Set(values.flaw),
  };
}

module.exports = { readOptions, FLAWS };
