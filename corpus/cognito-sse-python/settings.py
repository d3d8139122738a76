"""The server's command line. Secrets come from nowhere: the caller's own token is all it needs."""
import argparse
from dataclasses import dataclass, field

FLAWS = ("id-token-accepted", "client-id-unchecked", "stream-only-auth")


@dataclass
class Settings:
    port: int
    issuer: str
    jwks_url: str
    app_clients: list[str]
    vault_addr: str
    vault_role: str
    jira_url: str
    github_url: str
    public_url: str = ""  # where clients reach the server: its resource is <public_url>/sse
    timeout_s: float = 3.0
    host: str = "127.0.0.1"
    flaws: set[str] = field(default_factory=set)


def from_command_line(argv: list[str] | None = None) -> Settings:
    parser = argparse.ArgumentParser(description="Jira and GitHub for Cognito users over MCP's HTTP+SSE transport")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--issuer", required=True, help="the user pool's issuer, https://cognito-idp.<region>.amazonaws.com/<pool>")
    parser.add_argument("--jwks-url", help="where the pool's keys are fetched (default: <issuer>/.well-known/jwks.json)")
    parser.add_argument("--app-client", action="append", required=True, help="an app client whose access tokens are taken")
    parser.add_argument("--vault-addr", required=True)
    parser.add_argument("--vault-role", default="user", help="Vault's JWT role the caller's token logs in to")
    parser.add_argument("--jira-url", required=True)
    parser.add_argument("--github-url", required=True)
    parser.add_argument("--public-url", help="where clients reach this server (default: http://127.0.0.1:<port>)")
    parser.add_argument("--timeout-ms", type=int, default=3000, help="how long a call waits for Vault, Cognito or a backend")
    parser.add_argument("--flaw", action="append", default=[], choices=FLAWS)
    args = parser.parse_args(argv)
    return Settings(port=args.port, issuer=args.issuer.rstrip("/"),
                    jwks_url=args.jwks_url or args.issuer.rstrip("/") + "/.well-known/jwks.json",
                    app_clients=args.app_client, vault_addr=args.vault_addr.rstrip("/"), vault_role=args.vault_role,
                    jira_url=args.jira_url.rstrip("/"), github_url=args.github_url.rstrip("/"),
                    public_url=(args.public_url or f"http://127.0.0.1:{args.port}").rstrip("/"),
                    timeout_s=args.timeout_ms / 1000, flaws=set(args.flaw))
