package main

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The headers nginx sets from the client certificate it verified (proxy_set_header
// X-SSL-Client-S-DN $ssl_client_s_dn; X-SSL-Client-Verify $ssl_client_verify).
const (
	certDNHeader     = "X-SSL-Client-S-DN"
	certVerifyHeader = "X-SSL-Client-Verify"
	apiKeyHeader     = "X-Agent-Key"
)

// refusal is why a request names no agent; its message goes into the challenge, never a secret.
type refusal struct {
	status  int
	code    string // the RFC 6750 error code; empty when no credential was sent
	message string
}

func (r *refusal) Error() string { return r.message }

func refuse(code, format string, args ...any) *refusal {
	return &refusal{status: http.StatusUnauthorized, code: code, message: fmt.Sprintf(format, args...)}
}

// authenticator tells which agent a request comes from: an API key (X-Agent-Key), an HS256 JWT
// (Authorization: Bearer) or the client certificate nginx verified, named in its headers.
type authenticator struct {
	apiKeys      map[string]string // agent → key
	jwtSecret    []byte
	jwtIssuer    string
	jwtAudience  string
	trustedProxy string // the address nginx connects from; empty: certificate headers off
	flaws        *flaws
}

func (a *authenticator) knownAgent(name string) bool {
	_, ok := a.apiKeys[name]
	return ok
}

func (a *authenticator) byAPIKey(key string) (string, error) {
	for agent, known := range a.apiKeys {
		if subtle.ConstantTimeCompare([]byte(known), []byte(key)) == 1 {
			return agent, nil
		}
	}
	return "", refuse("invalid_token", "unknown API key")
}

func (a *authenticator) byJWT(raw string) (string, error) {
	options := []jwt.ParserOption{
		jwt.WithValidMethods([]string{"HS256"}),
		jwt.WithIssuer(a.jwtIssuer),
		jwt.WithExpirationRequired(),
		jwt.WithLeeway(5 * time.Second),
	}
	if !a.flaws.audUnchecked {
		options = append(options, jwt.WithAudience(a.jwtAudience))
	}
	token, err := jwt.Parse(raw, func(*jwt.Token) (any, error) { return a.jwtSecret, nil }, options...)
	if err != nil {
		return "", refuse("invalid_token", "invalid token")
	}
	sub, err := token.Claims.GetSubject()
	if err != nil || !a.knownAgent(sub) {
		return "", refuse("invalid_token", "the token names no known agent")
	}
	return sub, nil
}

// byCertificate reads the agent from nginx's headers. They count only when the request comes from
// nginx's own address and nginx verified the certificate; checked is false only on the flawed
// variant's fallback path (header-fallback).
func (a *authenticator) byCertificate(r *http.Request, checked bool) (string, error) {
	if a.trustedProxy == "" {
		return "", refuse("invalid_token", "client certificates are not accepted")
	}
	if checked {
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		if host != a.trustedProxy {
			return "", refuse("invalid_token", "certificate headers from an address that is not the proxy")
		}
		if r.Header.Get(certVerifyHeader) != "SUCCESS" {
			return "", refuse("invalid_token", "the client certificate was not verified")
		}
	}
	read := commonName
	if a.flaws.dnCommaSplit {
		read = commonNameBySplitting
	}
	cn, err := read(r.Header.Get(certDNHeader))
	if err != nil {
		return "", refuse("invalid_token", "%v", err)
	}
	if !a.knownAgent(cn) {
		return "", refuse("invalid_token", "the certificate names no known agent")
	}
	return cn, nil
}

// identify returns the request's agent. An API key and a token together are refused: one
// credential per request.
func (a *authenticator) identify(r *http.Request) (string, error) {
	key := r.Header.Get(apiKeyHeader)
	authorization := r.Header.Get("Authorization")
	if key != "" && authorization != "" {
		return "", &refusal{status: http.StatusBadRequest, code: "invalid_request", message: "send one credential, not several"}
	}
	var agent string
	var err error
	switch {
	case key != "":
		agent, err = a.byAPIKey(key)
	case authorization != "":
		scheme, token, ok := strings.Cut(authorization, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" || strings.ContainsAny(token, " \t") {
			return "", &refusal{status: http.StatusBadRequest, code: "invalid_request", message: "malformed Authorization header"}
		}
		agent, err = a.byJWT(token)
	case r.Header.Get(certDNHeader) != "":
		return a.byCertificate(r, true)
	default:
		return "", refuse("", "no credential")
	}
	if err != nil && a.flaws.headerFallback && r.Header.Get(certDNHeader) != "" {
		// header-fallback: "maybe it is a certificate client" — the headers read unchecked.
		return a.byCertificate(r, false)
	}
	return agent, err
}

type agentKey struct{}

func agentFrom(ctx context.Context) string {
	agent, _ := ctx.Value(agentKey{}).(string)
	return agent
}

// requireAgent answers a request that names no agent with 401 (or 400) and an RFC 6750
// challenge that points at the protected-resource metadata.
func (a *authenticator) requireAgent(metadataURL string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		agent, err := a.identify(r)
		if err != nil {
			var refused *refusal
			if !errors.As(err, &refused) {
				refused = &refusal{status: http.StatusInternalServerError, message: "internal error"}
			}
			challenge := fmt.Sprintf("Bearer resource_metadata=%q", metadataURL)
			if refused.code != "" {
				challenge = fmt.Sprintf("Bearer error=%q, error_description=%q, resource_metadata=%q", refused.code, refused.message, metadataURL)
			}
			w.Header().Set("WWW-Authenticate", challenge)
			writeJSONError(w, refused.status, refused.message)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), agentKey{}, agent)))
	})
}
