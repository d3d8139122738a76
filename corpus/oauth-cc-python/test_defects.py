"""The server's own behaviour, variant by variant, without the harness: what makes each line of
expected-flawed.json a real defect, and the correct variant free of it. Vault is a fake behind
httpx's MockTransport; the app runs in process (Starlette's TestClient).

    python -m unittest test_defects      (the corpus environment's python; ctest -L corpus)
"""
import base64
import json
import time
import unittest

import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from starlette.testclient import TestClient

from app import build_server
from settings import Client, Settings

BASE = "http://127.0.0.1:8000"  # a loopback Host: the SDK answers 421 to any other
SECRETS = {"agent-a": {"jira": {"token": "agent-a-jira"}}, "agent-c": {"jira": {"token": "agent-c-jira"}}}


def fake_vault(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if path == "/v1/auth/token/create":
        policy = json.loads(request.content)["policies"][0]
        return httpx.Response(200, json={"auth": {"client_token": "child:" + policy.removeprefix("mcp-agent-")}})
    agent = request.headers["X-Vault-Token"].removeprefix("child:")
    prefix = f"/v1/secret/data/mcp/{agent}/"
    if request.method == "GET" and path.startswith(prefix) and path[len(prefix):] in SECRETS.get(agent, {}):
        return httpx.Response(200, json={"data": {"data": SECRETS[agent][path[len(prefix):]]}})
    return httpx.Response(404, json={"errors": []})


def new_key() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


class Variant:
    """One variant in process, with the fixture's agents as clients."""

    def __init__(self, flaws: set[str]):
        self.key_pem = new_key()
        clients = {"agent-a": Client("agent-a", "secret-a", ["read", "write", "list", "delete"]),
                   "agent-c": Client("agent-c", "secret-c", ["read"])}
        settings = Settings(host="127.0.0.1", port=8000, public_url=BASE, clients=clients, signing_key_pem=self.key_pem,
                            vault_addr="http://vault", vault_token="root", flaws=flaws)
        self.client = TestClient(build_server(settings, httpx.MockTransport(fake_vault)).streamable_http_app(),
                                 base_url=BASE)
        self.client.__enter__()

    def close(self):
        self.client.__exit__(None, None, None)

    def token(self, client_id: str, secret: str, scope: str | None = None) -> httpx.Response:
        form = {"grant_type": "client_credentials"} | ({"scope": scope} if scope is not None else {})
        basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
        return self.client.post("/oauth/token", data=form, headers={"Authorization": "Basic " + basic})

    def signed(self, key_pem: bytes, **changes) -> str:
        now = int(time.time())
        claims = {"iss": BASE, "sub": "agent-a", "client_id": "agent-a", "aud": BASE + "/mcp", "scope": "read",
                  "iat": now, "exp": now + 300} | changes
        return jwt.encode({k: v for k, v in claims.items() if v is not None}, key_pem, algorithm="RS256")

    def read_jira(self, token: str, name: str = "jira") -> str:
        """The outcome of get_secret(name) with `token`: "HTTP <status>", or the result's text."""
        headers = {"Authorization": "Bearer " + token, "Accept": "application/json, text/event-stream",
                   "MCP-Protocol-Version": "2025-06-18"}
        init = self.client.post("/mcp", headers=headers, json={
            "jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}})
        if init.status_code != 200:
            return f"HTTP {init.status_code}"
        headers["Mcp-Session-Id"] = init.headers["mcp-session-id"]
        self.client.post("/mcp", headers=headers, json={"jsonrpc": "2.0", "method": "notifications/initialized"})
        call = self.client.post("/mcp", headers=headers, json={
            "jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "get_secret", "arguments": {"name": name}}})
        data = [line[6:] for line in call.text.splitlines() if line.startswith("data: ")][-1]
        return json.loads(data)["result"]["content"][0]["text"]


class DefectsTest(unittest.TestCase):
    def variant(self, *flaws: str) -> Variant:
        v = Variant(set(flaws))
        self.addCleanup(v.close)
        return v

    def test_the_correct_variant_serves_its_agents(self):
        v = self.variant()
        answer = v.token("agent-a", "secret-a")
        self.assertEqual(answer.status_code, 200, answer.text)
        self.assertIn("agent-a-jira", v.read_jira(answer.json()["access_token"]))

    def test_aud_unchecked(self):
        for flaws, accepted in (((), False), (("aud-unchecked",), True)):
            v = self.variant(*flaws)
            for aud in ("another-service", None):
                outcome = v.read_jira(v.signed(v.key_pem, aud=aud))
                self.assertEqual("agent-a-jira" in outcome, accepted, f"{flaws} aud={aud}: {outcome}")
                if not accepted:
                    self.assertEqual(outcome, "HTTP 401")

    def test_jwks_private_key(self):
        for flaws, private in (((), False), (("jwks-private-key",), True)):
            v = self.variant(*flaws)
            jwk = v.client.get("/.well-known/jwks.json").json()["keys"][0]
            self.assertEqual("d" in jwk, private, jwk.keys())
            if private:  # a forger's token, signed with what the JWKS published
                forged_key = RSAAlgorithm.from_jwk(json.dumps(jwk)).private_bytes(
                    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
                self.assertIn("agent-a-jira", v.read_jira(v.signed(forged_key)))

    def test_scope_substring(self):
        for flaws, lenient in (((), False), (("scope-substring",), True)):
            v = self.variant(*flaws)
            for asked in ("read write", "read-all", "readwrite"):
                answer = v.token("agent-c", "secret-c", asked)
                if lenient:
                    self.assertEqual((answer.status_code, answer.json()["scope"]), (200, asked))
                else:
                    self.assertEqual((answer.status_code, answer.json()["error"]), (400, "invalid_scope"))
            outcome = v.read_jira(v.signed(v.key_pem, scope="read-all"))
            self.assertEqual("agent-a-jira" in outcome, lenient, outcome)
            if not lenient:
                self.assertIn("insufficient scope: read required", outcome)

    def test_long_lived_tokens(self):
        for flaws, lifetime, has_jti in (((), 300, True), (("long-lived-tokens",), 30 * 24 * 3600, False)):
            v = self.variant(*flaws)
            claims = jwt.decode(v.token("agent-a", "secret-a").json()["access_token"], options={"verify_signature": False})
            self.assertEqual((claims["exp"] - claims["iat"], "jti" in claims), (lifetime, has_jti))

    def test_vault_errors_shown(self):
        for flaws, shown in (((), False), (("vault-errors-shown",), True)):
            v = self.variant(*flaws)
            outcome = v.read_jira(v.token("agent-a", "secret-a").json()["access_token"], "no-such-secret")
            self.assertEqual("http://vault/v1/secret/data/mcp/agent-a/no-such-secret" in outcome, shown, outcome)
            if not shown:
                self.assertIn("secret not found: no-such-secret", outcome)

    def test_client_errors_follow_rfc6749(self):
        v = self.variant()
        wrong = v.token("agent-a", "wrong")
        self.assertEqual((wrong.status_code, wrong.json()["error"]), (401, "invalid_client"))
        self.assertEqual(wrong.headers["WWW-Authenticate"], 'Basic realm="oauth"')
        post = v.client.post("/oauth/token", data={"grant_type": "client_credentials", "client_id": "agent-a",
                                                   "client_secret": "wrong"})
        self.assertEqual((post.status_code, "WWW-Authenticate" in post.headers), (401, True))
        grant = v.client.post("/oauth/token", data={"grant_type": "password", "client_id": "agent-a",
                                                    "client_secret": "secret-a"})
        self.assertEqual(grant.json()["error"], "unsupported_grant_type")


if __name__ == "__main__":
    unittest.main()
