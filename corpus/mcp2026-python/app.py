"""issuedesk: a user's Jira issues over MCP 2026-07-28, on the Python SDK's MCPServer (Streamable
HTTP at /mcp, stateless, JSON responses; the SDK serves the revision's sessionless requests beside
the handshake era's). A user calls with her access token of the Keycloak realm, checked by the
SDK's bearer authentication through a TokenVerifier; each call reaches Jira with her own Jira
credential from Vault. Deleting an issue asks her to confirm (input_required, an elicitation and a
requestState sealed by the SDK's RequestStateBoundary with issuedesk's codec, bound to her and to
the deletion, 5 s by default, taken once: issue_tools.py); her identity resource is hers alone
and private.

    python app.py --port 8000 --issuer URL --realm-url URL --vault-url URL --jira-url URL
                  [--request-state-ttl-ms 5000] [--rate-limit 20/1000ms] [--flaw NAME ...]
    env: ISSUEDESK_CLIENT_SECRET (its client's secret at the realm), ISSUEDESK_PUBLIC_URL
"""
import json

import uvicorn
from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.auth.routes import build_resource_metadata_url
from mcp.server.auth.settings import AuthSettings
from mcp.server.caching import CacheHint
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError
from mcp.server.request_state import RequestStateSecurity, authenticated_principal
from mcp_types import Resource as MCPResource
from starlette.requests import Request
from starlette.responses import JSONResponse

from call_budget import CallBudget
from caller_memory import RememberCallerByConnection
from confirmations import Confirmations
from issue_tools import register_issue_tools
from jira_access import JiraAccess
from realm_tokens import RealmTokenVerifier, realm_keys
from scope_gate import ScopeGate
from settings import Settings, from_command_line
from state_codec import SignedStateCodec


def caller_name() -> str:
    token = get_access_token()
    return (token.claims or {}).get("preferred_username", "") if token else ""


def identity_uri(user: str) -> str:
    return f"user://{user}/identity"


class IssueDesk(MCPServer):
    """MCPServer whose resource list is the caller's own: her identity resource."""

    async def list_resources(self) -> list[MCPResource]:
        user = caller_name()
        return [MCPResource(uri=identity_uri(user), name=f"{user}'s identity", mime_type="application/json")]


def build_server(settings: Settings, jira: JiraAccess, keys=None) -> IssueDesk:
    verifier = RealmTokenVerifier(settings.issuer, settings.audience, keys or realm_keys(settings.realm_url))
    state_security = RequestStateSecurity(
        codec=SignedStateCodec(settings.state_key, verify="state-unverified" not in settings.flaws),
        ttl=settings.state_ttl_s,
        bind_principal=None if "state-any-caller" in settings.flaws else authenticated_principal)
    scope = "public" if "public-cache" in settings.flaws else "private"
    hint = CacheHint(ttl_ms=30000, scope=scope)
    mcp = IssueDesk("issuedesk", instructions="A user's Jira issues.", token_verifier=verifier,
                    auth=AuthSettings(issuer_url=settings.issuer, resource_server_url=settings.public_url + "/mcp",
                                      validate_token_resource=False),
                    request_state_security=state_security,
                    cache_hints={"resources/list": hint, "resources/read": hint})
    confirmations = Confirmations(settings.state_ttl_s, remember="state-reusable" not in settings.flaws)
    register_issue_tools(mcp, jira, confirmations)

    @mcp.resource("user://{username}/identity", mime_type="application/json")
    def identity(username: str) -> str:
        """Who issuedesk takes the caller to be."""
        token = get_access_token()
        if token is None or caller_name() != username:
            raise ResourceNotFoundError(f"Unknown resource: {identity_uri(username)}")
        return json.dumps({"user": username, "subject": token.subject, "client": token.client_id,
                           "scopes": token.scopes})

    @mcp.custom_route("/health", methods=["GET"])
    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    return mcp


def build_app(settings: Settings, jira: JiraAccess | None = None, keys=None):
    mcp = build_server(settings, jira or JiraAccess(settings), keys)
    app = mcp.streamable_http_app(stateless_http=True, json_response=True)
    metadata = str(build_resource_metadata_url(settings.public_url + "/mcp"))
    for route in app.routes:
        if getattr(route, "path", None) == "/mcp":
            route.app = ScopeGate(route.app, metadata, from_header="scope-from-header" in settings.flaws)
            if settings.rate_limit is not None:
                calls, window_s = settings.rate_limit
                route.app = CallBudget(route.app, calls, window_s)
    if "caller-by-connection" in settings.flaws:
        return RememberCallerByConnection(app)
    return app


if __name__ == "__main__":
    settings = from_command_line()
    uvicorn.run(build_app(settings), host=settings.host, port=settings.port, log_level="warning")
