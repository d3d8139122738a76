// hangar's tools: each acts on one kind of resource with one action, the cell of the access
// policy that decides it. A result is structured content (its outputSchema), with an audit
// block naming the workload it was done for; a refusal is a tool error.
const z = require('zod/v4');
const { McpServer } = require('@modelcontextprotocol/sdk/server/mcp.js');
const { NoDecision } = require('./access');

const audit = z.object({ actor: z.string(), clearance: z.string().optional() });

/** name → the policy cell it is decided by, its arguments, and what it does. */
const TOOLS = {
  searchTickets: {
    kind: 'tickets', action: 'view', description: 'Search the support tickets.',
    input: { query: z.string() }, output: { matches: z.array(z.string()) },
    run: ({ query }) => ({ summary: `0 tickets match "${query}"`, data: { matches: [] } })
  },
  openTicket: {
    kind: 'tickets', action: 'modify', description: 'Open a support ticket.',
    input: { title: z.string(), details: z.string().optional() }, output: { ticketId: z.string() },
    run: ({ title }) => ({ summary: `opened HGR-1: ${title}`, data: { ticketId: 'HGR-1' } })
  },
  getBlob: {
    kind: 'blobs', action: 'view', description: 'Read a blob of the artifact store.',
    input: { key: z.string() }, output: { key: z.string(), body: z.string() },
    run: ({ key }) => ({ summary: `blob ${key}`, data: { key, body: `contents of ${key}` } })
  },
  putBlob: {
    kind: 'blobs', action: 'modify', description: 'Write a blob of the artifact store.',
    input: { key: z.string(), data: z.string() }, output: { key: z.string(), size: z.number() },
    run: ({ key, data }) => ({ summary: `stored ${key}`, data: { key, size: Buffer.byteLength(data) } })
  },
  deleteBlob: {
    kind: 'blobs', action: 'remove', description: 'Delete a blob of the artifact store.',
    input: { key: z.string() }, output: { key: z.string(), deleted: z.boolean() },
    run: ({ key }) => ({ summary: `deleted ${key}`, data: { key, deleted: true } })
  },
  listDeployments: {
    kind: 'deployments', action: 'view', description: "List a service's deployments.",
    input: { service: z.string() }, output: { service: z.string(), versions: z.array(z.string()) },
    run: ({ service }) => ({ summary: `${service}: 1.4.2`, data: { service, versions: ['1.4.2'] } })
  },
  rollOut: {
    kind: 'deployments', action: 'modify', description: 'Roll out a version of a service.',
    input: { service: z.string(), version: z.string() }, output: { service: z.string(), version: z.string() },
    run: ({ service, version }) => ({ summary: `rolling out ${service} ${version}`, data: { service, version } })
  },
  decommission: {
    kind: 'deployments', action: 'remove', description: 'Tear a service down (break-glass: the policy grants it to no clearance by default).',
    input: { service: z.string() }, output: { service: z.string(), removed: z.boolean() },
    run: ({ service }) => ({ summary: `decommissioned ${service}`, data: { service, removed: true } })
  }
};

const refusal = (text) => ({ isError: true, content: [{ type: 'text', text }] });

/**
 * An McpServer with hangar's tools for one request: `workload` is the caller
 * ({spiffeId, clearance}), `decide` asks the policy (access.js).
 */
function hangarServer(workload, decide) {
  const server = new McpServer({ name: 'hangar', version: '1.0.0' });
  for (const [name, tool] of Object.entries(TOOLS)) {
    server.registerTool(name, {
      description: tool.description,
      inputSchema: tool.input,
      outputSchema: { ...tool.output, audit }
    }, async (args) => {
      const input = {
        subject: { spiffe: workload.spiffeId, ...(workload.clearance ? { clearance: workload.clearance } : {}) },
        action: tool.action,
        resource: { kind: tool.kind, tool: name }
      };
      let allowed;
      try {
        allowed = await decide(input);
      } catch (error) {
        if (error instanceof NoDecision) return refusal(`AccessCheckUnavailable: ${error.message}; ${name} was not run`);
        throw error;
      }
      if (!allowed) {
        return refusal(`Forbidden: clearance ${workload.clearance ?? '(none)'} may not ${tool.action} ${tool.kind}`);
      }
      const { summary, data } = tool.run(args);
      return {
        content: [{ type: 'text', text: summary }],
        structuredContent: { ...data, audit: { actor: workload.spiffeId, clearance: workload.clearance } }
      };
    });
  }
  return server;
}

module.exports = { TOOLS, hangarServer };
