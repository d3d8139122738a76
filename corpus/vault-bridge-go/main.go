// vault-bridge-go: an MCP server through which agents reach their own secrets in Vault. An agent
// authenticates with an API key, an HS256 JWT, or a client certificate that nginx in front of
// the server verifies and names in its headers. See README.md.
package main

import (
	"encoding/json"
	"flag"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/modelcontextprotocol/go-sdk/oauthex"
)

const endpointPath = "/v1/mcp"

func writeJSONError(w http.ResponseWriter, status int, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": http.StatusText(status), "message": message})
}

func readSecretFile(path string) []byte {
	data, err := os.ReadFile(path)
	if err != nil {
		log.Fatalf("reading %s: %v", path, err)
	}
	return []byte(strings.TrimSpace(string(data)))
}

func main() {
	var f flaws
	port := flag.Int("port", 8080, "port to listen on (127.0.0.1)")
	publicURL := flag.String("public-url", "", "the URL clients reach the MCP endpoint at (default http://127.0.0.1:PORT/v1/mcp)")
	keysFile := flag.String("api-keys-file", "", "JSON file {agent: api key}; its agents are the ones the bridge knows")
	secretFile := flag.String("jwt-secret-file", "", "file holding the HS256 secret of the agents' JWTs")
	issuer := flag.String("jwt-issuer", "", "the iss the agents' JWTs must carry")
	audience := flag.String("jwt-audience", "vault-bridge", "the aud the agents' JWTs must carry")
	trustedProxy := flag.String("trusted-proxy", "", "the address nginx connects from; certificate headers from it only")
	mount := flag.String("kv-mount", "secret", "Vault's KV v2 mount")
	flag.Var(flawList{&f}, "flaw", "a deliberate defect (dn-comma-split, header-fallback, aud-unchecked)")
	flag.Parse()

	keys := map[string]string{}
	if err := json.Unmarshal(readSecretFile(*keysFile), &keys); err != nil || len(keys) == 0 {
		log.Fatalf("%s: expected a JSON object of agent names to API keys", *keysFile)
	}
	vaultAddr, vaultToken := os.Getenv("VAULT_ADDR"), os.Getenv("VAULT_TOKEN")
	if vaultAddr == "" || vaultToken == "" {
		log.Fatal("VAULT_ADDR and VAULT_TOKEN must be set")
	}
	if *publicURL == "" {
		*publicURL = "http://127.0.0.1:" + strconv.Itoa(*port) + endpointPath
	}
	authn := &authenticator{apiKeys: keys, jwtSecret: readSecretFile(*secretFile), jwtIssuer: *issuer,
		jwtAudience: *audience, trustedProxy: *trustedProxy, flaws: &f}
	kv := newVaultKV(strings.TrimRight(vaultAddr, "/"), vaultToken, *mount)

	origin := strings.TrimSuffix(*publicURL, endpointPath)
	metadataPath := "/.well-known/oauth-protected-resource" + endpointPath
	mcpHandler := mcp.NewStreamableHTTPHandler(func(r *http.Request) *mcp.Server {
		return newBridgeServer(kv, agentFrom(r.Context()))
	}, &mcp.StreamableHTTPOptions{Stateless: true, JSONResponse: true})

	mux := http.NewServeMux()
	mux.Handle(endpointPath, authn.requireAgent(origin+metadataPath, mcpHandler))
	mux.Handle(metadataPath, auth.ProtectedResourceMetadataHandler(&oauthex.ProtectedResourceMetadata{
		Resource:               *publicURL,
		BearerMethodsSupported: []string{"header"},
		ResourceName:           "vault-bridge-go",
	}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })

	listener, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(*port))
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("vault-bridge-go serving %s", *publicURL)
	server := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(server.Serve(listener))
}
