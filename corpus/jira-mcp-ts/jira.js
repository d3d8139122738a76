// Jira Cloud's REST API v3 with the caller's own credential (Basic e-mail:API token, as Jira
// Cloud takes it). A failed call names its status; only the flawed variant passes Jira's own
// error body on to the caller.
const { call } = require('./dependency');

class JiraError extends Error {}

class Jira {
  /** @param {ReturnType<import('./options').readOptions>} options */
  constructor(options) {
    this.options = options;
  }

  /** GET `path` as the owner of `secret`; the parsed JSON answer. */
  async get(path, secret, traceparent) {
    const basic = Buffer.from(`${secret.email}:${secret.api_token}`).toString('base64');
    const answer = await call('Jira', `${this.options.jiraUrl}${path}`,
      { headers: { Authorization: `Basic ${basic}`, Accept: 'application/json' }, traceparent },
      this.options.timeoutMs);
    if (answer.status < 200 || answer.status >= 300) {
      if (this.options.flaws.has('raw-backend-errors')) {
        throw new JiraError(`Jira request failed with HTTP ${answer.status}: ${answer.text}`);
      }
      throw new JiraError(`Jira request failed with HTTP ${answer.status}`);
    }
    return answer.json();
  }
}

module.exports = { JiraError, Jira };
