"""The resource server's check of a bearer token: the SDK's TokenVerifier over PyJWT."""
import jwt

from mcp.server.auth.provider import AccessToken, TokenVerifier

from keys import SigningKey
from settings import Settings


class JwtTokenVerifier(TokenVerifier):
    def __init__(self, settings: Settings, key: SigningKey):
        self.settings = settings
        self.key = key

    async def verify_token(self, token: str) -> AccessToken | None:
        check_aud = "aud-unchecked" not in self.settings.flaws
        try:
            claims = jwt.decode(
                token, self.key.public_key, algorithms=["RS256"], issuer=self.settings.public_url,
                audience=self.settings.resource_url if check_aud else None,
                options={"require": ["exp", "iat", "sub"], "verify_aud": check_aud})
        except jwt.PyJWTError:
            return None
        scope = claims.get("scope", "")
        return AccessToken(token=token, client_id=claims.get("client_id", claims["sub"]), scopes=scope.split(),
                           expires_at=claims["exp"], subject=claims["sub"], claims=claims)
