'use strict';
// The tools: each runs as the user whose token came with its own POST (extra.authInfo), with that
// user's own credential. A failure is a tool error in the server's words.
const { z } = require('zod');
const { ToolFailure } = require('./vault-credentials');

function traceOf(extra) {
  const traceparent = extra.requestInfo?.headers?.traceparent;
  return typeof traceparent === 'string' ? { traceparent } : {};
}

function answer(structured) {
  return { content: [{ type: 'text', text: JSON.stringify(structured) }], structuredContent: structured };
}

function failure(message) {
  return { content: [{ type: 'text', text: message }], isError: true };
}

function registerTools(server, credentials, backends) {
  async function asCaller(extra, backendName, path) {
    const token = extra.authInfo?.token;
    if (!token) throw new ToolFailure('not signed in');
    const trace = traceOf(extra);
    const credential = await credentials.credentialFor(token, backendName, trace);
    return backends[backendName].get(path, credential, trace);
  }

  function tool(name, config, run) {
    server.registerTool(name, config, async (args, extra) => {
      try {
        return answer(await run(args, extra));
      } catch (error) {
        if (error instanceof ToolFailure) return failure(error.message);
        throw error;
      }
    });
  }

  tool('jiraGetIssue', {
    description: 'One of your Jira issues, by key.',
    inputSchema: { key: z.string().regex(/^[A-Z][A-Z0-9]+-\d+$/) },
    outputSchema: { issue: z.any() },
  }, async ({ key }, extra) => ({ issue: await asCaller(extra, 'jira', `/rest/api/3/issue/${encodeURIComponent(key)}`) }));

  tool('jiraSearch', {
    description: 'Your Jira issues matching a JQL query.',
    inputSchema: { jql: z.string().default('order by created DESC') },
    outputSchema: { issues: z.array(z.any()), total: z.number().optional() },
  }, async ({ jql }, extra) => {
    const found = await asCaller(extra, 'jira', `/rest/api/3/search?jql=${encodeURIComponent(jql)}`);
    return { issues: found.issues ?? [], total: found.total };
  });

  tool('githubListRepos', {
    description: 'Your GitHub repositories.',
    inputSchema: {},
    outputSchema: { repositories: z.any() },
  }, async (_args, extra) => ({ repositories: await asCaller(extra, 'github', '/user/repos') }));
}

module.exports = { registerTools };
