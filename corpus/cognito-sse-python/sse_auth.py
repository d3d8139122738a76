"""The guard in front of the SDK's HTTP+SSE app: each request's bearer token checked as a Cognito
access token, and the caller handed on twice: to the SDK (`scope["user"]`, from which it binds a
session to the user who opened it and serves a POST /messages/ of that session to that user only)
and to the tools (`scope[REQUEST_USER]`, the message's own request, which a tool reads).

RFC 6750's answers, each challenge naming the protected-resource metadata (RFC 9728 §5.1, as the
MCP authorization rules want): no Bearer credential gets the bare challenge (§3.1: no error code),
a token that does not verify `invalid_token`, two Authorization headers 400 `invalid_request`.

The flawed variant's `stream-only-auth`: only GET /sse is checked. The guard remembers who opened
each session (the session id read from the stream's `endpoint` event) and runs every POST
/messages/ naming that session as that user, with any token or none; the SDK is never told who
opened it, so its own check of the session's owner has nobody to compare.
"""
import json
import re


import jwt

from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from mcp.server.auth.provider import AccessToken
from starlette.authentication import AuthCredentials

from cognito_tokens import CognitoTokens, CognitoUser, Unverifiable

REQUEST_USER = "cognito.user"  # the scope key of the user a tool call runs as
SESSION_IN_ENDPOINT = re.compile(rb"session_id=([0-9a-f]{32})")

CHECKED_PATHS = ("/sse", "/messages/")


async def answer(send, status: int, body: dict, headers: list[tuple[bytes, bytes]]) -> None:
    data = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode()), *headers]})
    await send({"type": "http.response.body", "body": data})


class CognitoAuthGuard:
    def __init__(self, app, tokens: CognitoTokens, resource_metadata: str, stream_only: bool = False):
        self.app = app
        self.tokens = tokens
        self.resource_metadata = resource_metadata
        self.stream_only = stream_only
        self.session_openers: dict[str, CognitoUser] = {}  # stream-only-auth: session id -> its opener

    def challenge(self, error: str = "") -> list[tuple[bytes, bytes]]:
        value = f'Bearer resource_metadata="{self.resource_metadata}"' + (f', error="{error}"' if error else "")
        return [(b"www-authenticate", value.encode())]

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if self.stream_only and path.startswith("/messages/"):
            return await self.as_session_opener(scope, receive, send)
        if not path.startswith(CHECKED_PATHS):
            return await self.app(scope, receive, send)
        authorizations = [value.decode("latin-1") for name, value in scope["headers"] if name == b"authorization"]
        if len(authorizations) > 1:
            return await answer(send, 400, {"error": "invalid_request", "error_description": "one Authorization header"},
                                self.challenge("invalid_request"))
        scheme, _, token = authorizations[0].partition(" ") if authorizations else ("", "", "")
        if scheme.lower() != "bearer":
            return await answer(send, 401, {"error": "unauthorized"}, self.challenge())
        try:
            user = self.tokens.verify(token)
        except Unverifiable:
            return await answer(send, 503, {"error": "temporarily_unavailable",
                                            "error_description": "the user pool's keys cannot be fetched"}, [])
        except jwt.InvalidTokenError:
            return await answer(send, 401, {"error": "invalid_token", "error_description": "the token was refused"},
                                self.challenge("invalid_token"))
        scope[REQUEST_USER] = user
        if self.stream_only:
            return await self.app(scope, receive, self.remembering_opener(send, user))
        scope["user"] = AuthenticatedUser(AccessToken(token=token, client_id=user.client_id, scopes=[],
                                                      expires_at=user.claims["exp"], subject=user.subject,
                                                      claims={"iss": user.claims["iss"]}))
        scope["auth"] = AuthCredentials([])
        return await self.app(scope, receive, send)

    def remembering_opener(self, send, user: CognitoUser):
        """stream-only-auth: `send` of the stream, noting the session id its endpoint event names."""
        async def sending(message):
            if message["type"] == "http.response.body":
                found = SESSION_IN_ENDPOINT.search(message.get("body", b""))
                if found:
                    self.session_openers[found.group(1).decode()] = user
            await send(message)
        return sending

    async def as_session_opener(self, scope, receive, send):
        """stream-only-auth: a message runs as whoever opened the session its query names."""
        query = dict(pair.split("=", 1) for pair in scope.get("query_string", b"").decode().split("&") if "=" in pair)
        opener = self.session_openers.get(query.get("session_id", ""))
        if opener is not None:
            scope[REQUEST_USER] = opener
        return await self.app(scope, receive, send)
