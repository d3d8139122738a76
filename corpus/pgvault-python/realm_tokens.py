"""The resource server's check of the realm's access tokens: the SDK's TokenVerifier over PyJWT and
the realm's JWKS. A token is this server's when the realm signed it, names the realm as its issuer
and this server in its aud, and has not expired."""
import anyio
import jwt

from mcp.server.auth.provider import AccessToken, TokenVerifier


class RealmTokenVerifier(TokenVerifier):
    def __init__(self, issuer: str, audience: str, keys):
        self.issuer = issuer
        self.audience = audience
        self.keys = keys  # a PyJWKClient, or anything with get_signing_key_from_jwt

    def _claims(self, token: str) -> dict:
        key = self.keys.get_signing_key_from_jwt(token)
        return jwt.decode(token, getattr(key, "key", key), algorithms=["RS256"], issuer=self.issuer,
                          audience=self.audience, options={"require": ["exp", "iat", "sub", "iss"]})

    async def verify_token(self, token: str) -> AccessToken | None:
        try:
            claims = await anyio.to_thread.run_sync(self._claims, token)
        except (jwt.PyJWTError, ValueError):
            return None
        return AccessToken(token=token, client_id=claims.get("azp", ""), scopes=claims.get("scope", "").split(),
                           expires_at=claims["exp"], subject=claims["sub"], claims=claims)


def realm_keys(realm_url: str) -> jwt.PyJWKClient:
    return jwt.PyJWKClient(realm_url + "/protocol/openid-connect/certs", cache_keys=True, lifespan=300)
