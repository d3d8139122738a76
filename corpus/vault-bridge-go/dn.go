package main

import (
	"errors"
	"strings"
)

var errNoSingleCN = errors.New("the certificate subject must have exactly one CN")

// commonName returns the value of the one CN attribute of an RFC 4514 distinguished name, as
// nginx's $ssl_client_s_dn gives it: backslash escapes undone, RDNs separated by ',' and the
// attributes of a multi-valued RDN by '+'. A DN without a CN, with several, or malformed names
// no one.
func commonName(dn string) (string, error) {
	var cn string
	found := 0
	var attrType, value strings.Builder
	inValue := false
	flush := func() {
		if strings.EqualFold(strings.TrimSpace(attrType.String()), "CN") || strings.TrimSpace(attrType.String()) == "2.5.4.3" {
			found++
			cn = value.String()
		}
		attrType.Reset()
		value.Reset()
		inValue = false
	}
	for i := 0; i < len(dn); i++ {
		c := dn[i]
		switch {
		case c == '\\':
			if !inValue || i+1 >= len(dn) {
				return "", errNoSingleCN
			}
			i++
			value.WriteByte(dn[i])
		case c == '=' && !inValue:
			inValue = true
		case c == ',' || c == '+':
			if !inValue {
				return "", errNoSingleCN
			}
			flush()
		case inValue:
			value.WriteByte(c)
		default:
			attrType.WriteByte(c)
		}
	}
	if !inValue {
		return "", errNoSingleCN
	}
	flush()
	if found != 1 || cn == "" {
		return "", errNoSingleCN
	}
	return cn, nil
}

// commonNameBySplitting is the flawed variant's reading (dn-comma-split): the DN split on
// commas, the first part that starts with CN= taken. An escaped comma inside another
// attribute's value (OU=y\,CN=agent-a) makes a CN of its own.
func commonNameBySplitting(dn string) (string, error) {
	for _, part := range strings.Split(dn, ",") {
		if name, ok := strings.CutPrefix(strings.TrimSpace(part), "CN="); ok && name != "" {
			return name, nil
		}
	}
	return "", errNoSingleCN
}
