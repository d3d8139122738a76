"""issuedesk's own tests, without the harness: each flaw of the flawed variant lets through what the
correct variant refuses. The realm's key and tokens are made here; Keycloak, Vault and Jira are
answered by a stand-in transport that records what reached Jira."""
import asyncio
import base64
import json
import time
import unittest

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.testclient import TestClient

from app import build_app
from caller_memory import RememberCallerByConnection
from jira_access import JiraAccess
from settings import Settings

ISSUER = "http://idp.test/realms/mcp"
REALM_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
V = "2026-07-28"


class RealmKeys:
    def get_signing_key_from_jwt(self, token):
        return REALM_KEY.public_key()


def token(user: str, scope: str = "openid jira-mcp jira-mcp.write") -> str:
    now = int(time.time())
    return jwt.encode({"iss": ISSUER, "aud": ["jira-mcp"], "azp": "mcp-client", "sub": f"id-{user}",
                       "preferred_username": user, "scope": scope, "iat": now, "exp": now + 300},
                      REALM_KEY, "RS256")


class Backends:
    """Keycloak's token exchange, Vault and Jira, for users that all have a Jira credential."""

    def __init__(self):
        self.jira: list[tuple[str, str]] = []
        self.issues = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("/protocol/openid-connect/token"):
            subject = dict(x.split("=", 1) for x in request.content.decode().split("&"))["subject_token"]
            user = jwt.decode(subject, options={"verify_signature": False})["preferred_username"]
            return httpx.Response(200, json={"access_token": "vault-" + user})
        if path == "/v1/auth/jwt/login":
            return httpx.Response(200, json={"auth": {"client_token": json.loads(request.content)["jwt"]}})
        vault_user = request.headers.get("x-vault-token", "").removeprefix("vault-")
        if path == "/v1/auth/token/lookup-self":
            return httpx.Response(200, json={"data": {"entity_id": "e-" + vault_user}})
        if path.startswith("/v1/identity/entity/id/"):
            return httpx.Response(200, json={"data": {"name": path.rsplit("/e-", 1)[1]}})
        if path.startswith("/v1/secret/data/users/"):
            return httpx.Response(200, json={"data": {"data": {"email": vault_user + "@example.com", "api_token": "t"}}})
        if path == "/v1/auth/token/revoke-self":
            return httpx.Response(204)
        who = base64.b64decode(request.headers["authorization"].split()[1]).decode().split("@")[0]
        self.jira.append((request.method, path, who))
        if request.method == "POST":
            self.issues += 1
            return httpx.Response(201, json={"id": str(self.issues), "key": f"DEMO-{self.issues}"})
        if request.method == "DELETE":
            return httpx.Response(204)
        if path.endswith("/search"):
            return httpx.Response(200, json={"issues": []})
        return httpx.Response(200, json={"key": path.rsplit("/", 1)[1], "fields": {"summary": "s"}})


def settings(*flaws: str, rate_limit=None) -> Settings:
    return Settings(host="127.0.0.1", port=8000, issuer=ISSUER, realm_url=ISSUER, audience="jira-mcp",
                    client_id="jira-mcp", client_secret="s", public_url="http://127.0.0.1:8000",
                    vault_url="http://vault.test", vault_role="user", jira_url="http://jira.test",
                    state_key=b"k" * 32, state_ttl_s=5, timeout_s=3, rate_limit=rate_limit,
                    flaws=frozenset(flaws))


class Desk:
    def __init__(self, test: unittest.TestCase, *flaws: str, rate_limit=None):
        self.backends = Backends()
        s = settings(*flaws, rate_limit=rate_limit)
        self.client = TestClient(build_app(s, JiraAccess(s, httpx.MockTransport(self.backends)), RealmKeys()),
                                 base_url="http://127.0.0.1:8000")
        self.client.__enter__()  # the SDK's session manager runs in the app's lifespan
        test.addCleanup(self.client.__exit__, None, None, None)

    def post(self, body: dict, who: str | None = "alice", headers: dict | None = None, scope: str | None = None):
        method = body["method"]
        params = body.setdefault("params", {})
        params.setdefault("_meta", {"io.modelcontextprotocol/protocolVersion": V,
                                    "io.modelcontextprotocol/clientCapabilities": {"elicitation": {}}})
        sent = {"MCP-Protocol-Version": V, "Mcp-Method": method, "Accept": "application/json, text/event-stream"}
        name = params.get("uri" if method == "resources/read" else "name")
        if name is not None:
            sent["Mcp-Name"] = name
        if method == "tools/call" and "project" in params.get("arguments", {}):
            sent["Mcp-Param-Project"] = params["arguments"]["project"]
        if who is not None:
            sent["Authorization"] = "Bearer " + (token(who, scope) if scope else token(who))
        sent.update(headers or {})
        return self.client.post("/mcp", json={"jsonrpc": "2.0", "id": 1, **body}, headers=sent)

    def call(self, tool: str, args: dict, who="alice", **kwargs):
        return self.post({"method": "tools/call", "params": {"name": tool, "arguments": args, **kwargs}}, who)

    def ask_delete(self, key: str, who="alice") -> str:
        answer = self.call("delete_issue", {"issue_key": key}, who).json()["result"]
        assert answer["resultType"] == "input_required", answer
        return answer["requestState"]

    def confirm(self, key: str, state: str, who="alice"):
        return self.call("delete_issue", {"issue_key": key}, who, requestState=state,
                         inputResponses={"confirm": {"action": "accept", "content": {"confirm": True}}})

    def deleted(self) -> list:
        return [entry for entry in self.backends.jira if entry[0] == "DELETE"]


class PerUserResults(unittest.TestCase):
    def list_and_read(self, desk: Desk):
        listed = desk.post({"method": "resources/list"}).json()["result"]
        uri = listed["resources"][0]["uri"]
        return listed, desk.post({"method": "resources/read", "params": {"uri": uri}}).json()["result"], uri

    def test_correct_marks_the_callers_own_results_private(self):
        listed, read, uri = self.list_and_read(Desk(self))
        self.assertEqual(uri, "user://alice/identity")
        self.assertEqual((listed["cacheScope"], read["cacheScope"]), ("private", "private"))

    def test_public_cache_lets_anyone_between_serve_alices_identity_to_others(self):
        listed, read, _ = self.list_and_read(Desk(self, "public-cache"))
        self.assertEqual((listed["cacheScope"], read["cacheScope"]), ("public", "public"))
        self.assertIn('"user": "alice"', read["contents"][0]["text"])

    def test_another_users_resource_is_not_found(self):
        desk = Desk(self)
        answer = desk.post({"method": "resources/read", "params": {"uri": "user://alice/identity"}}, who="bob")
        self.assertEqual(answer.json()["error"]["code"], -32602)


class RequestStateBinding(unittest.TestCase):
    def test_correct_refuses_alices_state_from_bob(self):
        desk = Desk(self)
        state = desk.ask_delete("DEMO-1")
        self.assertEqual(desk.confirm("DEMO-1", state, who="bob").json()["error"]["code"], -32602)
        self.assertEqual(desk.deleted(), [])

    def test_state_any_caller_lets_bob_confirm_alices_deletion(self):
        desk = Desk(self, "state-any-caller")
        state = desk.ask_delete("DEMO-1")
        self.assertEqual(desk.confirm("DEMO-1", state, who="bob").json()["result"]["content"][0]["text"], "deleted DEMO-1")
        self.assertEqual(desk.deleted(), [("DELETE", "/rest/api/3/issue/DEMO-1", "bob")])

    def test_correct_refuses_a_state_for_another_issue_an_expired_one_and_one_taken_before(self):
        desk = Desk(self)
        state = desk.ask_delete("DEMO-1")
        self.assertEqual(desk.confirm("DEMO-2", state).json()["error"]["code"], -32602)
        self.assertEqual(desk.confirm("DEMO-1", state).json()["result"]["content"][0]["text"], "deleted DEMO-1")
        self.assertEqual(desk.confirm("DEMO-1", state).json()["error"]["code"], -32602)
        self.assertEqual(len(desk.deleted()), 1)

    def test_state_reusable_deletes_again_on_the_same_confirmed_retry(self):
        desk = Desk(self, "state-reusable")
        state = desk.ask_delete("DEMO-1")
        for _ in range(2):
            self.assertEqual(desk.confirm("DEMO-1", state).json()["result"]["content"][0]["text"], "deleted DEMO-1")
        self.assertEqual(len(desk.deleted()), 2)

    def test_a_declined_confirmation_deletes_nothing(self):
        desk = Desk(self)
        state = desk.ask_delete("DEMO-1")
        answer = desk.call("delete_issue", {"issue_key": "DEMO-1"}, requestState=state,
                           inputResponses={"confirm": {"action": "decline"}}).json()["result"]
        self.assertTrue(answer["isError"])
        self.assertEqual(desk.deleted(), [])


def rewrite(state: str, change) -> str:
    """A client's edit of a state: its payload decoded, changed and encoded again, the tag kept."""
    body, _, tag = state.partition(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    change(claims)
    return base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=") + "." + tag


class RequestStateIntegrity(unittest.TestCase):
    def test_correct_refuses_an_altered_state(self):
        desk = Desk(self)
        state = desk.ask_delete("DEMO-1")
        self.assertEqual(desk.confirm("DEMO-1", state + "x").json()["error"]["code"], -32602)
        later = rewrite(state, lambda c: c.update(exp=c["exp"] + 3600))
        self.assertEqual(desk.confirm("DEMO-1", later).json()["error"]["code"], -32602)
        self.assertEqual(desk.deleted(), [])

    def test_state_unverified_takes_a_state_the_client_rewrote(self):
        desk = Desk(self, "state-unverified")
        state = desk.ask_delete("DEMO-1")
        self.assertEqual(desk.confirm("DEMO-1", state + "x").json()["result"]["content"][0]["text"], "deleted DEMO-1")
        # A state past its expiry, its expiry moved on by the client, is taken as well.
        stale = rewrite(desk.ask_delete("DEMO-2"), lambda c: c.update(exp=c["exp"] - 60))
        self.assertEqual(desk.confirm("DEMO-2", stale).json()["error"]["code"], -32602)
        revived = rewrite(stale, lambda c: c.update(exp=c["exp"] + 3600))
        self.assertEqual(desk.confirm("DEMO-2", revived).json()["result"]["content"][0]["text"], "deleted DEMO-2")
        self.assertEqual(len(desk.deleted()), 2)


class EveryRequestCarriesItsToken(unittest.TestCase):
    def test_correct_refuses_a_request_without_a_token_after_one_with(self):
        desk = Desk(self)
        self.assertEqual(desk.post({"method": "resources/list"}).status_code, 200)
        answer = desk.post({"method": "resources/list"}, who=None)
        self.assertEqual(answer.status_code, 401)
        self.assertIn('Bearer error="invalid_token"', answer.headers["www-authenticate"])

    def test_caller_by_connection_serves_a_request_without_a_token_as_the_connections_last_caller(self):
        desk = Desk(self, "caller-by-connection")  # the test client is one connection
        self.assertEqual(desk.post({"method": "resources/list"}).status_code, 200)
        answer = desk.post({"method": "resources/list"}, who=None)
        self.assertEqual(answer.status_code, 200)
        self.assertEqual(answer.json()["result"]["resources"][0]["uri"], "user://alice/identity")
        desk.call("create_issue", {"project": "DEMO", "summary": "by nobody"}, who=None)
        self.assertEqual(desk.backends.jira[-1], ("POST", "/rest/api/3/issue", "alice"))


    def test_caller_by_connection_keys_on_the_connection_alone(self):
        seen = []

        async def app(scope, receive, send):
            seen.append(dict(scope["headers"]).get(b"authorization"))
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b""})

        async def ignore(event):
            pass

        def request(port, authorization=None):
            headers = [(b"authorization", authorization)] if authorization else []
            scope = {"type": "http", "path": "/mcp", "client": ("127.0.0.1", port), "headers": headers}
            asyncio.run(remembering(scope, None, ignore))

        remembering = RememberCallerByConnection(app)
        request(40001, b"Bearer alice")
        request(40001)  # the same connection
        request(40002)  # another connection from the same address
        self.assertEqual(seen, [b"Bearer alice", b"Bearer alice", None])


class HeadersAndScopes(unittest.TestCase):
    def create_behind_list_issues(self, desk: Desk, scope=None):
        return desk.post({"method": "tools/call", "params": {"name": "create_issue",
                                                             "arguments": {"project": "DEMO", "summary": "x"}}},
                         headers={"Mcp-Name": "list_issues"}, scope=scope)

    def test_correct_refuses_headers_that_disagree_with_the_body(self):
        desk = Desk(self)
        answer = self.create_behind_list_issues(desk)
        self.assertEqual((answer.status_code, answer.json()["error"]["code"]), (400, -32020))
        answer = desk.post(
            {"method": "tools/call", "params": {"name": "get_issue", "arguments": {"issue_key": "DEMO-1"}}},
            headers={"Mcp-Method": "tools/list"})
        self.assertEqual((answer.status_code, answer.json()["error"]["code"]), (400, -32020))
        self.assertEqual(desk.backends.jira, [])

    def test_correct_refuses_a_project_header_that_disagrees_with_the_argument(self):
        desk = Desk(self)
        create = {"method": "tools/call", "params": {"name": "create_issue", "arguments": {"project": "DEMO", "summary": "x"}}}
        for header in ({"Mcp-Param-Project": "OPS"}, {"Mcp-Param-Project": "=?base64?T1BT?="}):
            answer = desk.post(json.loads(json.dumps(create)), headers=header)
            self.assertEqual((answer.status_code, answer.json()["error"]["code"]), (400, -32020))
        self.assertEqual(desk.backends.jira, [])
        self.assertEqual(desk.post(create).status_code, 200)

    def test_correct_challenges_a_write_without_the_write_scope(self):
        desk = Desk(self)
        answer = desk.post({"method": "tools/call", "params": {"name": "create_issue",
                                                              "arguments": {"project": "DEMO", "summary": "x"}}},
                           scope="openid jira-mcp")
        self.assertEqual(answer.status_code, 403)
        challenge = answer.headers["www-authenticate"]
        self.assertIn('error="insufficient_scope"', challenge)
        self.assertIn('scope="jira-mcp.write"', challenge)
        self.assertIn('resource_metadata="http://127.0.0.1:8000/.well-known/oauth-protected-resource/mcp"', challenge)
        self.assertEqual(desk.backends.jira, [])

    def test_scope_from_header_runs_the_body_a_harmless_header_let_in(self):
        desk = Desk(self, "scope-from-header")
        answer = self.create_behind_list_issues(desk, scope="openid jira-mcp")
        self.assertEqual(answer.status_code, 200)
        self.assertEqual(answer.json()["result"]["structuredContent"]["key"], "DEMO-1")
        self.assertEqual(desk.backends.jira, [("POST", "/rest/api/3/issue", "alice")])



class EachUsersCallsAreLimited(unittest.TestCase):
    """Three calls a minute each, so that no window passes during the test."""

    def burst(self, desk: Desk, who: str) -> list[int]:
        return [desk.call("get_issue", {"issue_key": "DEMO-1"}, who).status_code for _ in range(4)]

    def test_correct_refuses_a_users_call_beyond_the_limit_with_retry_after(self):
        desk = Desk(self, rate_limit=(3, 60.0))
        self.assertEqual(self.burst(desk, "alice"), [200, 200, 200, 429])
        refused = desk.call("get_issue", {"issue_key": "DEMO-1"}, "alice")
        self.assertEqual(refused.status_code, 429)
        self.assertGreaterEqual(int(refused.headers["retry-after"]), 1)

    def test_correct_leaves_another_user_unaffected(self):
        desk = Desk(self, rate_limit=(3, 60.0))
        self.burst(desk, "alice")
        self.assertEqual(desk.call("get_issue", {"issue_key": "DEMO-1"}, "bob").status_code, 200)

    def test_correct_does_not_charge_what_is_not_a_tool_call(self):
        desk = Desk(self, rate_limit=(3, 60.0))
        for _ in range(5):
            self.assertEqual(desk.post({"method": "resources/list"}).status_code, 200)
        self.assertEqual(desk.call("get_issue", {"issue_key": "DEMO-1"}).status_code, 200)


if __name__ == "__main__":
    unittest.main()
