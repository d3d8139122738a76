"""The caller's own backend credential from Vault. Cognito has no token exchange: the server logs in
to Vault's JWT role with its caller's own access token (Vault's role binds token_use and the app
client), asks Vault which entity that login is, and reads secret/data/users/<entity>/<backend>
with the login's own Vault token, so Vault's policy, not this server, decides whose secret it is.
"""
import httpx


class CredentialError(Exception):
    """A failure the caller is told about in the server's own words."""


class Unavailable(CredentialError):
    def __init__(self, dependency: str):
        super().__init__(f"{dependency} is unavailable")


class UserCredentials:
    def __init__(self, vault_addr: str, role: str, timeout_s: float, transport: httpx.AsyncBaseTransport | None = None):
        self.role = role
        self.client = httpx.AsyncClient(base_url=vault_addr, timeout=timeout_s, transport=transport)

    async def _vault(self, method: str, path: str, headers: dict, **kwargs) -> httpx.Response:
        try:
            answer = await self.client.request(method, f"/v1/{path}", headers=headers, **kwargs)
        except httpx.HTTPError:
            raise Unavailable("Vault") from None
        if answer.status_code >= 500:
            raise Unavailable("Vault")
        return answer

    async def secret(self, user_token: str, backend: str, traceparent: str | None) -> tuple[str, dict]:
        """(the Vault entity's name, its secret for `backend`)."""
        trace = {"traceparent": traceparent} if traceparent else {}
        login = await self._vault("POST", "auth/jwt/login", trace, json={"role": self.role, "jwt": user_token})
        if login.status_code != 200:
            raise CredentialError(f"Vault refused the login (HTTP {login.status_code})")
        session = {**trace, "X-Vault-Token": login.json()["auth"]["client_token"]}
        try:
            whoami = await self._vault("GET", "auth/token/lookup-self", session)
            entity_id = whoami.json().get("data", {}).get("entity_id", "") if whoami.status_code == 200 else ""
            if not entity_id:
                raise CredentialError("Vault gave the login no entity")
            entity = await self._vault("GET", f"identity/entity/id/{entity_id}", session)
            if entity.status_code != 200:
                raise CredentialError(f"Vault would not name the login's entity (HTTP {entity.status_code})")
            user = entity.json()["data"]["name"]
            read = await self._vault("GET", f"secret/data/users/{user}/{backend}", session)
            if read.status_code == 404:
                raise CredentialError(f"No {backend} credential stored for {user}")
            if read.status_code != 200:
                raise CredentialError(f"Vault denied the read of {user}'s {backend} credential (HTTP {read.status_code})")
            return user, read.json().get("data", {}).get("data", {})
        finally:
            try:  # the login is this call's alone
                await self._vault("POST", "auth/token/revoke-self", session)
            except CredentialError:
                pass
