"""Each agent's secrets in Vault KV v2 under secret/data/mcp/<agent>/, read and written with a
child token of the agent's own policy (mcp-agent-<agent>), made for the one call."""
import httpx


class SecretNotFound(Exception):
    pass


class VaultKv:
    def __init__(self, addr: str, token: str, mount: str = "secret", transport: httpx.AsyncBaseTransport | None = None,
                 not_found_is_error: bool = False):
        self.addr = addr
        self.not_found_is_error = not_found_is_error  # a read raises httpx's HTTPStatusError for a 404 too
        self.transport = transport
        self.token = token
        self.mount = mount

    async def _child_token(self, client: httpx.AsyncClient, agent: str) -> str:
        reply = await client.post(f"{self.addr}/v1/auth/token/create", headers={"X-Vault-Token": self.token},
                                  json={"policies": [f"mcp-agent-{agent}"], "ttl": "60s", "num_uses": 2,
                                        "no_default_policy": True, "display_name": f"mcp-agent-{agent}"})
        reply.raise_for_status()
        return reply.json()["auth"]["client_token"]

    async def _call(self, agent: str, method: str, area: str, name: str, body: dict | None = None) -> httpx.Response:
        async with httpx.AsyncClient(timeout=5.0, transport=self.transport) as client:
            token = await self._child_token(client, agent)
            url = f"{self.addr}/v1/{self.mount}/{area}/mcp/{agent}/{name}".rstrip("/")
            if method == "LIST":
                return await client.request("LIST", url, headers={"X-Vault-Token": token})
            return await client.request(method, url, headers={"X-Vault-Token": token}, json=body)

    async def read(self, agent: str, name: str) -> dict:
        reply = await self._call(agent, "GET", "data", name)
        if reply.status_code == 404 and not self.not_found_is_error:
            raise SecretNotFound(name)
        reply.raise_for_status()
        return reply.json()["data"]["data"]

    async def write(self, agent: str, name: str, data: dict) -> int:
        reply = await self._call(agent, "POST", "data", name, {"data": data})
        reply.raise_for_status()
        return reply.json()["data"]["version"]

    async def list(self, agent: str, prefix: str) -> list[str]:
        reply = await self._call(agent, "LIST", "metadata", prefix)
        if reply.status_code == 404:
            return []
        reply.raise_for_status()
        return reply.json()["data"]["keys"]

    async def delete(self, agent: str, name: str) -> None:
        reply = await self._call(agent, "DELETE", "metadata", name)
        if reply.status_code == 404:
            raise SecretNotFound(name)
        reply.raise_for_status()
