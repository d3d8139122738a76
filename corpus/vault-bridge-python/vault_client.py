"""Vault for the bridge: each agent's secrets in a KV v2 mount under `<base>/<agent>/`, reached
with a child token of the agent's own policy alone that lives a minute, minted per call with
the bridge's token. Vault's own words never reach the agent.

The flawed variant's `bridge-token`: every KV call is made with the bridge's own token, so Vault
enforces nothing per agent and the bridge's path check is the only wall. The fail-open variant's
`fail-open`: when Vault will not make the child token, the call goes on with the bridge's own.
"""
import httpx

CHILD_TOKEN_TTL = "60s"


class SecretMissing(Exception):
    pass


class VaultUnavailable(Exception):
    pass


class VaultRefused(Exception):
    pass


class AgentVault:
    def __init__(self, address: str, bridge_token: str, mount: str, base: str, policy_template: str,
                 *, use_bridge_token: bool = False, fail_open: bool = False,
                 transport: httpx.AsyncBaseTransport | None = None):
        self.http = httpx.AsyncClient(base_url=address.rstrip("/") + "/v1/", timeout=5.0, transport=transport)
        self.bridge_token = bridge_token
        self.mount = mount
        self.base = base.strip("/")
        self.policy_template = policy_template
        self.use_bridge_token = use_bridge_token
        self.fail_open = fail_open

    async def _send(self, method: str, url: str, token: str, body: dict | None = None) -> httpx.Response:
        try:
            response = await self.http.request(method, url, headers={"X-Vault-Token": token}, json=body)
        except httpx.HTTPError:
            raise VaultUnavailable() from None
        if response.status_code >= 500:
            raise VaultUnavailable()
        return response

    async def _token_for(self, agent: str) -> str:
        if self.use_bridge_token:
            return self.bridge_token
        created = await self._send("POST", "auth/token/create", self.bridge_token, {
            "policies": [self.policy_template.format(agent=agent)], "no_default_policy": True,
            "ttl": CHILD_TOKEN_TTL, "explicit_max_ttl": CHILD_TOKEN_TTL, "renewable": False,
            "display_name": f"bridge-{agent}"})
        if created.status_code != 200:
            if self.fail_open:  # "an agent is not to be blocked by a Vault hiccup"
                return self.bridge_token
            raise VaultRefused()
        return created.json()["auth"]["client_token"]

    def _url(self, kind: str, agent: str, path: str) -> str:
        return f"{self.mount}/{kind}/{self.base}/{agent}/{path}" if path else f"{self.mount}/{kind}/{self.base}/{agent}"

    async def read(self, agent: str, path: str) -> tuple[dict, int]:
        response = await self._send("GET", self._url("data", agent, path), await self._token_for(agent))
        if response.status_code == 404:
            raise SecretMissing()
        if response.status_code != 200:
            raise VaultRefused()
        data = response.json()["data"]
        return data["data"] or {}, data["metadata"]["version"]

    async def write(self, agent: str, path: str, values: dict) -> int:
        response = await self._send("POST", self._url("data", agent, path), await self._token_for(agent), {"data": values})
        if response.status_code != 200:
            raise VaultRefused()
        return response.json()["data"]["version"]

    async def list(self, agent: str, folder: str) -> list[str]:
        response = await self._send("LIST", self._url("metadata", agent, folder), await self._token_for(agent))
        if response.status_code == 404:
            return []
        if response.status_code != 200:
            raise VaultRefused()
        return sorted(response.json()["data"]["keys"])

    async def delete(self, agent: str, path: str) -> None:
        response = await self._send("DELETE", self._url("metadata", agent, path), await self._token_for(agent))
        if response.status_code not in (200, 204):
            raise VaultRefused()
