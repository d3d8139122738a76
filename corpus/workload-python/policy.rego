# agentgate's authorization policy: may a workload of this tier use this class of tool for this
# verb? agentgate asks data.agentgate.authz.verdict for every tool call with the input
#   {"workload": {"spiffe_id": "spiffe://…", "tier": "core" | "edge" | "sandbox"},
#    "tool": {"name": "read_document", "class": "documents" | "records" | "http" | "process",
#             "verb": "read" | "write" | "run"}}
# The tier is the one agentgate's registry (workloads.json) gives the verified SPIFFE ID.
# Whatever is not granted below is refused, an unknown tier, class or verb included.
package agentgate.authz

import rego.v1

grants := {
	"core": {
		"documents": {"read", "write"},
		"records": {"read", "write"},
		"http": {"read"},
		"process": {"run"},
	},
	"edge": {
		"documents": {"read"},
		"records": {"read"},
		"http": {"read"},
	},
	"sandbox": {"http": {"read"}},
}

permit if input.tool.verb in grants[input.workload.tier][input.tool.class]

reasons contains "the workload has no tier" if not is_string(input.workload.tier)

reasons contains sprintf("tier %s may not %s %s", [input.workload.tier, input.tool.verb, input.tool.class]) if {
	is_string(input.workload.tier)
	not permit
}

verdict := {"permit": true, "reasons": []} if permit

verdict := {"permit": false, "reasons": reasons} if not permit
