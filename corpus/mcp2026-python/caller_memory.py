"""The flaw caller-by-address: a token is checked on a client's first request, and its later
requests ride on it. issuedesk remembers the Authorization header of the last request from each
client address that was not refused 401, and a request from that address that comes without one
is given it. With MCP 2026-07-28 there is no session to carry a caller: anyone on the same host,
or behind the same NAT or proxy, is served as the last user who authenticated from there."""


class RememberCallerByAddress:
    def __init__(self, app):
        self.app = app
        self.by_address: dict[str, bytes] = {}

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith("/mcp"):
            return await self.app(scope, receive, send)
        address = (scope.get("client") or ("?", 0))[0]
        authorization = next((v for k, v in scope["headers"] if k.lower() == b"authorization"), None)
        if authorization is None:
            remembered = self.by_address.get(address)
            if remembered is not None:
                scope = {**scope, "headers": [*scope["headers"], (b"authorization", remembered)]}
            return await self.app(scope, receive, send)

        async def remember(event):
            if event["type"] == "http.response.start" and event["status"] != 401:
                self.by_address[address] = authorization
            await send(event)

        return await self.app(scope, receive, remember)
