"""The bridge's tools, each in the calling agent's own folder and each behind its scope: what the
agent is comes from the request the call arrived on (AgentAuthBackend put it there)."""
from pydantic import BaseModel

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError

from secret_paths import InvalidSecretPath, checked_secret_path
from vault_client import AgentVault, SecretMissing, VaultRefused, VaultUnavailable


class SecretRead(BaseModel):
    path: str
    values: dict[str, str]
    version: int


class SecretWritten(BaseModel):
    path: str
    version: int


class FolderListing(BaseModel):
    folder: str
    entries: list[str]


class SecretDeleted(BaseModel):
    path: str
    deleted: bool


def calling_agent(ctx: Context, scope: str) -> str:
    request = ctx.request_context.request
    if request is None or scope not in request.auth.scopes:
        raise ToolError(f"forbidden: this agent may not {scope}")
    return request.user.username


def vault_errors(error: Exception) -> ToolError:
    if isinstance(error, SecretMissing):
        return ToolError("not found: no secret at that path")
    if isinstance(error, VaultUnavailable):
        return ToolError("vault unreachable, retry later")
    return ToolError("vault refused the operation")


def add_bridge_tools(mcp: MCPServer, vault: AgentVault, unquote_after_check: bool) -> None:
    def secret_path(raw: str, folder: bool = False) -> str:
        try:
            return checked_secret_path(raw, folder=folder, unquote_after_check=unquote_after_check)
        except InvalidSecretPath:
            raise ToolError(f"invalid path {raw!r}: use segments of letters, digits, '_', '-', '.'") from None

    @mcp.tool()
    async def vault_read(path: str, ctx: Context) -> SecretRead:
        """Read one of your secrets."""
        agent = calling_agent(ctx, "read")
        try:
            values, version = await vault.read(agent, secret_path(path))
        except (SecretMissing, VaultUnavailable, VaultRefused) as error:
            raise vault_errors(error) from None
        return SecretRead(path=path, values={k: str(v) for k, v in values.items()}, version=version)

    @mcp.tool()
    async def vault_write(path: str, values: dict[str, str], ctx: Context) -> SecretWritten:
        """Create or replace one of your secrets."""
        agent = calling_agent(ctx, "write")
        try:
            version = await vault.write(agent, secret_path(path), values)
        except (VaultUnavailable, VaultRefused) as error:
            raise vault_errors(error) from None
        return SecretWritten(path=path, version=version)

    @mcp.tool()
    async def vault_list(ctx: Context, folder: str = "") -> FolderListing:
        """List the entries of one of your folders ("" is your own top folder)."""
        agent = calling_agent(ctx, "list")
        try:
            entries = await vault.list(agent, secret_path(folder, folder=True))
        except (VaultUnavailable, VaultRefused) as error:
            raise vault_errors(error) from None
        return FolderListing(folder=folder, entries=entries)

    @mcp.tool()
    async def vault_delete(path: str, ctx: Context) -> SecretDeleted:
        """Delete one of your secrets with all its versions."""
        agent = calling_agent(ctx, "delete")
        try:
            await vault.delete(agent, secret_path(path))
        except (VaultUnavailable, VaultRefused) as error:
            raise vault_errors(error) from None
        return SecretDeleted(path=path, deleted=True)
