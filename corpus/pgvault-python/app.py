"""pgvault: read-only SQL over MCP, each caller as the PostgreSQL role Vault's database secrets engine
made for her, on the Python SDK's MCPServer (Streamable HTTP at /mcp, stateless, JSON responses). A
user calls with her access token of the Keycloak realm, checked by the SDK's bearer authentication
through a TokenVerifier; her role comes from Vault (vault_leases.py) and her statement runs on a
session of that role alone, read-only and rolled back (role_pools.py). When PostgreSQL refuses her
role (its lease was revoked), pgvault asks Vault for a new one and runs the statement once more.

    python app.py --port 8000 --issuer URL --realm-url URL --vault-url URL [--flaw NAME ...]
    env: PGVAULT_CLIENT_SECRET (its client's secret at the realm), PGVAULT_DATABASE_URL (where
         PostgreSQL is: postgresql://host:port/dbname)
"""
from typing import Any, TypedDict

import uvicorn
from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.auth.settings import AuthSettings
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from starlette.requests import Request
from starlette.responses import JSONResponse

from realm_tokens import RealmTokenVerifier, realm_keys
from role_pools import DatabaseUnavailable, RolePools, StaleRole, StatementFailed
from settings import Settings, from_command_line
from vault_leases import LeaseError, VaultLeases


class SqlResult(TypedDict):
    columns: list[str]
    records: list[list[Any]]  # each row's values, in the order of columns
    row_count: int


class Warehouse:
    """A caller's statement, run as her own role."""

    def __init__(self, leases: VaultLeases, pools: RolePools):
        self.leases = leases
        self.pools = pools

    async def run(self, subject: str, user_token: str, statement: str, traceparent: str | None) -> SqlResult:
        for attempt in range(2):
            try:
                lease = await self.leases.lease(subject, user_token, traceparent)
            except LeaseError as e:
                raise ToolError(str(e)) from None
            try:
                columns, records = await self.pools.run(lease.username, lease.password, statement)
                return {"columns": columns, "records": records, "row_count": len(records)}
            except StaleRole:
                # Its lease was revoked or ended: the next lease is a new role.
                self.leases.forget(subject, lease)
                if attempt:
                    raise ToolError("PostgreSQL refused the new role Vault issued for you as well") from None
            except DatabaseUnavailable as e:
                raise ToolError(str(e)) from None
            except StatementFailed as e:
                raise ToolError(f"PostgreSQL rejected the statement: {e}") from None
        raise AssertionError("unreachable")


def build_server(settings: Settings, warehouse: Warehouse, keys=None) -> MCPServer:
    verifier = RealmTokenVerifier(settings.issuer, settings.audience, keys or realm_keys(settings.realm_url))
    public_url = f"http://{settings.host}:{settings.port}"
    mcp = MCPServer("pgvault", instructions="Read-only SQL as your own PostgreSQL role.", token_verifier=verifier,
                    auth=AuthSettings(issuer_url=settings.issuer, resource_server_url=public_url + "/mcp",
                                      validate_token_resource=False))

    @mcp.tool()
    async def run_sql(statement: str, ctx: Context) -> SqlResult:
        """Run one SQL statement, read-only, as your own PostgreSQL role."""
        token = get_access_token()
        request = ctx.request_context.request
        traceparent = request.headers.get("traceparent") if request is not None else None
        return await warehouse.run(token.subject, token.token, statement, traceparent)

    @mcp.custom_route("/health", methods=["GET"])
    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    return mcp


def build_warehouse(settings: Settings, transport=None) -> Warehouse:
    pools = RolePools(settings.database, settings.statement_timeout_ms, settings.timeout_s,
                      shared="shared-pool" in settings.flaws, autocommit="autocommit" in settings.flaws,
                      reset="pool-no-reset" not in settings.flaws)
    return Warehouse(VaultLeases(settings, transport), pools)


def build_app(settings: Settings, warehouse: Warehouse | None = None, keys=None):
    mcp = build_server(settings, warehouse or build_warehouse(settings), keys)
    return mcp.streamable_http_app(stateless_http=True, json_response=True)


if __name__ == "__main__":
    settings = from_command_line()
    uvicorn.run(build_app(settings), host=settings.host, port=settings.port, log_level="warning")
