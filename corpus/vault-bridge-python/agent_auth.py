"""Who calls the bridge: a Starlette AuthenticationBackend that names the request's agent from
one credential, with the scopes it may use:

- its API key in `X-Bridge-Api-Key` (compared in constant time);
- an HS256 JWT in `Authorization: Bearer`, with the bridge's `iss` and `aud`, an `exp` and the agent
  in `sub`; its `scp` claim, a list of scopes, narrows the agent's scopes, never widens them;
- the client certificate nginx verified, whose subject it passes in `X-SSL-Client-S-DN` and its
  verdict in `X-SSL-Client-Verify`: believed only from the proxy's own address with `SUCCESS`.

Flaws of the flawed variant: `loopback-trusted` believes the certificate headers from any
loopback address ("the proxy runs on this host"), `verify-unchecked` takes the subject without
looking at the verdict, `exp-optional` leaves out PyJWT's `require: ["exp"]`, so a token without
an expiry is good forever.
"""
import hmac
import ipaddress
from dataclasses import dataclass

import jwt
from starlette.authentication import AuthCredentials, AuthenticationBackend, AuthenticationError, SimpleUser
from starlette.requests import HTTPConnection

from client_dn import NoSingleCommonName, common_name

API_KEY_HEADER = "x-bridge-api-key"
DN_HEADER = "x-ssl-client-s-dn"
VERIFY_HEADER = "x-ssl-client-verify"


class Refused(AuthenticationError):
    """No agent: `error` is RFC 6750's code for the challenge ("" when no credential came)."""

    def __init__(self, description: str, error: str = "invalid_token", status: int = 401):
        super().__init__(description)
        self.error, self.status = error, status


@dataclass(frozen=True)
class JwtRules:
    secret: bytes
    issuer: str
    audience: str


class AgentAuthBackend(AuthenticationBackend):
    def __init__(self, protected_path: str, agent_scopes: dict[str, list[str]], api_keys: dict[str, str],
                 jwt_rules: JwtRules, trusted_proxy: str | None, flaws: frozenset[str] = frozenset()):
        self.protected_path = protected_path
        self.agent_scopes = agent_scopes
        self.api_keys = {agent: key for agent, key in api_keys.items() if agent in agent_scopes}
        self.jwt_rules = jwt_rules
        self.trusted_proxy = trusted_proxy
        self.flaws = flaws

    async def authenticate(self, conn: HTTPConnection):
        if conn.url.path != self.protected_path:
            return None
        api_key = conn.headers.get(API_KEY_HEADER)
        authorization = conn.headers.get("authorization")
        if api_key and authorization:
            raise Refused("one credential per request: an API key or a bearer token", "invalid_request", 400)
        if api_key:
            return self.granted(self.agent_of_key(api_key))
        if authorization:
            scheme, _, token = authorization.partition(" ")
            if scheme.lower() != "bearer" or not token or " " in token.strip():
                raise Refused("malformed Authorization header", "invalid_request", 400)
            return self.granted(*self.agent_of_jwt(token.strip()))
        if conn.headers.get(DN_HEADER):
            return self.granted(self.agent_of_certificate(conn))
        raise Refused("authentication required", error="")

    def granted(self, agent: str, token_scopes: set[str] | None = None):
        scopes = set(self.agent_scopes[agent])
        if token_scopes is not None:
            scopes &= token_scopes
        return AuthCredentials(sorted(scopes)), SimpleUser(agent)

    def agent_of_key(self, presented: str) -> str:
        for agent, key in self.api_keys.items():
            if hmac.compare_digest(key.encode(), presented.encode()):
                return agent
        raise Refused("unknown API key")

    def agent_of_jwt(self, token: str) -> tuple[str, set[str]]:
        rules = self.jwt_rules
        required = ["iss", "aud", "sub"] + (["exp"] if "exp-optional" not in self.flaws else [])
        try:
            claims = jwt.decode(token, rules.secret, algorithms=["HS256"], issuer=rules.issuer,
                                audience=rules.audience, leeway=5, options={"require": required})
        except jwt.InvalidTokenError:
            raise Refused("the token was refused") from None
        agent = claims["sub"]
        if agent not in self.agent_scopes:
            raise Refused("the token names no agent of this bridge")
        scopes = claims.get("scp", [])
        if not isinstance(scopes, list) or not all(isinstance(word, str) for word in scopes):
            raise Refused("the token's scp is not a list of scopes")
        return agent, set(scopes)

    def from_proxy(self, conn: HTTPConnection) -> bool:
        peer = conn.client.host if conn.client else ""
        if self.trusted_proxy is None or not peer:
            return False
        if "loopback-trusted" in self.flaws:
            return ipaddress.ip_address(peer).is_loopback
        return peer == self.trusted_proxy

    def agent_of_certificate(self, conn: HTTPConnection) -> str:
        if not self.from_proxy(conn):
            raise Refused("client certificates are only taken through the TLS proxy")
        if "verify-unchecked" not in self.flaws and conn.headers.get(VERIFY_HEADER) != "SUCCESS":
            raise Refused("the client certificate was not verified")
        try:
            agent = common_name(conn.headers[DN_HEADER])
        except NoSingleCommonName:
            raise Refused("the certificate does not name one agent") from None
        if agent not in self.agent_scopes:
            raise Refused("the certificate names no agent of this bridge")
        return agent
