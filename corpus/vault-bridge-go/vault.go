package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"time"
)

// errNotFound: Vault has no secret at that key.
var errNotFound = errors.New("not found")

// errVaultDown: Vault did not answer, or answered with a server error.
var errVaultDown = errors.New("vault is unavailable")

// vaultKV reads and writes the agents' secrets in a KV v2 mount, each agent under its own folder:
// <mount>/data/bridge/agents/<agent>/<key>.
type vaultKV struct {
	addr, token, mount string
	client             *http.Client
}

func newVaultKV(addr, token, mount string) *vaultKV {
	return &vaultKV{addr: addr, token: token, mount: mount, client: &http.Client{Timeout: 5 * time.Second}}
}

// keyPattern is what a secret's key may be: one path segment, never a way out of the agent's folder.
var keyPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

func (v *vaultKV) path(kind, agent, key string) string {
	p := fmt.Sprintf("%s/v1/%s/%s/bridge/agents/%s", v.addr, url.PathEscape(v.mount), kind, url.PathEscape(agent))
	if key != "" {
		p += "/" + url.PathEscape(key)
	}
	return p
}

func (v *vaultKV) do(ctx context.Context, method, target string, body any) (*http.Response, error) {
	var payload bytes.Buffer
	if body != nil {
		if err := json.NewEncoder(&payload).Encode(body); err != nil {
			return nil, err
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, target, &payload)
	if err != nil {
		return nil, err
	}
	req.Header.Set("X-Vault-Token", v.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := v.client.Do(req)
	if err != nil {
		return nil, errVaultDown
	}
	if resp.StatusCode >= 500 {
		resp.Body.Close()
		return nil, errVaultDown
	}
	return resp, nil
}

func (v *vaultKV) read(ctx context.Context, agent, key string) (map[string]any, error) {
	resp, err := v.do(ctx, http.MethodGet, v.path("data", agent, key), nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return nil, errNotFound
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("vault answered %d", resp.StatusCode)
	}
	var answer struct {
		Data struct {
			Data map[string]any `json:"data"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
		return nil, fmt.Errorf("vault's answer is not JSON")
	}
	return answer.Data.Data, nil
}

func (v *vaultKV) write(ctx context.Context, agent, key string, data map[string]any) error {
	resp, err := v.do(ctx, http.MethodPost, v.path("data", agent, key), map[string]any{"data": data})
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNoContent {
		return fmt.Errorf("vault answered %d", resp.StatusCode)
	}
	return nil
}

func (v *vaultKV) list(ctx context.Context, agent string) ([]string, error) {
	resp, err := v.do(ctx, "LIST", v.path("metadata", agent, ""), nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return []string{}, nil
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("vault answered %d", resp.StatusCode)
	}
	var answer struct {
		Data struct {
			Keys []string `json:"keys"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
		return nil, fmt.Errorf("vault's answer is not JSON")
	}
	sort.Strings(answer.Data.Keys)
	return answer.Data.Keys, nil
}
