"""The agents' authorization server: the client credentials grant (RFC 6749 §4.4) at
POST /oauth/token, its errors as §5.2 has them, its metadata (RFC 8414) and its JWKS."""
import base64
import binascii
import hmac
import time
import uuid
from urllib.parse import unquote_plus

import jwt
from starlette.requests import Request
from starlette.responses import JSONResponse

from keys import SigningKey
from scopes import grantable
from settings import Settings

TOKEN_LIFETIME = 300
LONG_TOKEN_LIFETIME = 30 * 24 * 3600


def oauth_error(error: str, description: str, status: int = 400) -> JSONResponse:
    headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
    if status == 401:  # every 401 names the scheme to use (RFC 9110 §15.5.2), however the client tried
        headers["WWW-Authenticate"] = 'Basic realm="oauth"'
    return JSONResponse({"error": error, "error_description": description}, status_code=status, headers=headers)


def basic_credentials(header: str) -> tuple[str, str] | None:
    """client_id and client_secret of an Authorization: Basic header (RFC 6749 §2.3.1: each
    form-urlencoded before the pair is base64-encoded)."""
    if not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    if ":" not in decoded:
        return None
    client_id, secret = decoded.split(":", 1)
    return unquote_plus(client_id), unquote_plus(secret)


class AuthorizationServer:
    def __init__(self, settings: Settings, key: SigningKey):
        self.settings = settings
        self.key = key

    def metadata(self) -> dict:
        base = self.settings.public_url
        scopes = sorted({scope for client in self.settings.clients.values() for scope in client.scopes})
        return {
            "issuer": base,
            "token_endpoint": base + "/oauth/token",
            "jwks_uri": base + "/.well-known/jwks.json",
            "grant_types_supported": ["client_credentials"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "response_types_supported": [],
            "scopes_supported": scopes,
        }

    async def metadata_route(self, request: Request) -> JSONResponse:
        return JSONResponse(self.metadata())

    async def jwks_route(self, request: Request) -> JSONResponse:
        return JSONResponse(self.key.jwks)

    async def token_route(self, request: Request) -> JSONResponse:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            return oauth_error("invalid_request", "the token request must be application/x-www-form-urlencoded")
        form = await request.form()
        basic = basic_credentials(request.headers.get("authorization", ""))
        in_body = "client_secret" in form
        if basic and in_body:
            return oauth_error("invalid_request", "the client authenticated in more than one way")
        if basic:
            client_id, secret = basic
        else:
            client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        client = self.settings.clients.get(client_id)
        if client is None or not secret or not hmac.compare_digest(client.client_secret.encode(), secret.encode()):
            return oauth_error("invalid_client", "client authentication failed", 401)

        grant_type = form.get("grant_type", "")
        if not grant_type:
            return oauth_error("invalid_request", "grant_type is missing")
        if grant_type != "client_credentials":
            return oauth_error("unsupported_grant_type", "only client_credentials is served")

        substring = "scope-substring" in self.settings.flaws
        requested = form.get("scope", "").split()
        if requested and not grantable(requested, client.scopes, substring):
            return oauth_error("invalid_scope", "a requested scope is not the client's")
        scope = " ".join(requested or client.scopes)

        now = int(time.time())
        long_lived = "long-lived-tokens" in self.settings.flaws
        lifetime = LONG_TOKEN_LIFETIME if long_lived else TOKEN_LIFETIME
        claims = {"iss": self.settings.public_url, "sub": client.client_id, "aud": self.settings.resource_url,
                  "client_id": client.client_id, "scope": scope, "iat": now, "exp": now + lifetime}
        if not long_lived:
            claims["jti"] = str(uuid.uuid4())
        token = jwt.encode(claims, self.key.private_key, algorithm="RS256", headers={"kid": self.key.kid})
        return JSONResponse({"access_token": token, "token_type": "Bearer", "expires_in": lifetime, "scope": scope},
                            headers={"Cache-Control": "no-store", "Pragma": "no-cache"})
