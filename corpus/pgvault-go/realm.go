package main

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/modelcontextprotocol/go-sdk/auth"
)

// realmClaims are the claims sqlgate reads of a realm's access token. Username is the claim a
// Cognito access token names its user in; Keycloak's tokens carry preferred_username instead.
type realmClaims struct {
	jwt.RegisteredClaims
	Scope             string `json:"scope"`
	AuthorizedParty   string `json:"azp"`
	PreferredUsername string `json:"preferred_username"`
	Username          string `json:"username"`
}

// caller is who a tool call is for: the verified token's claims and the token itself, which the
// server exchanges for Vault's audience.
type caller struct {
	claims realmClaims
	token  string
}

// realmKeys are the realm's signing keys (its JWKS), fetched again when a token names a kid not
// among them, at most once every 10 s.
type realmKeys struct {
	url     string
	client  *http.Client
	mu      sync.Mutex
	keys    map[string]*rsa.PublicKey
	fetched time.Time
}

func newRealmKeys(realmURL string, client *http.Client) *realmKeys {
	return &realmKeys{url: realmURL + "/protocol/openid-connect/certs", client: client, keys: map[string]*rsa.PublicKey{}}
}

type jwk struct {
	Kid string `json:"kid"`
	Kty string `json:"kty"`
	Use string `json:"use"`
	N   string `json:"n"`
	E   string `json:"e"`
}

func (k *realmKeys) refresh(ctx context.Context) error {
	request, err := http.NewRequestWithContext(ctx, http.MethodGet, k.url, nil)
	if err != nil {
		return err
	}
	response, err := k.client.Do(request)
	if err != nil {
		return err
	}
	defer response.Body.Close()
	if response.StatusCode != http.StatusOK {
		return fmt.Errorf("JWKS: HTTP %d", response.StatusCode)
	}
	var set struct {
		Keys []jwk `json:"keys"`
	}
	if err := json.NewDecoder(response.Body).Decode(&set); err != nil {
		return fmt.Errorf("JWKS: %w", err)
	}
	keys := map[string]*rsa.PublicKey{}
	for _, key := range set.Keys {
		if key.Kty != "RSA" || (key.Use != "" && key.Use != "sig") {
			continue
		}
		n, errN := base64.RawURLEncoding.DecodeString(key.N)
		e, errE := base64.RawURLEncoding.DecodeString(key.E)
		if errN != nil || errE != nil || len(e) > 4 {
			continue
		}
		keys[key.Kid] = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
	}
	k.keys = keys
	return nil
}

func (k *realmKeys) key(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if key, ok := k.keys[kid]; ok {
		return key, nil
	}
	if time.Since(k.fetched) > 10*time.Second {
		k.fetched = time.Now()
		if err := k.refresh(ctx); err != nil {
			return nil, err
		}
		if key, ok := k.keys[kid]; ok {
			return key, nil
		}
	}
	return nil, errors.New("no realm key of that kid")
}

// tokenVerifier is the SDK's bearer-token check over golang-jwt: RS256 by a key of the realm's
// JWKS, the realm's issuer, this server in aud, an exp and a sub.
func tokenVerifier(keys *realmKeys, issuer, audience string) auth.TokenVerifier {
	return func(ctx context.Context, raw string, _ *http.Request) (*auth.TokenInfo, error) {
		var claims realmClaims
		_, err := jwt.ParseWithClaims(raw, &claims, func(token *jwt.Token) (any, error) {
			kid, _ := token.Header["kid"].(string)
			return keys.key(ctx, kid)
		}, jwt.WithValidMethods([]string{"RS256"}), jwt.WithIssuer(issuer), jwt.WithAudience(audience),
			jwt.WithExpirationRequired(), jwt.WithLeeway(5*time.Second))
		if err != nil || claims.Subject == "" {
			return nil, fmt.Errorf("%w: the token is not one of the realm's for this server", auth.ErrInvalidToken)
		}
		return &auth.TokenInfo{
			Scopes:     strings.Fields(claims.Scope),
			Expiration: claims.ExpiresAt.Time,
			UserID:     claims.Subject,
			Extra:      map[string]any{"caller": &caller{claims: claims, token: raw}},
		}, nil
	}
}

func callerOf(info *auth.TokenInfo) *caller {
	if info == nil {
		return nil
	}
	c, _ := info.Extra["caller"].(*caller)
	return c
}
