"""The bridge's command line; secrets come from files and the environment, never from argv."""
import argparse
import json
import os
from dataclasses import dataclass
from pathlib import Path

FLAWS = ("loopback-trusted", "verify-unchecked", "exp-optional", "unquote-after-check", "bridge-token", "config-route", "fail-open")
MCP_PATH = "/agents/mcp"


@dataclass(frozen=True)
class Settings:
    port: int
    public_url: str
    agent_scopes: dict[str, list[str]]
    api_keys: dict[str, str]
    jwt_secret: bytes
    jwt_issuer: str
    jwt_audience: str
    trusted_proxy: str | None
    vault_addr: str
    vault_token: str
    kv_mount: str
    kv_base: str
    agent_policy: str
    flaws: frozenset[str]


def from_command_line(argv: list[str] | None = None) -> Settings:
    parser = argparse.ArgumentParser(description="MCP bridge from agents to their own Vault secrets")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--public-url", help=f"the URL agents reach the MCP endpoint at (default http://127.0.0.1:PORT{MCP_PATH})")
    parser.add_argument("--agent-scopes", type=Path, default=Path(__file__).with_name("agent-scopes.json"))
    parser.add_argument("--api-keys-file", type=Path, required=True, help="JSON {agent: API key}")
    parser.add_argument("--jwt-secret-file", type=Path, required=True, help="the agents' HS256 shared secret")
    parser.add_argument("--jwt-issuer", default="agent-registry")
    parser.add_argument("--jwt-audience", default="secrets-bridge")
    parser.add_argument("--trusted-proxy", help="the address nginx connects from; without it no certificate headers")
    parser.add_argument("--kv-mount", default="secret")
    parser.add_argument("--kv-base", default="agent-secrets", help="the folder holding one folder per agent")
    parser.add_argument("--agent-policy", default="agent-{agent}", help="the Vault policy of an agent's child tokens")
    parser.add_argument("--flaw", action="append", choices=FLAWS, default=[], help="a deliberate defect")
    args = parser.parse_args(argv)
    vault_addr, vault_token = os.environ.get("VAULT_ADDR"), os.environ.get("VAULT_TOKEN")
    if not vault_addr or not vault_token:
        parser.error("VAULT_ADDR and VAULT_TOKEN must be set")
    return Settings(
        port=args.port,
        public_url=args.public_url or f"http://127.0.0.1:{args.port}{MCP_PATH}",
        agent_scopes=json.loads(args.agent_scopes.read_text()),
        api_keys=json.loads(args.api_keys_file.read_text()),
        jwt_secret=args.jwt_secret_file.read_bytes().strip(),
        jwt_issuer=args.jwt_issuer,
        jwt_audience=args.jwt_audience,
        trusted_proxy=args.trusted_proxy,
        vault_addr=vault_addr,
        vault_token=vault_token,
        kv_mount=args.kv_mount,
        kv_base=args.kv_base,
        agent_policy=args.agent_policy,
        flaws=frozenset(args.flaw),
    )
