"""The flaw caller-by-connection: a token is checked on a connection's first request, and the later
requests on that connection ride on it. issuedesk remembers the Authorization header of the last
request on each client connection (its address and port) that was not refused 401, and a request
on that connection that comes without one is given it. With MCP 2026-07-28 there is no session to
carry a caller; a server that makes the kept-alive connection one serves whatever a client (or a
proxy pooling many users' requests on one upstream connection) sends next as the last user who
authenticated on it."""


class RememberCallerByConnection:
    def __init__(self, app):
        self.app = app
        self.by_connection: dict[tuple, bytes] = {}

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith("/mcp"):
            return await self.app(scope, receive, send)
        connection = tuple(scope.get("client") or ("?", 0))
        authorization = next((v for k, v in scope["headers"] if k.lower() == b"authorization"), None)
        if authorization is None:
            remembered = self.by_connection.get(connection)
            if remembered is not None:
                scope = {**scope, "headers": [*scope["headers"], (b"authorization", remembered)]}
            return await self.app(scope, receive, send)

        async def remember(event):
            if event["type"] == "http.response.start" and event["status"] != 401:
                self.by_connection[connection] = authorization
            await send(event)

        return await self.app(scope, receive, remember)
