// sqlgate (pgvault-go): an MCP server through which users query PostgreSQL, each as a role
// Vault's database secrets engine made for them alone. See README.md.
package main

import (
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

const endpointPath = "/mcp/v1"

func main() {
	var f flaws
	port := flag.Int("port", 8080, "port to listen on (127.0.0.1)")
	publicURL := flag.String("public-url", "", "the URL clients reach the MCP endpoint at (default http://127.0.0.1:PORT/mcp/v1)")
	issuer := flag.String("issuer", "", "the realm as it names itself in its tokens' iss")
	realmURL := flag.String("realm-url", "", "the realm as this server reaches it (JWKS, token exchange)")
	audience := flag.String("audience", "postgres-mcp", "the aud a token for this server carries")
	clientID := flag.String("client-id", "postgres-mcp", "this server's own client of the realm, for the token exchange")
	vaultRole := flag.String("vault-role", "user", "Vault's JWT auth role")
	dbMount := flag.String("database-mount", "database", "Vault's database secrets engine mount")
	timeout := flag.Duration("timeout", 3*time.Second, "how long Vault, the realm and a statement may take")
	flag.Var(flawList{&f}, "flaw", "a deliberate defect ("+strings.Join(flawNames, ", ")+")")
	flag.Parse()

	vaultAddr, clientSecret := os.Getenv("VAULT_ADDR"), os.Getenv("SQLGATE_CLIENT_SECRET")
	databaseURL := os.Getenv("DATABASE_URL")
	if *issuer == "" || *realmURL == "" || vaultAddr == "" || clientSecret == "" || databaseURL == "" {
		log.Fatal("--issuer, --realm-url, VAULT_ADDR, SQLGATE_CLIENT_SECRET and DATABASE_URL must be set")
	}
	if *publicURL == "" {
		*publicURL = "http://127.0.0.1:" + strconv.Itoa(*port) + endpointPath
	}
	client := &http.Client{Timeout: *timeout}
	realm := strings.TrimRight(*realmURL, "/")
	vault := &vaultRoles{realmURL: realm, clientID: *clientID, clientSecret: clientSecret,
		vaultURL: strings.TrimRight(vaultAddr, "/"), jwtRole: *vaultRole, dbMount: *dbMount, http: client}
	roles := newRoleStore(vault.credentials,
		openRolePool(databaseURL, *timeout, &f), &f)

	origin := strings.TrimSuffix(*publicURL, endpointPath)
	metadataPath := "/.well-known/oauth-protected-resource" + endpointPath
	bearer := auth.RequireBearerToken(tokenVerifier(newRealmKeys(realm, client), *issuer, *audience),
		&auth.RequireBearerTokenOptions{ResourceMetadataURL: origin + metadataPath})
	mcpHandler := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return newSQLServer(roles) },
		&mcp.StreamableHTTPOptions{Stateless: true, JSONResponse: true})

	mux := http.NewServeMux()
	mux.Handle(endpointPath, bearer(mcpHandler))
	mux.Handle(metadataPath, auth.ProtectedResourceMetadataHandler(&oauthex.ProtectedResourceMetadata{
		Resource:               *publicURL,
		AuthorizationServers:   []string{*issuer},
		BearerMethodsSupported: []string{"header"},
		ResourceName:           "sqlgate",
	}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })

	listener, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(*port))
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("sqlgate serving %s", *publicURL)
	server := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(server.Serve(listener))
}
