"""issuedesk's settings: the command line, the environment, and the flawed variant's switches."""
import argparse
import dataclasses
import os

from call_budget import parse_limit

FLAWS = ("public-cache", "state-any-caller", "state-unverified", "state-reusable", "caller-by-connection",
         "scope-from-header")


@dataclasses.dataclass(frozen=True)
class Settings:
    host: str
    port: int
    issuer: str  # the realm as it names itself in its tokens
    realm_url: str  # the realm as this server reaches it: its JWKS and token endpoint
    audience: str  # the aud a token for this server carries
    client_id: str  # this server's own client of the realm, for the token exchange
    client_secret: str
    public_url: str  # this server's origin, for its protected resource metadata
    vault_url: str
    vault_role: str
    jira_url: str
    state_key: bytes  # the HMAC key of its requestStates
    state_ttl_s: float
    timeout_s: float
    rate_limit: tuple[int, float] | None = None  # (calls, window in seconds) per user, or no limit
    flaws: frozenset = frozenset()


def from_command_line(argv: list[str] | None = None) -> Settings:
    parser = argparse.ArgumentParser(description="issuedesk: a user's Jira issues over MCP 2026-07-28")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--issuer", required=True)
    parser.add_argument("--realm-url", required=True)
    parser.add_argument("--audience", default="jira-mcp")
    parser.add_argument("--client-id", default="jira-mcp")
    parser.add_argument("--vault-url", required=True)
    parser.add_argument("--vault-role", default="user")
    parser.add_argument("--jira-url", required=True)
    parser.add_argument("--request-state-ttl-ms", type=int, default=5000)
    parser.add_argument("--timeout-ms", type=int, default=3000)
    parser.add_argument("--rate-limit", type=parse_limit, default=None, metavar="CALLS/WINDOWms",
                        help="each user's tool calls in any window, e.g. 20/1000ms (default: no limit)")
    parser.add_argument("--flaw", action="append", choices=FLAWS, default=[])
    args = parser.parse_args(argv)
    return Settings(
        host=args.host, port=args.port, issuer=args.issuer, realm_url=args.realm_url.rstrip("/"),
        audience=args.audience, client_id=args.client_id, client_secret=os.environ["ISSUEDESK_CLIENT_SECRET"],
        public_url=os.environ.get("ISSUEDESK_PUBLIC_URL", f"http://{args.host}:{args.port}"),
        vault_url=args.vault_url.rstrip("/"), vault_role=args.vault_role, jira_url=args.jira_url.rstrip("/"),
        state_key=os.urandom(32), state_ttl_s=args.request_state_ttl_ms / 1000, timeout_s=args.timeout_ms / 1000,
        rate_limit=args.rate_limit, flaws=frozenset(args.flaw))
