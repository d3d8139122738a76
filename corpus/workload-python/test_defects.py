"""agentgate's own tests, without the harness: each flaw of the flawed variant lets through what
the correct variant refuses. The realm's key, the workloads' DPoP keys and OPA are made here."""
import base64
import hashlib
import json
import time
import unittest
import uuid

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from starlette.testclient import TestClient

from app import build_app
from identity import WorkloadAuthenticator, jwk_thumbprint
from settings import Settings

ISSUER = "http://idp.test/realms/agents"
BASE = "http://127.0.0.1:8000"
SANDBOX = "spiffe://mcp-identity.local/agent/untrusted-agent"
CORE = "spiffe://mcp-identity.local/agent/trusted-agent"
REALM_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
STRANGER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


class RealmKeys:
    def get_signing_key_from_jwt(self, token):
        return REALM_KEY.public_key()


def public_jwk(key) -> dict:
    return json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key()))


class Workload:
    def __init__(self, spiffe_id: str, realm_key=REALM_KEY, aud="agentgate"):
        self.key = ec.generate_private_key(ec.SECP256R1())
        now = int(time.time())
        self.token = jwt.encode({"iss": ISSUER, "aud": aud, "azp": spiffe_id, "iat": now, "exp": now + 300,
                                 "cnf": {"jkt": jwk_thumbprint(public_jwk(self.key))}}, realm_key, "RS256")

    def proof(self, key=None) -> str:
        key = key or self.key
        ath = base64.urlsafe_b64encode(hashlib.sha256(self.token.encode()).digest()).rstrip(b"=").decode()
        return jwt.encode({"htm": "POST", "htu": BASE + "/mcp", "iat": int(time.time()), "jti": str(uuid.uuid4()),
                           "ath": ath}, key, "ES256", headers={"typ": "dpop+jwt", "jwk": public_jwk(key)})


def policy(request: httpx.Request) -> httpx.Response:
    """policy.rego's verdicts for the cells these tests use."""
    tier = json.loads(request.content)["input"]["workload"]["tier"]
    tool = json.loads(request.content)["input"]["tool"]
    permit = tier == "core" or (tool["class"], tool["verb"]) == ("http", "read")
    return httpx.Response(200, json={"result": {"permit": permit, "reasons": [] if permit else ["no"]}})


def unreachable(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused")


def undefined(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={})


def settings(flaws=()) -> Settings:
    return Settings(host="127.0.0.1", port=0, issuer=ISSUER, jwks_url="", audience="agentgate", public_url=BASE,
                    trust_domain="mcp-identity.local", workloads={CORE: "core", SANDBOX: "sandbox"},
                    opa_url="http://opa.test", opa_timeout_s=1, flaws=frozenset(flaws))


class Session:
    """An MCP session at /mcp as `workload`; call() answers the HTTP status and the tool result."""

    def __init__(self, client: TestClient, workload: Workload):
        self.client, self.workload, self.headers = client, workload, {}
        status, _ = self.post({"jsonrpc": "2.0", "id": 0, "method": "initialize",
                               "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                                          "clientInfo": {"name": "test", "version": "1"}}})
        assert status == 200, status

    def post(self, message: dict, proof: str | None = None, extra: dict | None = None):
        headers = {"Authorization": f"DPoP {self.workload.token}", "DPoP": proof or self.workload.proof(),
                   "Accept": "application/json, text/event-stream", **self.headers, **(extra or {})}
        response = self.client.post("/mcp", json=message, headers=headers)
        if "mcp-session-id" in response.headers:
            self.headers = {"Mcp-Session-Id": response.headers["mcp-session-id"], "MCP-Protocol-Version": "2025-06-18"}
        return response.status_code, response.json() if response.status_code == 200 and response.content else None

    def call(self, tool: str, arguments: dict, proof: str | None = None, extra: dict | None = None):
        return self.post({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                          "params": {"name": tool, "arguments": arguments}}, proof, extra)


def ran(answer) -> bool:
    status, body = answer
    return status == 200 and not body["result"].get("isError", False)


class Variant:
    def __init__(self, flaws=(), opa=policy):
        self.app = build_app(settings(flaws), WorkloadAuthenticator(settings(flaws), RealmKeys()), httpx.MockTransport(opa))

    def __enter__(self):
        self.client = TestClient(self.app, base_url=BASE).__enter__()
        return self

    def __exit__(self, *exc):
        self.client.__exit__(*exc)

    def session(self, workload: Workload) -> Session:
        return Session(self.client, workload)


class TierFromHeader(unittest.TestCase):
    def run_as_sandbox_claiming_core(self, flaws):
        with Variant(flaws) as server:
            return ran(server.session(Workload(SANDBOX)).call("run_command", {"argv": ["id"]}, extra={"X-Trust-Tier": "core"}))

    def test_correct_keeps_the_registry_tier(self):
        self.assertFalse(self.run_as_sandbox_claiming_core(()))

    def test_flawed_takes_the_callers_tier(self):
        self.assertTrue(self.run_as_sandbox_claiming_core(("tier-from-header",)))


class UnverifiedIdentity(unittest.TestCase):
    def forged_core_call(self, flaws):
        with Variant(flaws) as server:
            forged = Workload(CORE, realm_key=STRANGER_KEY, aud="someone-else")
            return server.client.post("/mcp", json={}, headers={"Authorization": f"DPoP {forged.token}",
                                                                "DPoP": forged.proof()}).status_code

    def test_correct_refuses_a_token_the_realm_did_not_sign(self):
        self.assertEqual(self.forged_core_call(()), 401)

    def test_flawed_takes_it(self):
        self.assertNotEqual(self.forged_core_call(("unverified-identity",)), 401)


class FailOpen(unittest.TestCase):
    def call_without_decision(self, flaws, opa):
        with Variant(flaws, opa) as server:
            return ran(server.session(Workload(SANDBOX)).call("run_command", {"argv": ["id"]}))

    def test_correct_denies_without_a_decision(self):
        self.assertFalse(self.call_without_decision((), unreachable))
        self.assertFalse(self.call_without_decision((), undefined))

    def test_flawed_runs_the_tool(self):
        self.assertTrue(self.call_without_decision(("fail-open",), unreachable))
        self.assertTrue(self.call_without_decision(("fail-open",), undefined))


class DpopUnbound(unittest.TestCase):
    def stolen_and_replayed(self, flaws):
        with Variant(flaws) as server:
            session = server.session(Workload(CORE))
            stranger = session.call("read_document", {"path": "a"}, proof=session.workload.proof(ec.generate_private_key(ec.SECP256R1())))
            proof = session.workload.proof()
            first, again = session.call("read_document", {"path": "a"}, proof), session.call("read_document", {"path": "a"}, proof)
            return stranger[0], first[0], again[0]

    def test_correct_refuses_another_key_and_a_replay(self):
        self.assertEqual(self.stolen_and_replayed(()), (401, 200, 401))

    def test_flawed_takes_both(self):
        self.assertEqual(self.stolen_and_replayed(("dpop-unbound",)), (200, 200, 200))


class Grants(unittest.TestCase):
    def test_the_registry_tier_is_decided(self):
        with Variant() as server:
            self.assertTrue(ran(server.session(Workload(CORE)).call("run_command", {"argv": ["id"]})))
            sandbox = server.session(Workload(SANDBOX))
            self.assertTrue(ran(sandbox.call("fetch_url", {"url": "https://api.test/"})))
            self.assertFalse(ran(sandbox.call("read_document", {"path": "a"})))


if __name__ == "__main__":
    unittest.main()
