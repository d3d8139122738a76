# The reference trust-tier policy of the workload-identity design: may this agent perform this
# operation with this tool? Queried for every tool call at data.mcp.authz.decision with an input
# the server builds from verified facts only:
#   {"spiffe_id": "spiffe://mcp-identity.local/agent/...",  from the verified JWT-SVID or token
#    "operation": "read" | "list" | "write" | "execute" | "admin",
#    "tool": "filesystem" | "database" | "api" | "shell" | "network",
#    "verified": true}                                       the server verified that identity
# The agent's tier comes from its SPIFFE ID alone, through the mapping this bundle owns
# (data.mcp.agents, agents.json); a tier anywhere in the input is never read. An input not
# marked verified gets nothing, so a server path that asks before verifying is refused. Whatever
# is not granted below is denied, an unknown agent, operation or tool included.
package mcp.authz

default allow := false

tier := data.mcp.agents[input.spiffe_id]

all_tools := {"filesystem", "database", "api", "shell", "network"}

# tier → operation → the tools it may use for it. docs/trust-tiers.md has the same table, held to
# this one by policies/check.
grants := {
	"trusted": {
		"read": all_tools,
		"list": all_tools,
		"write": {"filesystem", "database", "api"},
		"execute": {"shell", "network"},
		"admin": set(),
	},
	"semi-trusted": {
		"read": {"filesystem", "database", "api"},
		"list": {"filesystem", "database", "api"},
		"write": {"api"},
		"execute": set(),
		"admin": set(),
	},
	"untrusted": {
		"read": {"api"},
		"list": {"api"},
		"write": set(),
		"execute": set(),
		"admin": set(),
	},
}

allow if {
	verified
	input.tool in grants[tier][input.operation]
}

verified if input.verified == true

has_spiffe_id if is_string(input.spiffe_id)

known_agent if tier

# Why, for the server's log and the caller's error.
reason := "allowed" if {
	allow
} else := "no SPIFFE ID in the input" if {
	not has_spiffe_id
} else := "the identity in the input is not marked verified" if {
	not verified
} else := sprintf("%s is not a known agent", [input.spiffe_id]) if {
	not known_agent
} else := sprintf("a %s agent may not %s with %s", [tier, input.operation, input.tool])

decision := {"allow": allow, "reason": reason}
