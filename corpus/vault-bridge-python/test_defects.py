"""Each flaw of the flawed variant shown on the bridge itself, and the correct variant free of it,
without the harness: `corpus/run-python -m unittest test_defects` in this directory."""
import asyncio
import json
import time
import unittest

import httpx
import jwt
from starlette.requests import HTTPConnection

from agent_auth import AgentAuthBackend, JwtRules, Refused
from app import build_app
from secret_paths import InvalidSecretPath, checked_secret_path
from settings import Settings
from vault_client import AgentVault, VaultRefused

PROXY = "127.0.0.2"
SCOPES = {"agent-a": ["read", "write", "list", "delete"], "agent-b": ["read", "list"], "agent-c": ["read"]}
RULES = JwtRules(b"a-shared-secret-of-this-bridges-own-length", "agent-registry", "secrets-bridge")


def backend(*flaws: str) -> AgentAuthBackend:
    return AgentAuthBackend("/agents/mcp", SCOPES, {"agent-a": "key-a", "agent-b": "key-b"}, RULES, PROXY, frozenset(flaws))


def connection(peer: str, headers: dict[str, str]) -> HTTPConnection:
    return HTTPConnection({"type": "http", "path": "/agents/mcp", "client": (peer, 40000), "query_string": b"",
                           "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]})


def agent_of(auth: AgentAuthBackend, peer: str, headers: dict[str, str]) -> str:
    _, user = asyncio.run(auth.authenticate(connection(peer, headers)))
    return user.username


def token(**claims) -> str:
    base = {"iss": RULES.issuer, "aud": RULES.audience, "sub": "agent-a", "exp": int(time.time()) + 300, "scp": ["read"]}
    base.update(claims)
    return jwt.encode({k: v for k, v in base.items() if v is not None}, RULES.secret, algorithm="HS256")


class CertificateHeaders(unittest.TestCase):
    verified = {"X-SSL-Client-S-DN": "CN=agent-a", "X-SSL-Client-Verify": "SUCCESS"}

    def test_from_the_proxy_they_name_the_single_cn(self):
        self.assertEqual(agent_of(backend(), PROXY, self.verified), "agent-a")
        for dn in ("OU=y\\,CN=agent-a,CN=x", "CN=agent-a,CN=agent-b", "CN=agent-b+CN=agent-a", "O=agents,OU=agent-a"):
            with self.assertRaises(Refused, msg=dn):
                agent_of(backend(), PROXY, {"X-SSL-Client-S-DN": dn, "X-SSL-Client-Verify": "SUCCESS"})

    def test_loopback_trusted_believes_any_local_peer(self):
        with self.assertRaises(Refused):
            agent_of(backend(), "127.0.0.1", self.verified)
        self.assertEqual(agent_of(backend("loopback-trusted"), "127.0.0.1", self.verified), "agent-a")

    def test_verify_unchecked_takes_an_unverified_subject(self):
        failed = {"X-SSL-Client-S-DN": "CN=agent-a", "X-SSL-Client-Verify": "FAILED:certificate has expired"}
        with self.assertRaises(Refused):
            agent_of(backend(), PROXY, failed)
        self.assertEqual(agent_of(backend("verify-unchecked"), PROXY, failed), "agent-a")

    def test_both_flaws_let_a_client_name_itself_straight_to_the_server(self):
        forged = {"X-SSL-Client-S-DN": "CN=agent-a"}
        self.assertEqual(agent_of(backend("loopback-trusted", "verify-unchecked"), "127.0.0.1", forged), "agent-a")


class Tokens(unittest.TestCase):
    def bearer(self, auth: AgentAuthBackend, raw: str) -> str:
        return agent_of(auth, "127.0.0.1", {"Authorization": f"Bearer {raw}"})

    def test_a_token_without_exp_is_refused(self):
        with self.assertRaises(Refused):
            self.bearer(backend(), token(exp=None))

    def test_exp_optional_takes_a_token_that_never_expires(self):
        self.assertEqual(self.bearer(backend("exp-optional"), token(exp=None)), "agent-a")
        with self.assertRaises(Refused):
            self.bearer(backend("exp-optional"), token(exp=int(time.time()) - 60))

    def test_the_scp_claim_narrows_the_agents_scopes(self):
        credentials, _ = asyncio.run(backend().authenticate(connection("127.0.0.1", {"Authorization": f"Bearer {token(scp=['read-all', 'list'])}"})))
        self.assertEqual(credentials.scopes, ["list"])

    def test_an_scp_that_is_no_list_is_refused(self):
        with self.assertRaises(Refused):
            agent_of(backend(), "127.0.0.1", {"Authorization": f"Bearer {token(scp='read list')}"})


class SecretPaths(unittest.TestCase):
    escapes = ("%2e%2e/agent-a/jira", "..%2fagent-a%2fjira")

    def test_paths_stay_in_the_folder(self):
        self.assertEqual(checked_secret_path("deploy/key"), "deploy/key")
        for raw in ("../agent-a/jira", "./jira", "/agent-a//jira", "..\\agent-a\\jira", *self.escapes):
            with self.assertRaises(InvalidSecretPath, msg=raw):
                checked_secret_path(raw)

    def test_unquote_after_check_decodes_dot_dot_past_the_check(self):
        for raw in self.escapes:
            self.assertEqual(checked_secret_path(raw, unquote_after_check=True), "../agent-a/jira")


class VaultCalls(unittest.TestCase):
    def calls(self, *, bridge_token: bool = False, path: str = "jira", child_refused: bool = False,
              fail_open: bool = False) -> list[httpx.Request]:
        seen: list[httpx.Request] = []

        def vault(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            if request.url.path.endswith("/auth/token/create"):
                if child_refused:
                    return httpx.Response(403, json={"errors": ["permission denied"]})
                return httpx.Response(200, json={"auth": {"client_token": "child-of-agent-b"}})
            return httpx.Response(200, json={"data": {"data": {"token": "t"}, "metadata": {"version": 1}}})

        kv = AgentVault("http://vault.test", "bridge-token", "secret", "agent-secrets", "mcp-agent-{agent}",
                        use_bridge_token=bridge_token, fail_open=fail_open, transport=httpx.MockTransport(vault))
        try:
            asyncio.run(kv.read("agent-b", path))
        except VaultRefused:
            pass
        return seen

    def test_kv_calls_use_a_child_token_of_the_agents_policy(self):
        create, read = self.calls(bridge_token=False)
        body = json.loads(create.content)
        self.assertEqual((body["policies"], body["no_default_policy"], body["ttl"]), (["mcp-agent-agent-b"], True, "60s"))
        self.assertEqual(read.headers["X-Vault-Token"], "child-of-agent-b")

    def test_bridge_token_reads_with_the_bridges_own_token(self):
        (read,) = self.calls(bridge_token=True)
        self.assertEqual(read.headers["X-Vault-Token"], "bridge-token")

    def test_a_refused_child_token_ends_the_call_before_kv(self):
        (create,) = self.calls(child_refused=True)
        self.assertTrue(create.url.path.endswith("/auth/token/create"))

    def test_fail_open_reads_with_the_bridges_own_token_when_the_child_is_refused(self):
        create, read = self.calls(child_refused=True, fail_open=True)
        self.assertTrue(create.url.path.endswith("/auth/token/create"))
        self.assertEqual(read.headers["X-Vault-Token"], "bridge-token")

    def test_a_decoded_dot_dot_reaches_another_agents_folder(self):
        (read,) = self.calls(bridge_token=True, path=checked_secret_path("%2e%2e/agent-a/jira", unquote_after_check=True))
        self.assertEqual(read.url.path, "/v1/secret/data/agent-secrets/agent-a/jira")


if __name__ == "__main__":
    unittest.main()


class OperatorRoutes(unittest.TestCase):
    def settings(self, *flaws: str) -> Settings:
        return Settings(port=8000, public_url="http://127.0.0.1:8000/agents/mcp", agent_scopes=SCOPES,
                        api_keys={"agent-a": "key-a"}, jwt_secret=RULES.secret, jwt_issuer=RULES.issuer,
                        jwt_audience=RULES.audience, trusted_proxy=PROXY, vault_addr="http://vault.test:8200",
                        vault_token="the-bridges-vault-token", kv_mount="secret", kv_base="agent-secrets",
                        agent_policy="agent-{agent}", flaws=frozenset(flaws))

    def get(self, settings: Settings, path: str) -> httpx.Response:
        async def asked() -> httpx.Response:
            transport = httpx.ASGITransport(app=build_app(settings))
            async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as client:
                return await client.get(path)
        return asyncio.run(asked())

    def test_no_debug_route_without_the_flaw(self):
        self.assertEqual(self.get(self.settings(), "/debug/config").status_code, 404)

    def test_config_route_shows_vaults_address_and_the_bridges_token_to_anyone(self):
        answer = self.get(self.settings("config-route"), "/debug/config")
        self.assertEqual(answer.status_code, 200)
        self.assertIn("the-bridges-vault-token", answer.text)
        self.assertIn("http://vault.test:8200", answer.text)
