// The Workload API through go-spiffe, SPIRE's own client library: what an agent written with it
// sees, from mock-spiffe and from the real SPIRE alike. mocks/common/clients/run starts either
// with the workloads agent-a and agent-b registered in the trust domain mcp-identity.local and
// sets SPIFFE_ENDPOINT_SOCKET (the library's own variable), SPIFFE_IMPL (standin or spire) and,
// for the stand-in, MOCK_SPIFFE_URL (its HTTP admin API).
package clients

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/spiffe/go-spiffe/v2/bundle/jwtbundle"
	"github.com/spiffe/go-spiffe/v2/proto/spiffe/workload"
	"github.com/spiffe/go-spiffe/v2/spiffeid"
	"github.com/spiffe/go-spiffe/v2/svid/jwtsvid"
	"github.com/spiffe/go-spiffe/v2/workloadapi"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

const audience = "mcp-keycloak"

var (
	trustDomain = spiffeid.RequireTrustDomainFromString("mcp-identity.local")
	agentA      = spiffeid.RequireFromString("spiffe://mcp-identity.local/agent/agent-a")
	agentB      = spiffeid.RequireFromString("spiffe://mcp-identity.local/agent/agent-b")
)

func client(t *testing.T) (*workloadapi.Client, context.Context) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	c, err := workloadapi.New(ctx) // the address from SPIFFE_ENDPOINT_SOCKET
	if err != nil {
		t.Fatalf("workloadapi.New: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c, ctx
}

func TestAnAgentFetchesItsJwtSvidAndTheLibraryAcceptsIt(t *testing.T) {
	c, ctx := client(t)
	svid, err := c.FetchJWTSVID(ctx, jwtsvid.Params{Audience: audience, Subject: agentA})
	if err != nil {
		t.Fatalf("FetchJWTSVID: %v", err)
	}
	if svid.ID != agentA {
		t.Errorf("the SVID is %v's, not agent-a's", svid.ID)
	}
	if len(svid.Audience) != 1 || svid.Audience[0] != audience {
		t.Errorf("audience %v, want [%s]", svid.Audience, audience)
	}
	// The stand-in's default TTL: five minutes, as SPIRE's default_jwt_svid_ttl.
	if left := time.Until(svid.Expiry); left < 4*time.Minute || left > 5*time.Minute+5*time.Second {
		t.Errorf("the SVID expires in %v, want about 5 minutes", left)
	}

	// Verified by the library against the bundles the same API gives: signature, kid, exp, aud.
	bundles, err := c.FetchJWTBundles(ctx)
	if err != nil {
		t.Fatalf("FetchJWTBundles: %v", err)
	}
	if _, err := bundles.GetJWTBundleForTrustDomain(trustDomain); err != nil {
		t.Fatalf("no bundle for the trust domain: %v", err)
	}
	checked, err := jwtsvid.ParseAndValidate(svid.Marshal(), bundles, []string{audience})
	if err != nil {
		t.Fatalf("go-spiffe refuses the stand-in's SVID: %v", err)
	}
	if checked.ID != agentA {
		t.Errorf("validated as %v", checked.ID)
	}
	if _, err := jwtsvid.ParseAndValidate(svid.Marshal(), bundles, []string{"another-audience"}); err == nil {
		t.Error("the SVID validated for an audience it was not minted for")
	}
}

func TestWithoutASpiffeIdTheCallerGetsEveryRegisteredIdentity(t *testing.T) {
	c, ctx := client(t)
	svids, err := c.FetchJWTSVIDs(ctx, jwtsvid.Params{Audience: audience})
	if err != nil {
		t.Fatalf("FetchJWTSVIDs: %v", err)
	}
	got := map[spiffeid.ID]bool{}
	for _, svid := range svids {
		got[svid.ID] = true
	}
	if len(svids) != 2 || !got[agentA] || !got[agentB] {
		t.Errorf("got SVIDs for %v, want agent-a and agent-b", got)
	}
}

func TestTheApiValidatesAnSvidAndRefusesOneForAnotherAudience(t *testing.T) {
	c, ctx := client(t)
	svid, err := c.FetchJWTSVID(ctx, jwtsvid.Params{Audience: audience, Subject: agentB})
	if err != nil {
		t.Fatalf("FetchJWTSVID: %v", err)
	}
	validated, err := c.ValidateJWTSVID(ctx, svid.Marshal(), audience)
	if err != nil {
		t.Fatalf("ValidateJWTSVID: %v", err)
	}
	if validated.ID != agentB {
		t.Errorf("validated as %v, want agent-b", validated.ID)
	}
	_, err = c.ValidateJWTSVID(ctx, svid.Marshal(), "another-audience")
	if status.Code(err) != codes.InvalidArgument {
		t.Errorf("another audience: %v, want InvalidArgument", err)
	}
	// A token whose signature was tampered with.
	token := svid.Marshal()
	tampered := token[:len(token)-4] + flip(token[len(token)-4:])
	if _, err := c.ValidateJWTSVID(ctx, tampered, audience); status.Code(err) != codes.InvalidArgument {
		t.Errorf("a tampered signature: %v, want InvalidArgument", err)
	}
}

// SPIRE looks the key up by the header's kid before it checks the signature, and refuses a token
// whose header names none (the stand-in once tried every key of its bundle instead). The header
// is rewritten without its kid, so the signature no longer matches either: only the reason tells
// the two checks apart.
func TestTheApiRefusesAnSvidWhoseHeaderHasNoKeyId(t *testing.T) {
	c, ctx := client(t)
	svid, err := c.FetchJWTSVID(ctx, jwtsvid.Params{Audience: audience, Subject: agentA})
	if err != nil {
		t.Fatalf("FetchJWTSVID: %v", err)
	}
	parts := strings.Split(svid.Marshal(), ".")
	decoded, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		t.Fatalf("the SVID's header: %v", err)
	}
	header := map[string]any{}
	if err := json.Unmarshal(decoded, &header); err != nil {
		t.Fatalf("the SVID's header: %v", err)
	}
	if header["kid"] == nil {
		t.Fatalf("the SVID's header names no kid: %s", decoded)
	}
	delete(header, "kid")
	rewritten, _ := json.Marshal(header)
	parts[0] = base64.RawURLEncoding.EncodeToString(rewritten)
	_, err = c.ValidateJWTSVID(ctx, strings.Join(parts, "."), audience)
	if status.Code(err) != codes.InvalidArgument || !strings.Contains(status.Convert(err).Message(), "token header missing key id") {
		t.Errorf("no kid: %v, want InvalidArgument \"token header missing key id\"", err)
	}
}

func flip(tail string) string {
	if strings.HasPrefix(tail, "A") {
		return "B" + tail[1:]
	}
	return "A" + tail[1:]
}

func TestAnIdentityNotRegisteredIsNotIssued(t *testing.T) {
	c, ctx := client(t)
	other := spiffeid.RequireFromString("spiffe://mcp-identity.local/agent/intruder")
	_, err := c.FetchJWTSVID(ctx, jwtsvid.Params{Audience: audience, Subject: other})
	if status.Code(err) != codes.PermissionDenied {
		t.Errorf("an unregistered SPIFFE ID: %v, want PermissionDenied", err)
	}
	// No audience at all, through the raw client: the library sends one empty audience instead,
	// which SPIRE's agent passes on to its server (docs/known-differences.md).
	_, err = rawClient(t).FetchJWTSVID(withHeader(ctx), &workload.JWTSVIDRequest{SpiffeId: agentA.String()})
	if status.Code(err) != codes.InvalidArgument {
		t.Errorf("no audience: %v, want InvalidArgument", err)
	}
}

// The raw gRPC client the library wraps, to send what the library never does.
func rawClient(t *testing.T) workload.SpiffeWorkloadAPIClient {
	t.Helper()
	address := os.Getenv("SPIFFE_ENDPOINT_SOCKET")
	target, err := workloadapi.TargetFromAddress(address)
	if err != nil {
		t.Fatalf("SPIFFE_ENDPOINT_SOCKET %q: %v", address, err)
	}
	conn, err := grpc.NewClient(target, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatalf("grpc.NewClient: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	return workload.NewSpiffeWorkloadAPIClient(conn)
}

func withHeader(ctx context.Context) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "workload.spiffe.io", "true")
}

func TestACallWithoutTheSecurityHeaderIsRefused(t *testing.T) {
	raw := rawClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := raw.FetchJWTSVID(ctx, &workload.JWTSVIDRequest{Audience: []string{audience}})
	if status.Code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), "security header missing") {
		t.Errorf("no security header: %v, want InvalidArgument: security header missing from request", err)
	}
	if _, err := raw.FetchJWTSVID(withHeader(ctx), &workload.JWTSVIDRequest{Audience: []string{audience}}); err != nil {
		t.Errorf("the same call with the header: %v", err)
	}
}

// onlyTheStandIn skips a test of what the stand-in does and SPIRE does not, saying why.
func onlyTheStandIn(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("SPIFFE_IMPL") == "spire" {
		t.Skip("the stand-in's alone: " + why)
	}
}

func TestX509SvidsAreNotServed(t *testing.T) {
	onlyTheStandIn(t, "SPIRE serves X.509-SVIDs, mock-spiffe JWT-SVIDs only")
	c, ctx := client(t)
	if _, err := c.FetchX509SVID(ctx); status.Code(err) != codes.Unimplemented {
		t.Errorf("FetchX509SVID: %v, want Unimplemented", err)
	}
}

// A key prepared through the admin API reaches a client that watches the bundles, before it signs.
func TestAWatchedBundleCarriesAPreparedKey(t *testing.T) {
	onlyTheStandIn(t, "SPIRE prepares its keys on its own schedule, mock-spiffe through its admin API")
	raw := rawClient(t)
	ctx, cancel := context.WithTimeout(withHeader(context.Background()), 15*time.Second)
	defer cancel()
	stream, err := raw.FetchJWTBundles(ctx, &workload.JWTBundlesRequest{})
	if err != nil {
		t.Fatalf("FetchJWTBundles: %v", err)
	}
	keys := func() int {
		t.Helper()
		response, err := stream.Recv()
		if err != nil {
			t.Fatalf("Recv: %v", err)
		}
		bundle, err := jwtbundle.Parse(trustDomain, response.Bundles[trustDomain.IDString()])
		if err != nil {
			t.Fatalf("the bundle for %s does not parse: %v", trustDomain.IDString(), err)
		}
		return len(bundle.JWTAuthorities())
	}
	before := keys()
	answer, err := http.Post(os.Getenv("MOCK_SPIFFE_URL")+"/_keys/prepare", "application/json", nil)
	if err != nil || answer.StatusCode != http.StatusOK {
		t.Fatalf("POST /_keys/prepare: %v %v", answer, err)
	}
	answer.Body.Close()
	if after := keys(); after != before+1 {
		t.Errorf("the next bundle on the stream has %d keys, want %d", after, before+1)
	}
}
