// Calls to the server's dependencies (Keycloak, Vault, Jira) with its own deadline, the MCP
// request's traceparent sent on, and a failure that names the dependency and never its secrets.

/** A dependency that did not answer (down, or slower than the deadline). */
class Unavailable extends Error {
  constructor(name) {
    super(`${name} is unavailable`);
  }
}

/**
 * fetch with a deadline; throws Unavailable(name) when the dependency cannot be reached in time.
 * @param {string} name  the dependency's name, for the error
 * @param {string} url
 * @param {RequestInit & {traceparent?: string}} init
 * @param {number} timeoutMs
 */
async function call(name, url, init, timeoutMs) {
  const headers = new Headers(init.headers);
  if (init.traceparent) headers.set('traceparent', init.traceparent);
  try {
    const response = await fetch(url, { ...init, headers, signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    return { status: response.status, text, json: () => JSON.parse(text) };
  } catch {
    throw new Unavailable(name);
  }
}

module.exports = { Unavailable, call };
