"""What the server is told at start: its address, its clients, its signing key, its Vault, and
which of the design's classic mistakes to make (the flawed variant). Secrets come from files and
the environment, never from the command line."""
import argparse
import json
import os
from dataclasses import dataclass, field

FLAWS = {
    "aud-unchecked": "the resource server does not check a token's aud",
    "jwks-private-key": "the JWKS is made from the private key, its private members included",
    "scope-substring": "scopes are compared as substrings of the space-separated scope string",
    "long-lived-tokens": "tokens live for 30 days and carry no jti",
    "vault-errors-shown": "Vault's errors reach the caller in httpx's words, a secret not found among them",
}


@dataclass
class Client:
    client_id: str
    client_secret: str
    scopes: list[str]


@dataclass
class Settings:
    host: str
    port: int
    public_url: str
    clients: dict[str, Client]
    signing_key_pem: bytes
    vault_addr: str
    vault_token: str
    flaws: set[str] = field(default_factory=set)

    @property
    def resource_url(self) -> str:
        return self.public_url + "/mcp"


def load_clients(path: str) -> dict[str, Client]:
    """The clients file: {"<name>": {"client_id": ..., "client_secret": ..., "scopes": [...]}}."""
    with open(path, encoding="utf-8") as f:
        raw = json.load(f)
    clients = {}
    for entry in raw.values():
        clients[entry["client_id"]] = Client(entry["client_id"], entry["client_secret"], list(entry["scopes"]))
    return clients


def from_command_line(argv=None) -> Settings:
    parser = argparse.ArgumentParser(description="Agents' secrets over MCP, with its own OAuth server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--flaw", action="append", default=[], choices=sorted(FLAWS),
                        help="make one of the design's classic mistakes (repeatable)")
    args = parser.parse_args(argv)
    with open(os.environ["SIGNING_KEY_FILE"], "rb") as f:
        signing_key_pem = f.read()
    public_url = os.environ.get("PUBLIC_URL", f"http://{args.host}:{args.port}")
    return Settings(host=args.host, port=args.port, public_url=public_url.rstrip("/"),
                    clients=load_clients(os.environ["OAUTH_CLIENTS_FILE"]), signing_key_pem=signing_key_pem,
                    vault_addr=os.environ["VAULT_ADDR"].rstrip("/"), vault_token=os.environ["VAULT_TOKEN"],
                    flaws=set(args.flaw))
