"""pgvault's settings: the command line, the environment, and the flawed variant's switches."""
import argparse
import dataclasses
import os
from urllib.parse import unquote, urlsplit

FLAWS = ("shared-pool", "autocommit", "pool-no-reset")


@dataclasses.dataclass(frozen=True)
class Database:
    host: str
    port: int
    name: str


@dataclasses.dataclass(frozen=True)
class Settings:
    host: str
    port: int
    issuer: str  # the realm as it names itself in its tokens
    realm_url: str  # the realm as this server reaches it: its JWKS and token endpoint
    audience: str  # the aud a token for this server carries
    client_id: str  # this server's own client of the realm, for the token exchange
    client_secret: str
    vault_url: str
    vault_role: str
    database_mount: str
    database: Database
    statement_timeout_ms: int
    timeout_s: float
    flaws: frozenset = frozenset()


def database_from_url(url: str) -> Database:
    """Where PostgreSQL is, from a libpq URI (postgresql://[user[:password]@]host[:port]/dbname). A user
    and password in it are not used: pgvault has no login of its own, every session is a caller's role."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql") or not parts.hostname:
        raise ValueError("PGVAULT_DATABASE_URL must be postgresql://user:password@host:port/dbname")
    return Database(host=parts.hostname, port=parts.port or 5432, name=unquote(parts.path.lstrip("/")) or "postgres")


def from_command_line(argv: list[str] | None = None) -> Settings:
    parser = argparse.ArgumentParser(description="pgvault: read-only SQL as the caller's own PostgreSQL role")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--issuer", required=True)
    parser.add_argument("--realm-url", required=True)
    parser.add_argument("--audience", default="postgres-mcp")
    parser.add_argument("--client-id", default="postgres-mcp")
    parser.add_argument("--vault-url", required=True)
    parser.add_argument("--vault-role", default="user")
    parser.add_argument("--database-mount", default="database")
    parser.add_argument("--statement-timeout-ms", type=int, default=3000)
    parser.add_argument("--timeout-ms", type=int, default=3000)
    parser.add_argument("--flaw", action="append", choices=FLAWS, default=[])
    args = parser.parse_args(argv)
    return Settings(
        host=args.host, port=args.port, issuer=args.issuer, realm_url=args.realm_url.rstrip("/"),
        audience=args.audience, client_id=args.client_id, client_secret=os.environ["PGVAULT_CLIENT_SECRET"],
        vault_url=args.vault_url.rstrip("/"), vault_role=args.vault_role, database_mount=args.database_mount,
        database=database_from_url(os.environ["PGVAULT_DATABASE_URL"]),
        statement_timeout_ms=args.statement_timeout_ms, timeout_s=args.timeout_ms / 1000,
        flaws=frozenset(args.flaw))
