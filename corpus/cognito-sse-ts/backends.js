'use strict';
// Jira Cloud (REST v3, Basic e-mail:API token) and GitHub (REST, Bearer), called with the
// caller's own credential. A failed call names the status, never the backend's own words.
const { ToolFailure } = require('./vault-credentials');

class Backend {
  constructor(label, baseUrl, timeoutMs, authorization) {
    this.label = label;
    this.baseUrl = baseUrl;
    this.timeoutMs = timeoutMs;
    this.authorization = authorization;
  }

  async get(path, credential, trace) {
    const headers = { ...trace, Accept: 'application/json', Authorization: this.authorization(credential) };
    let response;
    try {
      response = await fetch(this.baseUrl + path, { headers, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch {
      throw new ToolFailure(`${this.label} unreachable`);
    }
    if (response.status >= 500) throw new ToolFailure(`${this.label} unreachable`);
    if (!response.ok) throw new ToolFailure(`${this.label} API error: HTTP ${response.status}`);
    return response.json();
  }
}

function jiraAuthorization({ owner, secret }) {
  if (!secret.email || !secret.api_token) throw new ToolFailure(`jira: credential of ${owner} lacks email or api_token`);
  return 'Basic ' + Buffer.from(`${secret.email}:${secret.api_token}`).toString('base64');
}

function githubAuthorization({ owner, secret }) {
  if (!secret.token) throw new ToolFailure(`github: credential of ${owner} lacks a token`);
  return `Bearer ${secret.token}`;
}

function backends({ jiraUrl, githubUrl, timeoutMs }) {
  return {
    jira: new Backend('Jira', jiraUrl, timeoutMs, jiraAuthorization),
    github: new Backend('GitHub', githubUrl, timeoutMs, githubAuthorization),
  };
}

module.exports = { backends };
