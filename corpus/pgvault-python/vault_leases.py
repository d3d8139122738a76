"""The caller's PostgreSQL role from Vault's database secrets engine: the caller's token exchanged at
the realm for Vault's audience (RFC 8693, as this server's own client), a login to Vault's JWT role
with it, the entity Vault says that login is, and `<mount>/creds/<entity>` read with the login's own
Vault token. The role lives as long as its lease; the lease is the login token's child, so that token
is kept (never revoked) while the role serves. A user's lease is kept until shortly before it or the
login ends, or until PostgreSQL refuses the role (forget). Each outgoing request carries the MCP
request's traceparent. A failure is told in this server's own words, never Vault's."""
import asyncio
import dataclasses
import time
from urllib.parse import quote

import httpx

EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token"
MARGIN_S = 15  # a lease this close to its end is not handed out


class LeaseError(Exception):
    """A failure the caller is told about."""


@dataclasses.dataclass(frozen=True)
class RoleLease:
    user: str  # the Vault entity the role was made for
    username: str  # the PostgreSQL role
    password: str
    lease_id: str
    valid_until: float  # on the monotonic clock


class VaultLeases:
    def __init__(self, settings, transport: httpx.AsyncBaseTransport | None = None, clock=time.monotonic):
        self.settings = settings
        self.client = httpx.AsyncClient(timeout=settings.timeout_s, transport=transport)
        self.clock = clock
        self.leases: dict[str, RoleLease] = {}
        self.locks: dict[str, asyncio.Lock] = {}

    async def _send(self, dependency: str, method: str, url: str, traceparent: str | None, **kwargs) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}))
        if traceparent:
            headers["traceparent"] = traceparent
        try:
            answer = await self.client.request(method, url, headers=headers, **kwargs)
        except httpx.HTTPError:
            raise LeaseError(f"could not reach {dependency}") from None
        if answer.status_code >= 500:
            raise LeaseError(f"could not reach {dependency}")
        return answer

    async def _vault_login(self, user_token: str, traceparent: str | None) -> tuple[str, float]:
        s = self.settings
        exchanged = await self._send("Keycloak", "POST", s.realm_url + "/protocol/openid-connect/token", traceparent,
                                     data={"grant_type": EXCHANGE, "subject_token": user_token,
                                           "subject_token_type": ACCESS_TOKEN, "requested_token_type": ACCESS_TOKEN,
                                           "audience": "vault", "client_id": s.client_id,
                                           "client_secret": s.client_secret})
        if exchanged.status_code != 200:
            raise LeaseError(f"Keycloak would not exchange your token for Vault (HTTP {exchanged.status_code})")
        login = await self._send("Vault", "POST", s.vault_url + "/v1/auth/jwt/login", traceparent,
                                 json={"role": s.vault_role, "jwt": exchanged.json()["access_token"]})
        if login.status_code != 200:
            raise LeaseError(f"Vault refused your login (HTTP {login.status_code})")
        auth = login.json()["auth"]
        return auth["client_token"], float(auth.get("lease_duration") or 0)

    async def _fetch(self, user_token: str, traceparent: str | None) -> RoleLease:
        s = self.settings
        started = self.clock()
        vault_token, login_ttl = await self._vault_login(user_token, traceparent)
        session = {"X-Vault-Token": vault_token}
        me = await self._send("Vault", "GET", s.vault_url + "/v1/auth/token/lookup-self", traceparent, headers=session)
        entity_id = me.json().get("data", {}).get("entity_id", "") if me.status_code == 200 else ""
        if not entity_id:
            raise LeaseError("Vault gave your login no entity")
        entity = await self._send("Vault", "GET", f"{s.vault_url}/v1/identity/entity/id/{entity_id}", traceparent,
                                  headers=session)
        if entity.status_code != 200:
            raise LeaseError(f"Vault would not name your login's entity (HTTP {entity.status_code})")
        user = entity.json()["data"]["name"]
        creds = await self._send("Vault", "GET", f"{s.vault_url}/v1/{s.database_mount}/creds/{quote(user, safe='')}",
                                 traceparent, headers=session)
        if creds.status_code in (403, 404):
            raise LeaseError(f"Vault issues no database role for {user}")
        if creds.status_code != 200:
            raise LeaseError(f"Vault refused a database role for {user} (HTTP {creds.status_code})")
        body = creds.json()
        data = body.get("data") or {}
        if not data.get("username") or not data.get("password"):
            raise LeaseError(f"Vault's database role for {user} has no username or password")
        ttl = float(body.get("lease_duration") or 0)
        if login_ttl:
            ttl = min(ttl, login_ttl) if ttl else login_ttl
        return RoleLease(user=user, username=data["username"], password=data["password"],
                         lease_id=body.get("lease_id", ""), valid_until=started + max(ttl - MARGIN_S, ttl / 2))

    def _current(self, subject: str) -> RoleLease | None:
        lease = self.leases.get(subject)
        return lease if lease and lease.valid_until > self.clock() else None

    async def lease(self, subject: str, user_token: str, traceparent: str | None) -> RoleLease:
        """The caller's role: the one Vault gave her, while it lives, else a new one."""
        if lease := self._current(subject):
            return lease
        async with self.locks.setdefault(subject, asyncio.Lock()):  # one new role per user at a time
            if lease := self._current(subject):
                return lease
            lease = await self._fetch(user_token, traceparent)
            self.leases[subject] = lease
            return lease

    def forget(self, subject: str, lease: RoleLease) -> None:
        """PostgreSQL refused the role: the next call asks Vault for a new one."""
        if self.leases.get(subject) == lease:
            del self.leases[subject]
