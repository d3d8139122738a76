package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

type queryIn struct {
	SQL string `json:"sql" jsonschema:"one SQL statement; it runs read-only as your own database role"`
}

// toolError is what the model reads of a failure: the server's own words, never a credential,
// nor Vault's or the identity provider's text.
func toolError(err error) error {
	switch {
	case errors.Is(err, errRoleRefused):
		return errors.New("database role refused: " + strings.TrimPrefix(err.Error(), errRoleRefused.Error()+"; "))
	case errors.Is(err, errVaultDown):
		return errors.New("credentials unavailable: Vault or the identity provider did not answer")
	case errors.Is(err, errExchangeRefused), errors.Is(err, errVaultRefused):
		return errors.New("credentials refused: " + err.Error())
	}
	return err
}

// newSQLServer is the MCP server of one request: the query tool, run as the request's caller.
func newSQLServer(roles *roleStore) *mcp.Server {
	server := mcp.NewServer(&mcp.Implementation{Name: "sqlgate", Version: "0.4.1"}, nil)
	mcp.AddTool(server, &mcp.Tool{Name: "query", Description: "Run one read-only SQL statement as your own PostgreSQL role"},
		func(ctx context.Context, req *mcp.CallToolRequest, in queryIn) (*mcp.CallToolResult, any, error) {
			who := callerOf(req.Extra.TokenInfo)
			if who == nil {
				return nil, nil, errors.New("no caller")
			}
			if strings.TrimSpace(in.SQL) == "" {
				return nil, nil, errors.New("sql is empty")
			}
			records, err := roles.query(ctx, who, in.SQL)
			if err != nil {
				return nil, nil, toolError(err)
			}
			// The rows as a JSON array of objects in one text block, no structured content.
			text, err := json.MarshalIndent(records, "", "  ")
			if err != nil {
				return nil, nil, fmt.Errorf("the rows cannot be written as JSON: %w", err)
			}
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: string(text)}}}, nil, nil
		})
	return server
}
