"""issuedesk's requestState codec for the SDK's RequestStateBoundary: the envelope the SDK builds
(expiry, request binding, caller) as readable base64url JSON with an HMAC-SHA256 tag,
`<payload>.<tag>`, so that an operator can read a state in a log and replicas sharing the key take
each other's states. unseal refuses any token whose tag is not the key's over its payload.

The flaw state-unverified: the payload is decoded and the tag never checked, so a client that
rewrites the state (its expiry, its caller, what it confirms) is taken at its word."""
import base64
import binascii
import hashlib
import hmac

from mcp.server.request_state import InvalidRequestState


def _b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64u(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise InvalidRequestState("malformed") from None


class SignedStateCodec:
    def __init__(self, key: bytes, verify: bool = True):
        if len(key) < 32:
            raise ValueError("the requestState key must be 32 bytes or more")
        self.key = key
        self.verify = verify

    def _tag(self, payload: bytes) -> bytes:
        return hmac.new(self.key, b"issuedesk/request-state/v1." + payload, hashlib.sha256).digest()

    def seal(self, payload: bytes) -> str:
        return _b64u(payload) + "." + _b64u(self._tag(payload))

    def unseal(self, token: str) -> bytes:
        body, dot, tag = token.partition(".")
        if not dot:
            raise InvalidRequestState("malformed")
        payload = _unb64u(body)
        if self.verify and not hmac.compare_digest(_unb64u(tag), self._tag(payload)):
            raise InvalidRequestState("tag")
        return payload
