'use strict';
// The caller's own backend credential from Vault. Cognito has no token exchange: the server logs
// in to Vault's JWT role with the caller's own access token (the role binds token_use and the app
// client), asks Vault which entity that login is, reads secret/data/users/<entity>/<backend> with
// the login's own Vault token (Vault's policy decides whose secret it is) and revokes the login.

// A failure the caller is told about, in the server's own words.
class ToolFailure extends Error {}

class VaultCredentials {
  constructor({ vaultUrl, vaultRole, timeoutMs }) {
    this.vaultUrl = vaultUrl;
    this.role = vaultRole;
    this.timeoutMs = timeoutMs;
  }

  async request(method, path, headers, body) {
    let response;
    try {
      response = await fetch(`${this.vaultUrl}/v1/${path}`, {
        method,
        headers: body ? { ...headers, 'Content-Type': 'application/json' } : headers,
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch {
      throw new ToolFailure('credential store unreachable');
    }
    if (response.status >= 500) throw new ToolFailure('credential store unreachable');
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : {} };
  }

  // { owner: the Vault entity's name, secret: its fields for `backend` }
  async credentialFor(accessToken, backend, trace) {
    const login = await this.request('POST', 'auth/jwt/login', trace, { role: this.role, jwt: accessToken });
    if (login.status !== 200) throw new ToolFailure(`credential store refused the sign-in (HTTP ${login.status})`);
    const session = { ...trace, 'X-Vault-Token': login.json.auth.client_token };
    try {
      const self = await this.request('GET', 'auth/token/lookup-self', session);
      const entityId = self.json.data?.entity_id;
      if (!entityId) throw new ToolFailure('credential store gave the sign-in no identity');
      const entity = await this.request('GET', `identity/entity/id/${entityId}`, session);
      if (entity.status !== 200) throw new ToolFailure(`credential store would not name the identity (HTTP ${entity.status})`);
      const owner = entity.json.data.name;
      const read = await this.request('GET', `secret/data/users/${encodeURIComponent(owner)}/${backend}`, session);
      if (read.status === 404) throw new ToolFailure(`${backend}: no credential on file for ${owner}`);
      if (read.status !== 200) throw new ToolFailure(`${backend}: credential of ${owner} not readable (HTTP ${read.status})`);
      return { owner, secret: read.json.data?.data ?? {} };
    } finally {
      await this.request('POST', 'auth/token/revoke-self', session).catch(() => {});
    }
  }
}

module.exports = { VaultCredentials, ToolFailure };
