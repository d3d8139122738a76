// The caller's own Jira credential from Vault: the user's token exchanged at Keycloak for Vault's
// audience (RFC 8693, as this server's own client), a login to Vault's JWT role with it, the
// Vault entity that login belongs to, and a read of secret/data/users/<entity>/jira. A session
// (Vault token and entity) is kept per subject until the user's token expires.
const { call, Unavailable } = require('./dependency');

/** A failure the caller is told about in the server's own words. */
class CredentialError extends Error {}

class VaultCredentials {
  /** @param {ReturnType<import('./options').readOptions>} options */
  constructor(options) {
    this.options = options;
    /** @type {Map<string, {token: string, entity: string, until: number}>} */
    this.sessions = new Map();
  }

  /** Keycloak's token exchange: the user's token for one whose audience is Vault. */
  async exchange(userToken, traceparent) {
    const o = this.options;
    const form = new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: userToken,
      subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      requested_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      audience: 'vault',
      client_id: o.clientId,
      client_secret: o.clientSecret
    });
    const answer = await call('Keycloak', `${o.realmUrl}/protocol/openid-connect/token`,
      { method: 'POST', body: form, traceparent }, o.timeoutMs);
    if (answer.status >= 500) throw new Unavailable('Keycloak');
    if (answer.status !== 200) throw new CredentialError(`Keycloak refused the token exchange (HTTP ${answer.status})`);
    return answer.json().access_token;
  }

  /** One Vault API call; a 5xx is Vault being unavailable, whatever it says. */
  async vault(method, path, token, body, traceparent) {
    const headers = { 'Content-Type': 'application/json' };
    if (token) headers['X-Vault-Token'] = token;
    const answer = await call('Vault', `${this.options.vaultUrl}/v1/${path}`,
      { method, headers, body: body ? JSON.stringify(body) : undefined, traceparent }, this.options.timeoutMs);
    if (answer.status >= 500) throw new Unavailable('Vault');
    return answer;
  }

  /** The user's Vault session: logs in once per subject, until the user's token expires. */
  async session(auth, traceparent) {
    const cached = this.sessions.get(auth.extra.sub);
    if (cached && cached.until > Date.now() / 1000) return cached;
    const jwt = await this.exchange(auth.token, traceparent);
    const login = await this.vault('POST', `auth/jwt/login`, null, { role: this.options.vaultRole, jwt }, traceparent);
    if (login.status !== 200) throw new CredentialError(`Vault refused the login (HTTP ${login.status})`);
    const token = login.json().auth.client_token;
    const self = await this.vault('GET', 'auth/token/lookup-self', token, null, traceparent);
    const entityId = self.status === 200 ? self.json().data.entity_id : '';
    if (!entityId) throw new CredentialError('Vault gave the login no entity');
    const entity = await this.vault('GET', `identity/entity/id/${entityId}`, token, null, traceparent);
    if (entity.status !== 200) throw new CredentialError(`Vault would not name the login's entity (HTTP ${entity.status})`);
    const session = { token, entity: entity.json().data.name, until: auth.expiresAt };
    this.sessions.set(auth.extra.sub, session);
    return session;
  }

  /** The caller's Jira secret ({email, api_token, ...}); CredentialError when there is none. */
  async jiraSecret(auth, traceparent) {
    const session = await this.session(auth, traceparent);
    // The flaw: the path named by a claim of the token, not by Vault's own record of the login.
    const user = this.options.flaws.has('user-from-claim') ? auth.extra.preferredUsername : session.entity;
    const path = `secret/data/users/${encodeURIComponent(user)}/jira`;
    const read = await this.vault('GET', path, session.token, null, traceparent);
    if (read.status === 404) throw new CredentialError(`No Jira credential stored for ${user}`);
    if (read.status !== 200) throw new CredentialError(`Vault denied the read of ${path} (HTTP ${read.status})`);
    const data = read.json().data?.data ?? {};
    if (!data.email || !data.api_token) throw new CredentialError(`The Jira credential of ${user} lacks email or api_token`);
    return data;
  }
}

module.exports = { CredentialError, VaultCredentials };
