"""Jira and GitHub for the users of an Amazon Cognito user pool, over MCP's HTTP+SSE transport
(protocol 2024-11-05: GET /sse opens the stream, POST /messages/?session_id=… carries each
message): an MCPServer (the Python SDK's FastMCP, renamed in mcp 2) and its SSE app behind a
guard that checks each request's Cognito access token. Each call uses the caller's own
credential, read from Vault with the caller's own token (Cognito has no token exchange).

    python app.py --port 8000 --issuer ISS [--jwks-url URL] --app-client ID --vault-addr URL \
        --jira-url URL --github-url URL [--flaw NAME ...]
"""
import httpx
import uvicorn

from mcp.server.auth.routes import build_resource_metadata_url, create_protected_resource_routes
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import AnyHttpUrl
from starlette.requests import Request
from starlette.responses import JSONResponse

from backends import Backend, github_authorization, issue_path, jira_authorization, search_path
from cognito_tokens import CognitoTokens, CognitoUser
from settings import Settings, from_command_line
from sse_auth import REQUEST_USER, CognitoAuthGuard
from user_credentials import CredentialError, UserCredentials


def build_app(settings: Settings, transport: httpx.AsyncBaseTransport | None = None):
    """The ASGI app; `transport` replaces the network to Vault and the backends in tests."""
    credentials = UserCredentials(settings.vault_addr, settings.vault_role, settings.timeout_s, transport)
    jira = Backend("Jira", settings.jira_url, settings.timeout_s, transport)
    github = Backend("GitHub", settings.github_url, settings.timeout_s, transport)
    mcp = MCPServer("devtools", instructions="Your own Jira issues and GitHub repositories.")

    def caller(ctx: Context) -> tuple[CognitoUser, str | None]:
        """The user the guard says this message runs as, and the message's traceparent."""
        request = ctx.request_context.request
        user = request.scope.get(REQUEST_USER) if request is not None else None
        if user is None:
            raise ToolError("not authenticated")
        return user, request.headers.get("traceparent") if request is not None else None

    async def call(ctx: Context, backend: Backend, secret_name: str, authorization, path: str):
        user, traceparent = caller(ctx)
        try:
            owner, secret = await credentials.secret(user.token, secret_name, traceparent)
            return await backend.get(path, authorization(secret, owner), traceparent)
        except CredentialError as error:
            raise ToolError(str(error)) from None

    @mcp.tool()
    async def get_issue(issue_key: str, ctx: Context) -> dict:
        """Get one Jira issue."""
        return await call(ctx, jira, "jira", jira_authorization, issue_path(issue_key))

    @mcp.tool()
    async def list_issues(ctx: Context, jql: str = "order by created DESC") -> dict:
        """Search your Jira issues with JQL."""
        return await call(ctx, jira, "jira", jira_authorization, search_path(jql))

    @mcp.tool()
    async def list_repos(ctx: Context) -> dict:
        """List your GitHub repositories."""
        return {"repositories": await call(ctx, github, "github", github_authorization, "/user/repos")}

    @mcp.custom_route("/health", methods=["GET"])
    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    # The resource is the stream's URL; its metadata names the pool as the authorization server.
    resource = AnyHttpUrl(settings.public_url + "/sse")
    sse = mcp.sse_app(host=settings.host)
    sse.router.routes.extend(create_protected_resource_routes(resource, [AnyHttpUrl(settings.issuer)]))
    return CognitoAuthGuard(sse, CognitoTokens(settings), str(build_resource_metadata_url(resource)),
                            stream_only="stream-only-auth" in settings.flaws)


if __name__ == "__main__":
    settings = from_command_line()
    uvicorn.run(build_app(settings), host=settings.host, port=settings.port, log_level="warning")
