// keyring's tools, registered on an McpServer: each reads or changes one of the calling client's
// secrets and needs one scope of its token. A result is structured content (the tool's
// outputSchema) with its JSON as text too; a refusal is a thrown error, which the SDK answers
// with a tool error result.
const z = require('zod/v4');
const { McpServer } = require('@modelcontextprotocol/sdk/server/mcp.js');
const { secretName, folderName } = require('./secret-names');
const { SecretNotFound } = require('./vault-keyring');

/** The calling client, once its token is found to carry `scope`. */
function callerWith(scope, extra) {
  const auth = extra.authInfo;
  if (!auth || !auth.scopes.includes(scope)) throw new Error(`Forbidden: the token lacks the "${scope}" scope`);
  return auth.clientId;
}

const answer = (structuredContent) => ({ content: [{ type: 'text', text: JSON.stringify(structuredContent) }], structuredContent });

const notFoundAs = (name) => (error) => {
  if (error instanceof SecretNotFound) throw new Error(`NotFound: no secret named "${name}"`);
  throw error;
};

/** An McpServer for one session; `keyring` as vault-keyring.js makes it. */
function keyringServer(keyring, { flaws }) {
  const server = new McpServer({ name: 'keyring', version: '1.0.0' });
  const name = secretName({ allowDotSegments: flaws.has('dot-segments') });
  const folder = folderName({ allowDotSegments: flaws.has('dot-segments') });

  server.registerTool('readSecret', {
    description: 'Read one of your secrets (scope read).',
    inputSchema: { secretName: name },
    outputSchema: { secretName: z.string(), fields: z.record(z.string(), z.string()), version: z.number() }
  }, async ({ secretName }, extra) => {
    const client = callerWith('read', extra);
    const { fields, version } = await keyring.read(client, secretName).catch(notFoundAs(secretName));
    return answer({ secretName, fields, version });
  });

  server.registerTool('writeSecret', {
    description: 'Create or replace one of your secrets (scope write).',
    inputSchema: { secretName: name, fields: z.record(z.string(), z.string()) },
    outputSchema: { secretName: z.string(), version: z.number() }
  }, async ({ secretName, fields }, extra) => {
    const client = callerWith('write', extra);
    const { version } = await keyring.write(client, secretName, fields);
    return answer({ secretName, version });
  });

  server.registerTool('listSecrets', {
    description: 'List the names in one of your folders, the whole keyring by default (scope list).',
    inputSchema: { folder: folder.default('') },
    outputSchema: { folder: z.string(), entries: z.array(z.string()) }
  }, async ({ folder }, extra) => {
    const client = callerWith('list', extra);
    return answer({ folder, entries: await keyring.list(client, folder) });
  });

  server.registerTool('deleteSecret', {
    description: 'Delete one of your secrets with all its versions (scope delete).',
    inputSchema: { secretName: name },
    outputSchema: { secretName: z.string(), deleted: z.boolean() }
  }, async ({ secretName }, extra) => {
    const client = callerWith('delete', extra);
    await keyring.remove(client, secretName).catch(notFoundAs(secretName));
    return answer({ secretName, deleted: true });
  });

  return server;
}

module.exports = { keyringServer };
