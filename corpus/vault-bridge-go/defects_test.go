package main

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The server's own tests, without the harness: each defect of the flawed variant, and the correct
// variant free of it. The DNs are as nginx's $ssl_client_s_dn gives them (RFC 4514, the
// certificate's last RDN first).

func TestAnEscapedCommaInAnOUIsNoCN(t *testing.T) {
	const dn = `OU=y\,CN=agent-a,CN=x` // a certificate whose CN is x and whose OU is "y,CN=agent-a"
	if cn, err := commonName(dn); err != nil || cn != "x" {
		t.Errorf("commonName(%q) = %q, %v; want x", dn, cn, err)
	}
	if cn, _ := commonNameBySplitting(dn); cn != "agent-a" {
		t.Errorf("dn-comma-split: commonNameBySplitting(%q) = %q; the defect is that it is agent-a", dn, cn)
	}
}

func TestSeveralCNsNameNoOne(t *testing.T) {
	for _, dn := range []string{"CN=agent-b,CN=agent-a", "CN=agent-b+CN=agent-a", "OU=agents", ""} {
		if cn, err := commonName(dn); err == nil {
			t.Errorf("commonName(%q) = %q; want no agent", dn, cn)
		}
	}
	if cn, _ := commonNameBySplitting("CN=agent-b,CN=agent-a"); cn != "agent-b" {
		t.Errorf("dn-comma-split takes the first of two CNs, got %q", cn)
	}
}

func testAuthenticator(f flaws) *authenticator {
	return &authenticator{apiKeys: map[string]string{"agent-a": "key-a", "agent-b": "key-b"},
		jwtSecret: []byte("a-test-secret-of-enough-length-000"), jwtIssuer: "vault-bridge-agents",
		jwtAudience: "vault-bridge", trustedProxy: "127.0.0.2", flaws: &f}
}

func TestARefusedKeyDoesNotFallBackToTheHeaders(t *testing.T) {
	request := httptest.NewRequest("POST", endpointPath, nil) // from 192.0.2.1, not the proxy
	request.Header.Set(apiKeyHeader, "not-a-key")
	request.Header.Set(certDNHeader, "CN=agent-a")
	request.Header.Set(certVerifyHeader, "SUCCESS")
	if agent, err := testAuthenticator(flaws{}).identify(request); err == nil {
		t.Errorf("correct: identified %q", agent)
	}
	if agent, _ := testAuthenticator(flaws{headerFallback: true}).identify(request); agent != "agent-a" {
		t.Errorf("header-fallback: the defect is that the request is agent-a's, got %q", agent)
	}
}

func TestHeadersAloneCountOnlyFromTheProxy(t *testing.T) {
	request := httptest.NewRequest("POST", endpointPath, nil)
	request.Header.Set(certDNHeader, "CN=agent-a")
	request.Header.Set(certVerifyHeader, "SUCCESS")
	for _, f := range []flaws{{}, {headerFallback: true}} {
		if agent, err := testAuthenticator(f).identify(request); err == nil {
			t.Errorf("%+v: headers straight to the server identified %q", f, agent)
		}
	}
	request.RemoteAddr = "127.0.0.2:40000"
	if agent, err := testAuthenticator(flaws{}).identify(request); err != nil || agent != "agent-a" {
		t.Errorf("from the proxy: %q, %v; want agent-a", agent, err)
	}
}

func TestATokenForAnotherAudience(t *testing.T) {
	a := testAuthenticator(flaws{})
	token, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"iss": a.jwtIssuer, "sub": "agent-a",
		"aud": "another-service", "exp": time.Now().Add(time.Minute).Unix()}).SignedString(a.jwtSecret)
	if err != nil {
		t.Fatal(err)
	}
	if agent, err := a.byJWT(token); err == nil {
		t.Errorf("correct: a token for another audience identified %q", agent)
	}
	if agent, _ := testAuthenticator(flaws{audUnchecked: true}).byJWT(token); agent != "agent-a" {
		t.Errorf("aud-unchecked: the defect is that it is accepted, got %q", agent)
	}
}
