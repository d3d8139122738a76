// The real Vault for the `real` tier of mcp-harness: Vault's own command-line entry point, built
// from the Go module proxy at the version go.mod pins (real/versions.env names the same one).
package main

import (
	"os"

	"github.com/hashicorp/vault/command"
)

func main() {
	os.Exit(command.Run(os.Args[1:]))
}
