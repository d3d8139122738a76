"""Each user's tool calls, limited: at most `calls` in any `window_s`, counted per verified subject
after the SDK's bearer authentication. A call beyond it is refused 429 with Retry-After (the
seconds until the oldest call of the window leaves it) before it reaches the SDK; a JSON-RPC batch
counts each of its calls. Other requests (lists, reads) are not charged."""
import collections
import json
import math
import time

from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from starlette.responses import JSONResponse

from asgi_body import read_body, replaying


def parse_limit(text: str) -> tuple[int, float]:
    """'20/1000ms' → (20, 1.0)."""
    calls, _, window = text.partition("/")
    if not calls.isdigit() or not window.endswith("ms") or not window[:-2].isdigit() or int(calls) < 1:
        raise ValueError(f"a rate limit is CALLS/WINDOWms, like 20/1000ms, not {text!r}")
    return int(calls), int(window[:-2]) / 1000


def tool_calls(body: bytes) -> int:
    try:
        message = json.loads(body)
    except ValueError:
        return 0
    messages = message if isinstance(message, list) else [message]
    return sum(1 for m in messages if isinstance(m, dict) and m.get("method") == "tools/call")


class CallBudget:
    def __init__(self, app, calls: int, window_s: float, clock=time.monotonic):
        self.app = app
        self.calls = calls
        self.window_s = window_s
        self.clock = clock
        self.spent: dict[str, collections.deque] = collections.defaultdict(collections.deque)

    def _charge(self, who: str, count: int) -> float | None:
        """Spends `count` calls of who's budget; else the seconds until enough are free."""
        now = self.clock()
        spent = self.spent[who]
        while spent and spent[0] <= now - self.window_s:
            spent.popleft()
        if len(spent) + count > self.calls:
            oldest = spent[0] if spent else now
            return max(oldest + self.window_s - now, 0.001)
        spent.extend([now] * count)
        return None

    async def __call__(self, scope, receive, send):
        user = scope.get("user")
        if scope["type"] != "http" or scope["method"] != "POST" or not isinstance(user, AuthenticatedUser):
            return await self.app(scope, receive, send)
        body = await read_body(receive)
        count = tool_calls(body)
        wait = self._charge(user.access_token.subject or "", count) if count else None
        if wait is not None:
            refusal = JSONResponse({"jsonrpc": "2.0", "id": None,
                                    "error": {"code": -32000, "message": "Too many calls: slow down"}},
                                   status_code=429, headers={"Retry-After": str(math.ceil(wait))})
            return await refusal(scope, receive, send)
        return await self.app(scope, replaying(body, receive), send)
