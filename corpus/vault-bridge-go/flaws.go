package main

import (
	"fmt"
	"strings"
)

// flaws are the deliberate defects of the flawed variant, each switched on by --flaw NAME.
type flaws struct {
	dnCommaSplit   bool // the certificate's DN split on commas, escapes ignored
	headerFallback bool // a refused API key or JWT falls back to the certificate headers, unchecked
	audUnchecked   bool // JWTs parsed without jwt.WithAudience
}

type flawList struct{ f *flaws }

func (l flawList) String() string { return "" }

func (l flawList) Set(name string) error {
	switch name {
	case "dn-comma-split":
		l.f.dnCommaSplit = true
	case "header-fallback":
		l.f.headerFallback = true
	case "aud-unchecked":
		l.f.audUnchecked = true
	default:
		return fmt.Errorf("unknown flaw %q (%s)", name, strings.Join([]string{"dn-comma-split", "header-fallback", "aud-unchecked"}, ", "))
	}
	return nil
}
