# hangar's access policy: may a workload of this clearance perform this action on this kind of
# resource? hangar asks data.hangar.access.allow for every tool call with the input
#   {"subject": {"spiffe": "spiffe://…", "clearance": "privileged" | "standard" | "restricted"},
#    "action": "view" | "modify" | "remove",
#    "resource": {"kind": "tickets" | "blobs" | "deployments", "tool": "getBlob"}}
# The clearance is the one hangar's registry (tiers.json) gives the verified SPIFFE ID; a
# workload the registry does not list comes without one. Whatever is not granted is denied.
package hangar.access

default allow := false

grants := {
	"privileged": {
		"tickets": {"view", "modify"},
		"blobs": {"view", "modify", "remove"},
		"deployments": {"view", "modify"},
	},
	"standard": {
		"tickets": {"view", "modify"},
		"blobs": {"view"},
		"deployments": {"view"},
	},
	"restricted": {"tickets": {"view"}},
}

allow if input.action in grants[input.subject.clearance][input.resource.kind]
