package mcp.authz_test

import data.mcp.authz

trusted := "spiffe://mcp-identity.local/agent/trusted-agent"

semi := "spiffe://mcp-identity.local/agent/semi-trusted-agent"

untrusted := "spiffe://mcp-identity.local/agent/untrusted-agent"

test_trusted_writes_the_database if {
	authz.allow with input as {"spiffe_id": trusted, "operation": "write", "tool": "database", "verified": true}
}

test_trusted_runs_a_shell if {
	authz.allow with input as {"spiffe_id": trusted, "operation": "execute", "tool": "shell", "verified": true}
}

test_nobody_administers if {
	every id in [trusted, semi, untrusted] {
		every tool in authz.all_tools {
			not authz.allow with input as {"spiffe_id": id, "operation": "admin", "tool": tool, "verified": true}
		}
	}
}

test_semi_trusted_reads_but_never_executes if {
	authz.allow with input as {"spiffe_id": semi, "operation": "read", "tool": "database", "verified": true}
	not authz.allow with input as {"spiffe_id": semi, "operation": "execute", "tool": "shell", "verified": true}
}

test_untrusted_only_reads_the_api if {
	authz.allow with input as {"spiffe_id": untrusted, "operation": "read", "tool": "api", "verified": true}
	not authz.allow with input as {"spiffe_id": untrusted, "operation": "read", "tool": "filesystem", "verified": true}
	not authz.allow with input as {"spiffe_id": untrusted, "operation": "write", "tool": "api", "verified": true}
}

# An untrusted agent that says it is trusted stays untrusted: the tier is never read from input.
test_a_tier_in_the_input_is_ignored if {
	not authz.allow with input as {"spiffe_id": untrusted, "tier": "trusted", "trust_tier": "trusted", "operation": "execute", "tool": "shell", "verified": true}
	authz.tier == "untrusted" with input as {"spiffe_id": untrusted, "tier": "trusted"}
}

test_an_unknown_or_foreign_agent_is_denied if {
	not authz.allow with input as {"spiffe_id": "spiffe://mcp-identity.local/agent/stranger", "operation": "read", "tool": "api", "verified": true}
	not authz.allow with input as {"spiffe_id": "spiffe://elsewhere.example/agent/trusted-agent", "operation": "read", "tool": "api", "verified": true}
	authz.decision.reason == "spiffe://mcp-identity.local/agent/stranger is not a known agent" with input as {"spiffe_id": "spiffe://mcp-identity.local/agent/stranger", "operation": "read", "tool": "api", "verified": true}
}

test_no_spiffe_id_is_denied_with_its_reason if {
	authz.decision == {"allow": false, "reason": "no SPIFFE ID in the input"} with input as {"operation": "read", "tool": "api"}
}

test_an_unknown_operation_or_tool_is_denied if {
	not authz.allow with input as {"spiffe_id": trusted, "operation": "delete", "tool": "api", "verified": true}
	not authz.allow with input as {"spiffe_id": trusted, "operation": "read", "tool": "printer", "verified": true}
}

test_a_denial_says_who_may_not_do_what if {
	authz.decision.reason == "a semi-trusted agent may not write with database" with input as {"spiffe_id": semi, "operation": "write", "tool": "database", "verified": true}
}

# Only an identity the server verified has a tier's grants: marked unverified, or not marked.
test_an_identity_not_marked_verified_gets_nothing if {
	authz.allow with input as {"spiffe_id": trusted, "operation": "read", "tool": "api", "verified": true}
	not authz.allow with input as {"spiffe_id": trusted, "operation": "read", "tool": "api", "verified": false}
	not authz.allow with input as {"spiffe_id": trusted, "operation": "read", "tool": "api", "verified": "true"}
	not authz.allow with input as {"spiffe_id": trusted, "operation": "read", "tool": "api"}
	authz.decision.reason == "the identity in the input is not marked verified" with input as {"spiffe_id": trusted, "operation": "read", "tool": "api", "verified": false}
}
