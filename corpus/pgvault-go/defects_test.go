package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The server's own tests, without the harness: each defect of the flawed variants, and the
// correct variant free of it. Vault and PostgreSQL are fakes: a fetch that hands out a new role
// each time, and roles that answer with their own name until they are dropped.

// A realm publishing one RSA key, and tokens as Keycloak issues them: preferred_username, no
// username claim.
type testRealm struct {
	key    *rsa.PrivateKey
	server *httptest.Server
}

func newTestRealm(t *testing.T) *testRealm {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	realm := &testRealm{key: key}
	realm.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]string{{
			"kid": "k1", "kty": "RSA", "use": "sig", "alg": "RS256",
			"n": base64.RawURLEncoding.EncodeToString(key.N.Bytes()),
			"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(key.E)).Bytes()),
		}}})
	}))
	t.Cleanup(realm.server.Close)
	return realm
}

func (r *testRealm) token(t *testing.T, user string) string {
	t.Helper()
	token := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{
		"iss": "http://realm.test/realms/demo", "aud": []string{"postgres-mcp"}, "sub": "id-" + user,
		"azp": "mcp-client", "preferred_username": user, "scope": "postgres-mcp",
		"exp": time.Now().Add(time.Minute).Unix(), "iat": time.Now().Unix(),
	})
	token.Header["kid"] = "k1"
	signed, err := token.SignedString(r.key)
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

func (r *testRealm) caller(t *testing.T, user string) *caller {
	t.Helper()
	verify := tokenVerifier(newRealmKeys(r.server.URL, r.server.Client()), "http://realm.test/realms/demo", "postgres-mcp")
	info, err := verify(context.Background(), r.token(t, user), nil)
	if err != nil {
		t.Fatalf("%s's token refused: %v", user, err)
	}
	return callerOf(info)
}

// fakeRole answers every query with its role's name, until it is dropped.
type fakeRole struct {
	name    string
	dropped bool
}

func (r *fakeRole) query(context.Context, string) ([]map[string]any, error) {
	if r.dropped {
		return nil, errRoleRefused
	}
	return []map[string]any{{"who": r.name}}, nil
}
func (r *fakeRole) close() {}

// fakeVault makes a new role for the user a token names at each fetch, as database/creds/<user>
// does, and remembers the roles it made.
type fakeVault struct {
	tokens map[string]string // token → user
	made   []*fakeRole
}

func (v *fakeVault) store(f flaws) *roleStore {
	return newRoleStore(func(_ context.Context, token string) (dbCredentials, error) {
		user := v.tokens[token]
		name := "v-" + user + "-" + string(rune('a'+len(v.made)))
		v.made = append(v.made, &fakeRole{name: name})
		return dbCredentials{Username: name, Expires: time.Now().Add(5 * time.Minute)}, nil
	}, func(creds dbCredentials) (roleDB, error) {
		for _, role := range v.made {
			if role.name == creds.Username {
				return role, nil
			}
		}
		return nil, errors.New("no such role")
	}, &f)
}

func who(t *testing.T, s *roleStore, c *caller) (string, error) {
	t.Helper()
	out, err := s.query(context.Background(), c, "SELECT current_user AS who")
	if err != nil {
		return "", err
	}
	return out[0]["who"].(string), nil
}

func TestEachUserQueriesAsTheirOwnRole(t *testing.T) {
	realm := newTestRealm(t)
	alice, bob := realm.caller(t, "alice"), realm.caller(t, "bob")
	if alice.claims.Username != "" || bob.claims.Username != "" {
		t.Fatalf("a Keycloak token has no username claim, got %q and %q", alice.claims.Username, bob.claims.Username)
	}
	for _, f := range []flaws{{}, {claimCacheKey: true}} {
		vault := &fakeVault{tokens: map[string]string{alice.token: "alice", bob.token: "bob"}}
		store := vault.store(f)
		first, _ := who(t, store, alice)
		second, _ := who(t, store, bob)
		if !f.claimCacheKey && (!strings.Contains(first, "alice") || !strings.Contains(second, "bob")) {
			t.Errorf("correct: alice queried as %q, bob as %q", first, second)
		}
		if f.claimCacheKey && second != first {
			t.Errorf("claim-cache-key: the defect is that bob queries as alice's role %q, got %q", first, second)
		}
	}
}

func TestARevokedRoleIsReplacedByANewOne(t *testing.T) {
	realm := newTestRealm(t)
	alice := realm.caller(t, "alice")
	for _, f := range []flaws{{}, {staleRoleKept: true}} {
		vault := &fakeVault{tokens: map[string]string{alice.token: "alice"}}
		store := vault.store(f)
		before, err := who(t, store, alice)
		if err != nil {
			t.Fatal(err)
		}
		vault.made[0].dropped = true // the lease revoked: Vault dropped the role, well before its TTL
		after, err := who(t, store, alice)
		if !f.staleRoleKept && (err != nil || after == before || len(vault.made) != 2) {
			t.Errorf("correct: after the revocation %q, %v, %d roles made; want a new role", after, err, len(vault.made))
		}
		if f.staleRoleKept {
			if !errors.Is(err, errRoleRefused) || len(vault.made) != 1 {
				t.Errorf("stale-role-kept: the defect is the refusal and no new role, got %q, %v, %d roles", after, err, len(vault.made))
			}
			if _, again := who(t, store, alice); !errors.Is(again, errRoleRefused) {
				t.Errorf("stale-role-kept: the next call is refused as well, got %v", again)
			}
		}
	}
}

func TestALeaseNearItsEndIsReplaced(t *testing.T) {
	realm := newTestRealm(t)
	alice := realm.caller(t, "alice")
	vault := &fakeVault{tokens: map[string]string{alice.token: "alice"}}
	store := vault.store(flaws{})
	first, _ := who(t, store, alice)
	store.now = func() time.Time { return time.Now().Add(5*time.Minute - leaseMargin + time.Second) }
	if second, _ := who(t, store, alice); second == first {
		t.Errorf("a role %s from the end of its lease is still used", leaseMargin-time.Second)
	}
}

// recordedSession notes what resetSession does to a pooled connection.
type recordedSession struct {
	inTransaction bool
	failing       bool
	sent          []string
	discarded     bool
}

func (s *recordedSession) idle() bool { return !s.inTransaction }
func (s *recordedSession) exec(_ context.Context, sql string) error {
	s.sent = append(s.sent, sql)
	if s.failing {
		return errors.New("the connection broke")
	}
	return nil
}
func (s *recordedSession) discard(context.Context) { s.discarded = true }

func TestASessionIsResetBeforeItIsPooled(t *testing.T) {
	clean := &recordedSession{}
	resetSession(context.Background(), clean, &flaws{})
	if len(clean.sent) != 1 || clean.sent[0] != "DISCARD ALL" || clean.discarded {
		t.Errorf("correct: %+v; want DISCARD ALL and the session pooled", clean)
	}
	for _, s := range []*recordedSession{{inTransaction: true}, {failing: true}} {
		resetSession(context.Background(), s, &flaws{})
		if !s.discarded {
			t.Errorf("correct: a session that cannot be reset is pooled: %+v", s)
		}
	}
	leftover := &recordedSession{}
	resetSession(context.Background(), leftover, &flaws{noSessionReset: true})
	if len(leftover.sent) != 0 || leftover.discarded {
		t.Errorf("no-session-reset: the defect is that the session goes back untouched, got %+v", leftover)
	}
}

func TestATokenForAnotherAudienceIsRefused(t *testing.T) {
	realm := newTestRealm(t)
	verify := tokenVerifier(newRealmKeys(realm.server.URL, realm.server.Client()), "http://realm.test/realms/demo", "jira-mcp")
	if _, err := verify(context.Background(), realm.token(t, "alice"), nil); err == nil {
		t.Error("a token for postgres-mcp was taken by a server of audience jira-mcp")
	}
}
