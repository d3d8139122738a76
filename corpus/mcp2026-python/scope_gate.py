"""The scope a call needs, checked in front of the SDK's /mcp endpoint, after its bearer
authentication: the SDK's RequireAuthMiddleware knows one set of scopes for every request, and
creating or deleting an issue needs jira-mcp.write besides. A call without it is refused 403 with
a Bearer insufficient_scope challenge naming the scope and the protected resource metadata, before
the request reaches the SDK. The tool is the one the body calls.

The flaw scope-from-header: the gate reads the call from the Mcp-Method and Mcp-Name headers, as a
gateway would, without parsing the body; and so that the SDK does not refuse a client whose headers
it mis-encoded, it then writes the routing headers afresh from the body. A request whose headers
name a harmless call runs the body's, whatever that is, and whatever scope it needs."""
import json

from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from starlette.responses import JSONResponse

from asgi_body import read_body, replaying

WRITE_SCOPE = "jira-mcp.write"
WRITE_TOOLS = frozenset({"create_issue", "delete_issue"})


def _header(scope, name: bytes) -> str | None:
    return next((v.decode("latin-1") for k, v in scope["headers"] if k.lower() == name), None)


def needed_scope(method, name) -> str | None:
    return WRITE_SCOPE if method == "tools/call" and name in WRITE_TOOLS else None


def _routing_from_body(scope, message: dict) -> None:
    """The flaw's repair: Mcp-Method and Mcp-Name rewritten to say what the body says."""
    routing = {b"mcp-method", b"mcp-name"}
    headers = [(k, v) for k, v in scope["headers"] if k.lower() not in routing]
    method = message.get("method")
    params = message.get("params") if isinstance(message.get("params"), dict) else {}
    if isinstance(method, str):
        headers.append((b"mcp-method", method.encode("latin-1", "replace")))
        name = params.get("uri" if method == "resources/read" else "name")
        if isinstance(name, str):
            headers.append((b"mcp-name", name.encode("latin-1", "replace")))
    scope["headers"] = headers


class ScopeGate:
    def __init__(self, app, resource_metadata_url: str, from_header: bool = False):
        self.app = app
        self.resource_metadata_url = resource_metadata_url
        self.from_header = from_header

    async def __call__(self, scope, receive, send):
        user = scope.get("user")
        if scope["type"] != "http" or scope["method"] != "POST" or not isinstance(user, AuthenticatedUser):
            return await self.app(scope, receive, send)  # the SDK answers it (401 for no token)
        body = await read_body(receive)
        try:
            message = json.loads(body)
        except ValueError:
            message = None
        message = message if isinstance(message, dict) else {}
        params = message.get("params") if isinstance(message.get("params"), dict) else {}
        if self.from_header:
            method, name = _header(scope, b"mcp-method"), _header(scope, b"mcp-name")
            _routing_from_body(scope, message)
        else:
            method, name = message.get("method"), params.get("name")
        needed = needed_scope(method, name)
        if needed is not None and needed not in user.scopes:
            challenge = (f'Bearer error="insufficient_scope", scope="{needed}", '
                         f'resource_metadata="{self.resource_metadata_url}", '
                         f'error_description="{name} needs the scope {needed}"')
            refusal = JSONResponse({"error": "insufficient_scope", "error_description": f"{name} needs {needed}"},
                                   status_code=403, headers={"WWW-Authenticate": challenge})
            return await refusal(scope, receive, send)
        return await self.app(scope, replaying(body, receive), send)
