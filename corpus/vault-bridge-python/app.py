"""vault-bridge-python: agents reach their own Vault secrets through MCP (Streamable HTTP at
/agents/mcp), identified by an API key, an HS256 JWT or the client certificate nginx verified.

    python app.py --port 8000 --api-keys-file keys.json --jwt-secret-file jwt.key \
        [--trusted-proxy 127.0.0.2] [--flaw NAME ...]
    env: VAULT_ADDR, VAULT_TOKEN (the bridge's token, which mints the agents' child tokens)
"""
import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, PlainTextResponse

from mcp.server.mcpserver import MCPServer

from agent_auth import AgentAuthBackend, JwtRules, Refused
from bridge_tools import add_bridge_tools
from settings import MCP_PATH, Settings, from_command_line
from vault_client import AgentVault

METADATA_PATH = "/.well-known/oauth-protected-resource" + MCP_PATH


def build_app(settings: Settings, vault_transport: httpx.AsyncBaseTransport | None = None) -> Starlette:
    """The ASGI app; `vault_transport` replaces the network for tests."""
    vault = AgentVault(settings.vault_addr, settings.vault_token, settings.kv_mount, settings.kv_base,
                       settings.agent_policy, use_bridge_token="bridge-token" in settings.flaws,
                       fail_open="fail-open" in settings.flaws, transport=vault_transport)
    mcp = MCPServer("vault-bridge-python", instructions="Read and keep the calling agent's own secrets.")
    add_bridge_tools(mcp, vault, unquote_after_check="unquote-after-check" in settings.flaws)
    origin = settings.public_url.removesuffix(MCP_PATH)

    @mcp.custom_route(METADATA_PATH, methods=["GET"])
    async def protected_resource(request: Request) -> JSONResponse:
        return JSONResponse({"resource": settings.public_url, "bearer_methods_supported": ["header"],
                             "resource_name": "vault-bridge-python"})

    @mcp.custom_route("/livez", methods=["GET"])
    async def livez(request: Request) -> PlainTextResponse:
        return PlainTextResponse("alive\n")

    if "config-route" in settings.flaws:
        # "For troubleshooting": the settings the bridge runs with, to anyone who asks.
        @mcp.custom_route("/debug/config", methods=["GET"])
        async def debug_config(request: Request) -> JSONResponse:
            return JSONResponse({"vault_addr": settings.vault_addr, "vault_token": settings.vault_token,
                                 "kv_mount": settings.kv_mount, "kv_base": settings.kv_base,
                                 "agent_policy": settings.agent_policy, "public_url": settings.public_url})

    def refused(conn: HTTPConnection, exc: Refused) -> JSONResponse:
        challenge = f'Bearer resource_metadata="{origin}{METADATA_PATH}"'
        if exc.error:
            challenge += f', error="{exc.error}", error_description="{exc}"'
        return JSONResponse({"error": exc.error or "unauthorized", "error_description": str(exc)},
                            status_code=exc.status, headers={"WWW-Authenticate": challenge})

    backend = AgentAuthBackend(MCP_PATH, settings.agent_scopes, settings.api_keys,
                               JwtRules(settings.jwt_secret, settings.jwt_issuer, settings.jwt_audience),
                               settings.trusted_proxy, settings.flaws)
    app = mcp.streamable_http_app(streamable_http_path=MCP_PATH)
    app.add_middleware(AuthenticationMiddleware, backend=backend, on_error=refused)
    return app


if __name__ == "__main__":
    settings = from_command_line()
    uvicorn.run(build_app(settings), host="127.0.0.1", port=settings.port, proxy_headers=False, log_level="warning")
