// Each client's secrets in Vault KV v2 at secret/{data,metadata}/keyring/clients/<client>/<name>,
// every call made with a child token of the client's own policy, minted for that one call.
class SecretNotFound extends Error {}
class VaultError extends Error {}

const MOUNT = 'secret';
const FOLDER = 'keyring/clients';

function vaultKeyring({ vaultAddr, vaultToken, vaultPolicy, fetchImpl = fetch }) {
  const vault = async (method, path, token, body) => {
    const response = await fetchImpl(`${vaultAddr}/v1/${path}`, {
      method,
      headers: { 'X-Vault-Token': token, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(5000)
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : {} };
  };

  const childToken = async (client) => {
    const answer = await vault('POST', 'auth/token/create', vaultToken, {
      policies: [vaultPolicy.replace('{client}', client)],
      no_default_policy: true,
      ttl: '30s',
      num_uses: 1,
      display_name: `keyring-${client}`
    });
    if (answer.status !== 200) throw new VaultError(`Vault refused a token for ${client}: HTTP ${answer.status}`);
    return answer.json.auth.client_token;
  };

  // The name's segments are encoded one by one; the URL itself resolves any "." or ".." among them.
  const location = (area, client, name) =>
    [MOUNT, area, ...FOLDER.split('/'), client, ...name.split('/').filter(Boolean)].map(encodeURIComponent).join('/');

  const call = async (client, method, area, name, body) => {
    const answer = await vault(method, location(area, client, name), await childToken(client), body);
    if (answer.status === 404) throw new SecretNotFound(name);
    if (answer.status >= 300) {
      const errors = (answer.json.errors || []).map((text) => text.replace(/\s+/g, ' ').trim());
      throw new VaultError(`Vault answered HTTP ${answer.status}: ${errors.join('; ')}`);
    }
    return answer.json;
  };

  return {
    async read(client, name) {
      const { data } = await call(client, 'GET', 'data', name);
      return { fields: data.data, version: data.metadata.version };
    },
    async write(client, name, fields) {
      const { data } = await call(client, 'POST', 'data', name, { data: fields });
      return { version: data.version };
    },
    async list(client, folder) {
      try {
        return (await call(client, 'LIST', 'metadata', folder)).data.keys;
      } catch (error) {
        if (error instanceof SecretNotFound) return [];
        throw error;
      }
    },
    async remove(client, name) {
      await call(client, 'DELETE', 'metadata', name);
    }
  };
}

module.exports = { vaultKeyring, SecretNotFound, VaultError };
