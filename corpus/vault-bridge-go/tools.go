package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

type secretArgs struct {
	Key string `json:"key" jsonschema:"the secret's key in the calling agent's folder"`
}

type storeArgs struct {
	Key   string         `json:"key" jsonschema:"the secret's key in the calling agent's folder"`
	Value map[string]any `json:"value" jsonschema:"the fields to store"`
}

type secretOut struct {
	Key    string         `json:"key"`
	Fields map[string]any `json:"fields"`
}

type keysOut struct {
	Keys []string `json:"keys"`
}

type storedOut struct {
	Stored string `json:"stored"`
}

// toolError is the tool's own failure, for the model to read: never Vault's text or a secret.
func toolError(err error) error {
	switch {
	case errors.Is(err, errNotFound):
		return errors.New("no such secret")
	case errors.Is(err, errVaultDown):
		return errors.New("the secret store is unavailable, try again later")
	default:
		return errors.New("the secret store refused the request")
	}
}

func checkKey(key string) error {
	if !keyPattern.MatchString(key) {
		return fmt.Errorf("key must be one segment of letters, digits, '.', '_' or '-'")
	}
	return nil
}

// newBridgeServer is the MCP server of one request's agent: every tool works in that agent's
// folder only.
func newBridgeServer(kv *vaultKV, agent string) *mcp.Server {
	server := mcp.NewServer(&mcp.Implementation{Name: "vault-bridge-go", Version: "0.3.0"}, nil)
	mcp.AddTool(server, &mcp.Tool{Name: "fetch_secret", Description: "Fetch one of your secrets by key"},
		func(ctx context.Context, _ *mcp.CallToolRequest, in secretArgs) (*mcp.CallToolResult, secretOut, error) {
			if err := checkKey(in.Key); err != nil {
				return nil, secretOut{}, err
			}
			fields, err := kv.read(ctx, agent, in.Key)
			if err != nil {
				return nil, secretOut{}, toolError(err)
			}
			return nil, secretOut{Key: in.Key, Fields: fields}, nil
		})
	mcp.AddTool(server, &mcp.Tool{Name: "store_secret", Description: "Store fields under one of your keys"},
		func(ctx context.Context, _ *mcp.CallToolRequest, in storeArgs) (*mcp.CallToolResult, storedOut, error) {
			if err := checkKey(in.Key); err != nil {
				return nil, storedOut{}, err
			}
			if err := kv.write(ctx, agent, in.Key, in.Value); err != nil {
				return nil, storedOut{}, toolError(err)
			}
			return nil, storedOut{Stored: in.Key}, nil
		})
	mcp.AddTool(server, &mcp.Tool{Name: "list_secret_keys", Description: "List the keys of your secrets"},
		func(ctx context.Context, _ *mcp.CallToolRequest, _ struct{}) (*mcp.CallToolResult, keysOut, error) {
			keys, err := kv.list(ctx, agent)
			if err != nil {
				return nil, keysOut{}, toolError(err)
			}
			return nil, keysOut{Keys: keys}, nil
		})
	return server
}
