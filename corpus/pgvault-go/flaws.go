package main

import (
	"fmt"
	"strings"
)

// flaws are the deliberate defects of the flawed variants, each switched on by --flaw NAME.
type flaws struct {
	claimCacheKey  bool // roles cached under the claims' Username field, which Keycloak's tokens leave empty
	staleRoleKept  bool // a role PostgreSQL refuses is reported, and its lease kept until the lease's own end
	noSessionReset bool // a pooled connection goes back to its pool without DISCARD ALL
}

var flawNames = []string{"claim-cache-key", "stale-role-kept", "no-session-reset"}

type flawList struct{ f *flaws }

func (l flawList) String() string { return "" }

func (l flawList) Set(name string) error {
	switch name {
	case "claim-cache-key":
		l.f.claimCacheKey = true
	case "stale-role-kept":
		l.f.staleRoleKept = true
	case "no-session-reset":
		l.f.noSessionReset = true
	default:
		return fmt.Errorf("unknown flaw %q (%s)", name, strings.Join(flawNames, ", "))
	}
	return nil
}
