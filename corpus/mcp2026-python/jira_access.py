"""The caller's Jira, with the caller's own credential: the user's token exchanged at the realm for
Vault's audience (RFC 8693, as this server's own client), a login to Vault's JWT role with it, the
entity Vault says that login is, secret/data/users/<entity>/jira read with the login's own Vault
token, and Jira's REST API v3 with Basic e-mail:API token. Each outgoing request carries the MCP
request's traceparent. A failure is told in this server's own words, never the backend's."""
import base64
from urllib.parse import quote

import httpx

EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token"


class JiraError(Exception):
    """A failure the caller is told about."""


class JiraAccess:
    def __init__(self, settings, transport: httpx.AsyncBaseTransport | None = None):
        self.settings = settings
        self.client = httpx.AsyncClient(timeout=settings.timeout_s, transport=transport)

    async def _send(self, dependency: str, method: str, url: str, traceparent: str | None, **kwargs) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}))
        if traceparent:
            headers["traceparent"] = traceparent
        try:
            answer = await self.client.request(method, url, headers=headers, **kwargs)
        except httpx.HTTPError:
            raise JiraError(f"{dependency} is unavailable") from None
        if answer.status_code >= 500:
            raise JiraError(f"{dependency} is unavailable")
        return answer

    async def _vault_token(self, user_token: str, traceparent: str | None) -> str:
        s = self.settings
        exchanged = await self._send("Keycloak", "POST", s.realm_url + "/protocol/openid-connect/token", traceparent,
                                     data={"grant_type": EXCHANGE, "subject_token": user_token,
                                           "subject_token_type": ACCESS_TOKEN, "requested_token_type": ACCESS_TOKEN,
                                           "audience": "vault", "client_id": s.client_id,
                                           "client_secret": s.client_secret})
        if exchanged.status_code != 200:
            raise JiraError(f"Keycloak refused the token exchange (HTTP {exchanged.status_code})")
        login = await self._send("Vault", "POST", s.vault_url + "/v1/auth/jwt/login", traceparent,
                                 json={"role": s.vault_role, "jwt": exchanged.json()["access_token"]})
        if login.status_code != 200:
            raise JiraError(f"Vault refused the login (HTTP {login.status_code})")
        return login.json()["auth"]["client_token"]

    async def credential(self, user_token: str, traceparent: str | None) -> str:
        """The Authorization header of the caller's own Jira credential."""
        s = self.settings
        session = {"X-Vault-Token": await self._vault_token(user_token, traceparent)}
        try:
            me = await self._send("Vault", "GET", s.vault_url + "/v1/auth/token/lookup-self", traceparent, headers=session)
            entity_id = me.json().get("data", {}).get("entity_id", "") if me.status_code == 200 else ""
            if not entity_id:
                raise JiraError("Vault gave the login no entity")
            entity = await self._send("Vault", "GET", f"{s.vault_url}/v1/identity/entity/id/{entity_id}", traceparent,
                                      headers=session)
            if entity.status_code != 200:
                raise JiraError(f"Vault would not name the login's entity (HTTP {entity.status_code})")
            user = entity.json()["data"]["name"]
            read = await self._send("Vault", "GET", f"{s.vault_url}/v1/secret/data/users/{quote(user, safe='')}/jira",
                                    traceparent, headers=session)
            if read.status_code == 404:
                raise JiraError(f"No Jira credential stored for {user}")
            if read.status_code != 200:
                raise JiraError(f"Vault denied the read of {user}'s Jira credential (HTTP {read.status_code})")
            secret = read.json().get("data", {}).get("data", {})
        finally:
            try:  # the login is this call's alone
                await self._send("Vault", "POST", s.vault_url + "/v1/auth/token/revoke-self", traceparent, headers=session)
            except JiraError:
                pass
        if not secret.get("email") or not secret.get("api_token"):
            raise JiraError(f"The Jira credential of {user} lacks email or api_token")
        return "Basic " + base64.b64encode(f"{secret['email']}:{secret['api_token']}".encode()).decode()

    async def jira(self, method: str, path: str, user_token: str, traceparent: str | None, **kwargs):
        authorization = await self.credential(user_token, traceparent)
        answer = await self._send("Jira", method, self.settings.jira_url + path, traceparent,
                                  headers={"Authorization": authorization, "Accept": "application/json"}, **kwargs)
        if not 200 <= answer.status_code < 300:
            raise JiraError(f"Jira request failed with HTTP {answer.status_code}")
        return answer.json() if answer.content else None


def issue_path(key: str) -> str:
    return "/rest/api/3/issue/" + quote(key, safe="")
