"""Agents' secrets over MCP: an MCPServer (the Python SDK's FastMCP, renamed in mcp 2) on
Streamable HTTP at /mcp, the resource server of its own OAuth 2.0 authorization server (the
client credentials grant), each agent reading and writing only its own secrets in Vault KV.

    python app.py --port 8000 [--flaw aud-unchecked ...]
    env: SIGNING_KEY_FILE, OAUTH_CLIENTS_FILE, VAULT_ADDR, VAULT_TOKEN, PUBLIC_URL (optional)
"""
import re

import httpx

from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.auth.settings import AuthSettings
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from starlette.requests import Request
from starlette.responses import JSONResponse

from auth_server import AuthorizationServer
from keys import SigningKey
from scopes import has_scope
from settings import Settings, from_command_line
from token_verifier import JwtTokenVerifier
from vault_kv import SecretNotFound, VaultKv

SECRET_NAME = re.compile(r"^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$")


def checked_name(name: str, allow_empty: bool = False) -> str:
    if allow_empty and name == "":
        return name
    if not SECRET_NAME.match(name):
        raise ToolError(f"invalid secret name: {name!r}")
    return name


def build_server(settings: Settings, vault_transport: httpx.AsyncBaseTransport | None = None) -> MCPServer:
    """The MCP server with its authorization server's routes; `vault_transport` replaces the
    network for tests."""
    key = SigningKey(settings.signing_key_pem, publish_private="jwks-private-key" in settings.flaws)
    authorization_server = AuthorizationServer(settings, key)
    errors_shown = "vault-errors-shown" in settings.flaws
    vault = VaultKv(settings.vault_addr, settings.vault_token, transport=vault_transport, not_found_is_error=errors_shown)

    def vault_failed(error: httpx.HTTPStatusError) -> ToolError:
        if errors_shown:  # httpx's text names the URL asked, Vault's address with it
            return ToolError(f"vault request failed: {error}")
        return ToolError(f"vault request failed ({error.response.status_code})")

    mcp = MCPServer(
        "agent-secrets",
        instructions="Read and manage the calling agent's own secrets.",
        token_verifier=JwtTokenVerifier(settings, key),
        auth=AuthSettings(issuer_url=settings.public_url, resource_server_url=settings.resource_url,
                          validate_token_resource=False),
    )

    def caller(needed_scope: str) -> str:
        """The calling agent, once its token is found to carry `needed_scope`."""
        token = get_access_token()
        if token is None:
            raise ToolError("not authenticated")
        granted = " ".join(token.scopes)
        if not has_scope(granted, needed_scope, "scope-substring" in settings.flaws):
            raise ToolError(f"insufficient scope: {needed_scope} required")
        return token.client_id

    @mcp.tool()
    async def get_secret(name: str) -> dict:
        """Read one of your secrets."""
        agent = caller("read")
        try:
            return {"name": name, "data": await vault.read(agent, checked_name(name))}
        except SecretNotFound:
            raise ToolError(f"secret not found: {name}") from None
        except httpx.HTTPStatusError as error:
            raise vault_failed(error) from None

    @mcp.tool()
    async def put_secret(name: str, data: dict[str, str]) -> dict:
        """Create or replace one of your secrets."""
        agent = caller("write")
        version = await vault.write(agent, checked_name(name), data)
        return {"name": name, "version": version}

    @mcp.tool()
    async def list_secrets(prefix: str = "") -> dict:
        """List your secrets' names under a prefix."""
        agent = caller("list")
        return {"prefix": prefix, "names": await vault.list(agent, checked_name(prefix.rstrip("/"), allow_empty=True))}

    @mcp.tool()
    async def delete_secret(name: str) -> dict:
        """Delete one of your secrets, every version."""
        agent = caller("delete")
        try:
            await vault.delete(agent, checked_name(name))
        except SecretNotFound:
            raise ToolError(f"secret not found: {name}") from None
        return {"name": name, "deleted": True}

    @mcp.custom_route("/health", methods=["GET"])
    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    mcp.custom_route("/oauth/token", methods=["POST"])(authorization_server.token_route)
    mcp.custom_route("/.well-known/oauth-authorization-server", methods=["GET"])(authorization_server.metadata_route)
    mcp.custom_route("/.well-known/jwks.json", methods=["GET"])(authorization_server.jwks_route)
    return mcp


if __name__ == "__main__":
    settings = from_command_line()
    build_server(settings).run("streamable-http", host=settings.host, port=settings.port)
