"""agentgate: tools for agent workloads over MCP (the Python SDK's MCPServer on Streamable HTTP at
/mcp). A workload calls with a Keycloak access token bound to its key (Authorization: DPoP, and a
DPoP proof), the token got for its SPIFFE JWT-SVID; OPA decides each call from the workload's
tier, which agentgate's registry gives its verified SPIFFE ID.

    python app.py --port 8000 [--registry workloads.json] [--flaw tier-from-header ...]
    env: AGENTGATE_ISSUER, AGENTGATE_AUDIENCE, OPA_URL, AGENTGATE_JWKS_URL, AGENTGATE_PUBLIC_URL
"""
import uvicorn

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from starlette.requests import Request
from starlette.responses import JSONResponse

from authz import Authorizer
from identity import Unauthorized, WorkloadAuthenticator
from settings import Settings, from_command_line


class RequireWorkload:
    """ASGI middleware in front of /mcp: the SDK's auth knows Bearer only, so the DPoP check is
    ours. The verified SPIFFE ID goes into the request's state for the tools."""

    def __init__(self, app, settings: Settings, authenticator: WorkloadAuthenticator):
        self.app = app
        self.settings = settings
        self.authenticator = authenticator

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith("/mcp"):
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        url = self.settings.public_url + scope["path"]
        try:
            spiffe_id = self.authenticator.authenticate(headers.get("authorization", ""), headers.get("dpop"),
                                                        scope["method"], url)
        except Unauthorized as e:
            description = str(e).replace('"', "'")
            response = JSONResponse({"error": "invalid_token", "error_description": str(e)}, status_code=401,
                                    headers={"WWW-Authenticate": f'DPoP error="invalid_token", '
                                                                 f'error_description="{description}", algs="ES256 RS256"'})
            return await response(scope, receive, send)
        scope.setdefault("state", {})["workload"] = spiffe_id
        return await self.app(scope, receive, send)


def build_app(settings: Settings, authenticator: WorkloadAuthenticator | None = None, opa_transport=None):
    authorizer = Authorizer(settings, transport=opa_transport)
    mcp = MCPServer("agentgate", instructions="Documents, records, HTTP and processes for agent workloads.")

    async def authorize(ctx: Context, tool: str, tool_class: str, verb: str) -> str:
        request = ctx.request_context.request
        spiffe_id = request.state.workload
        permitted, why = await authorizer.permitted(spiffe_id, request.headers, tool, tool_class, verb)
        if not permitted:
            raise ToolError(f"denied: {why}")
        return spiffe_id

    @mcp.tool()
    async def read_document(path: str, ctx: Context) -> dict:
        """Read a document of the workspace."""
        caller = await authorize(ctx, "read_document", "documents", "read")
        return {"path": path, "content": f"contents of {path}", "read_by": caller}

    @mcp.tool()
    async def write_document(path: str, content: str, ctx: Context) -> dict:
        """Write a document of the workspace."""
        caller = await authorize(ctx, "write_document", "documents", "write")
        return {"path": path, "bytes": len(content.encode()), "written_by": caller}

    @mcp.tool()
    async def query_records(table: str, ctx: Context) -> dict:
        """Read the records of a table."""
        caller = await authorize(ctx, "query_records", "records", "read")
        return {"table": table, "records": [], "read_by": caller}

    @mcp.tool()
    async def fetch_url(url: str, ctx: Context) -> dict:
        """GET a URL of the allow-listed APIs."""
        caller = await authorize(ctx, "fetch_url", "http", "read")
        return {"url": url, "status": 200, "fetched_by": caller}

    @mcp.tool()
    async def run_command(argv: list[str], ctx: Context) -> dict:
        """Run a command in the workload's sandbox."""
        caller = await authorize(ctx, "run_command", "process", "run")
        return {"argv": argv, "exit_code": 0, "run_by": caller}

    @mcp.custom_route("/health", methods=["GET"])
    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    app = mcp.streamable_http_app(host=settings.host, json_response=True)
    authenticator = authenticator or WorkloadAuthenticator(settings)
    return RequireWorkload(app, settings, authenticator)


if __name__ == "__main__":
    settings = from_command_line()
    uvicorn.run(build_app(settings), host=settings.host, port=settings.port, log_level="warning")
