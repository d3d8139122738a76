package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// dbCredentials are a role Vault's database secrets engine made for one user, and its lease.
type dbCredentials struct {
	Username string
	Password string
	LeaseID  string
	Expires  time.Time
}

var (
	errExchangeRefused = errors.New("the identity provider refused to exchange the token for Vault")
	errVaultRefused    = errors.New("Vault refused this user a database role")
	errVaultDown       = errors.New("Vault is unavailable")
)

// vaultRoles gets a user's database role from Vault on the user's own behalf: the user's token
// exchanged at the realm for Vault's audience (RFC 8693, as this server's own client), a login to
// Vault's JWT role with it, the entity Vault says that login is, and database/creds/<entity>
// read with the login's own token. The role's lease is the login's: the token is kept until it
// ends on its own (revoking it would revoke the role too).
type vaultRoles struct {
	realmURL     string
	clientID     string
	clientSecret string
	vaultURL     string
	jwtRole      string
	dbMount      string
	http         *http.Client
}

func (v *vaultRoles) exchange(ctx context.Context, userToken string) (string, error) {
	form := url.Values{
		"grant_type":           {"urn:ietf:params:oauth:grant-type:token-exchange"},
		"subject_token":        {userToken},
		"subject_token_type":   {"urn:ietf:params:oauth:token-type:access_token"},
		"requested_token_type": {"urn:ietf:params:oauth:token-type:access_token"},
		"audience":             {"vault"},
		"client_id":            {v.clientID},
		"client_secret":        {v.clientSecret},
	}
	request, err := http.NewRequestWithContext(ctx, http.MethodPost, v.realmURL+"/protocol/openid-connect/token",
		strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	request.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	response, err := v.http.Do(request)
	if err != nil {
		return "", fmt.Errorf("%w: %v", errVaultDown, err)
	}
	defer response.Body.Close()
	if response.StatusCode != http.StatusOK {
		return "", errExchangeRefused
	}
	var answer struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(response.Body).Decode(&answer); err != nil || answer.AccessToken == "" {
		return "", errExchangeRefused
	}
	return answer.AccessToken, nil
}

// call sends one request to Vault and decodes its JSON answer into out; a 4xx is errVaultRefused.
func (v *vaultRoles) call(ctx context.Context, method, path, token string, body, out any) error {
	var payload io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return err
		}
		payload = bytes.NewReader(data)
	}
	request, err := http.NewRequestWithContext(ctx, method, v.vaultURL+"/v1/"+path, payload)
	if err != nil {
		return err
	}
	if token != "" {
		request.Header.Set("X-Vault-Token", token)
	}
	response, err := v.http.Do(request)
	if err != nil {
		return fmt.Errorf("%w: %v", errVaultDown, err)
	}
	defer response.Body.Close()
	switch {
	case response.StatusCode >= 500:
		return errVaultDown
	case response.StatusCode >= 400:
		return errVaultRefused
	}
	if err := json.NewDecoder(response.Body).Decode(out); err != nil {
		return fmt.Errorf("Vault's answer to %s: %w", path, err)
	}
	return nil
}

func (v *vaultRoles) credentials(ctx context.Context, userToken string) (dbCredentials, error) {
	vaultJWT, err := v.exchange(ctx, userToken)
	if err != nil {
		return dbCredentials{}, err
	}
	var login struct {
		Auth struct {
			ClientToken string `json:"client_token"`
		} `json:"auth"`
	}
	if err := v.call(ctx, http.MethodPost, "auth/jwt/login", "", map[string]string{"role": v.jwtRole, "jwt": vaultJWT}, &login); err != nil {
		return dbCredentials{}, err
	}
	token := login.Auth.ClientToken
	var self struct {
		Data struct {
			EntityID string `json:"entity_id"`
		} `json:"data"`
	}
	if err := v.call(ctx, http.MethodGet, "auth/token/lookup-self", token, nil, &self); err != nil {
		return dbCredentials{}, err
	}
	if self.Data.EntityID == "" {
		return dbCredentials{}, errVaultRefused
	}
	var entity struct {
		Data struct {
			Name string `json:"name"`
		} `json:"data"`
	}
	if err := v.call(ctx, http.MethodGet, "identity/entity/id/"+url.PathEscape(self.Data.EntityID), token, nil, &entity); err != nil {
		return dbCredentials{}, err
	}
	if entity.Data.Name == "" {
		return dbCredentials{}, errVaultRefused
	}
	var creds struct {
		LeaseID       string `json:"lease_id"`
		LeaseDuration int64  `json:"lease_duration"`
		Data          struct {
			Username string `json:"username"`
			Password string `json:"password"`
		} `json:"data"`
	}
	if err := v.call(ctx, http.MethodGet, v.dbMount+"/creds/"+url.PathEscape(entity.Data.Name), token, nil, &creds); err != nil {
		return dbCredentials{}, err
	}
	if creds.Data.Username == "" {
		return dbCredentials{}, errVaultRefused
	}
	return dbCredentials{Username: creds.Data.Username, Password: creds.Data.Password, LeaseID: creds.LeaseID,
		Expires: time.Now().Add(time.Duration(creds.LeaseDuration) * time.Second)}, nil
}
