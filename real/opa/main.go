// The real OPA for the `real` tier of mcp-harness: OPA's own command-line entry point, built from
// the Go module proxy at the version go.mod pins (real/versions.env names the same one).
package main

import (
	"fmt"
	"os"

	"github.com/open-policy-agent/opa/cmd"
)

func main() {
	if err := cmd.RootCommand.Execute(); err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
}
