"""A Cognito user pool's access tokens, checked with PyJWT against the pool's JWKS.

Cognito's access tokens carry no `aud`: what says a token is this server's to take is `token_use`
(`access`, not an ID token of the same pool and keys), `client_id` (an app client on the
allow-list, not another client of the pool) and `iss` (this pool). The flawed variant's switches:
`id-token-accepted` takes either kind of token, its client from `client_id` or else `aud`, as a
team does whose web client sometimes sends the ID token; `client-id-unchecked` takes any client
of the pool.
"""
from dataclasses import dataclass

import jwt

from settings import Settings


class Unverifiable(Exception):
    """The token cannot be checked now: the pool's keys cannot be fetched and none is held."""


@dataclass(frozen=True)
class CognitoUser:
    subject: str  # the pool's `sub`: the user, whatever their username
    username: str
    client_id: str
    token: str
    claims: dict


class CognitoTokens:
    def __init__(self, settings: Settings):
        self.settings = settings
        # The pool's keys are cached; an unknown kid refetches them, at most once a second.
        self.keys = jwt.PyJWKClient(settings.jwks_url, lifespan=300, timeout=settings.timeout_s,
                                     cooldown_duration=1)

    def signing_key(self, token: str):
        try:
            return self.keys.get_signing_key_from_jwt(token).key
        except jwt.PyJWKClientConnectionError as error:
            # A kid it holds keeps verifying while Cognito is down. One it must fetch is a token
            # it cannot verify: refused when it holds the pool's keys, unverifiable (503) when it
            # holds none yet.
            if self.keys.jwk_set_cache is not None and self.keys.jwk_set_cache.get() is not None:
                raise jwt.InvalidTokenError("the token's key is not among the pool's keys held") from error
            raise Unverifiable("the user pool's keys cannot be fetched") from error
        except jwt.PyJWKClientError as error:
            raise jwt.InvalidTokenError(str(error)) from error

    def verify(self, token: str) -> CognitoUser:
        """The token's user; jwt.InvalidTokenError when it is not an access token this server takes."""
        flaws = self.settings.flaws
        claims = jwt.decode(token, self.signing_key(token), algorithms=["RS256"], issuer=self.settings.issuer,
                            options={"require": ["exp", "iat", "sub", "iss", "token_use"], "verify_aud": False})
        if "id-token-accepted" in flaws:
            if claims["token_use"] not in ("access", "id"):
                raise jwt.InvalidTokenError("not a token of the pool")
            client_id = claims.get("client_id") or claims.get("aud")
        else:
            if claims["token_use"] != "access":
                raise jwt.InvalidTokenError("not an access token")
            client_id = claims.get("client_id")
        if "client-id-unchecked" not in flaws and client_id not in self.settings.app_clients:
            raise jwt.InvalidTokenError("not a token of an allowed app client")
        return CognitoUser(subject=claims["sub"], username=claims.get("username") or claims.get("cognito:username", ""),
                           client_id=str(client_id), token=token, claims=claims)
