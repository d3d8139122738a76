"""The server's own behaviour, variant by variant, without the harness: what makes each line of
expected-flawed.json a real defect, and the correct variant free of it. The pool's keys are served
by a local JWKS endpoint; Vault and the backends are fakes behind httpx's MockTransport; the app
runs under uvicorn on a free loopback port, so the SSE stream is a real one.

    python -m unittest test_defects      (the corpus environment's python; ctest -L corpus)
"""
import http.server
import json
import queue
import re
import socket
import threading
import time
import unittest

import logging

import httpx
import jwt
import uvicorn
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from app import build_app
from settings import Settings

ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example"
APP_CLIENT, OTHER_CLIENT = "app-client-of-the-server", "another-app-client"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_jwks() -> str:
    """The pool's JWKS on a local port: the URL."""
    jwk = json.loads(RSAAlgorithm.to_jwk(KEY.public_key())) | {"kid": "pool-key", "alg": "RS256", "use": "sig"}
    body = json.dumps({"keys": [jwk]}).encode()

    class Jwks(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Jwks)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/jwks.json"


JWKS_URL = serve_jwks()
logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per fake request otherwise


def cognito_token(user: str, token_use: str = "access", client: str = APP_CLIENT) -> str:
    """A token as the pool signs it: an access token names its client in client_id, an ID token in aud."""
    now = int(time.time())
    claims = {"sub": f"sub-of-{user}", "iss": ISSUER, "token_use": token_use, "iat": now, "exp": now + 600}
    claims |= {"client_id": client, "username": user} if token_use == "access" else {"aud": client, "cognito:username": user}
    return jwt.encode(claims, KEY, algorithm="RS256", headers={"kid": "pool-key"})


class FakeVaultAndBackends:
    """Vault's JWT login names the user the token's sub is; each user's GitHub token is theirs."""

    def __init__(self):
        self.github_calls: list[str] = []  # the Authorization of each GitHub call

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/v1/auth/jwt/login":
            user = jwt.decode(json.loads(request.content)["jwt"], options={"verify_signature": False})["sub"]
            return httpx.Response(200, json={"auth": {"client_token": "vault:" + user.removeprefix("sub-of-")}})
        user = request.headers.get("X-Vault-Token", "").removeprefix("vault:")
        if path == "/v1/auth/token/lookup-self":
            return httpx.Response(200, json={"data": {"entity_id": "entity-" + user}})
        if path.startswith("/v1/identity/entity/id/entity-"):
            return httpx.Response(200, json={"data": {"name": path.rsplit("entity-", 1)[1]}})
        if path == f"/v1/secret/data/users/{user}/github":
            return httpx.Response(200, json={"data": {"data": {"token": f"github-token-of-{user}"}}})
        if path == "/v1/auth/token/revoke-self":
            return httpx.Response(204)
        if path == "/user/repos":
            self.github_calls.append(request.headers["Authorization"])
            return httpx.Response(200, json=[{"name": "repo"}])
        return httpx.Response(404, json={"errors": []})


class Variant:
    """One variant under uvicorn on a free port."""

    def __init__(self, flaws: set[str]):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.fakes = FakeVaultAndBackends()
        settings = Settings(port=self.port, issuer=ISSUER, jwks_url=JWKS_URL, app_clients=[APP_CLIENT],
                            vault_addr="http://vault", vault_role="user", jira_url="http://jira",
                            github_url="http://github", public_url=self.url, flaws=flaws)
        self.server = uvicorn.Server(uvicorn.Config(build_app(settings, httpx.MockTransport(self.fakes)),
                                                    host="127.0.0.1", port=self.port, log_level="warning"))
        threading.Thread(target=self.server.run, daemon=True).start()
        for _ in range(100):
            try:
                if httpx.get(self.url + "/health").status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.05)
        raise RuntimeError("the server did not start")

    def close(self):
        self.server.should_exit = True

    def open_stream(self, token: str) -> tuple[str, "queue.Queue[str]"]:
        """A stream opened with `token`, read on a thread: its messages path and what comes on it."""
        arrived: "queue.Queue[str]" = queue.Queue()
        endpoint: "queue.Queue[str]" = queue.Queue()

        def read():
            with httpx.stream("GET", self.url + "/sse", headers={"Authorization": "Bearer " + token}, timeout=None) as stream:
                for line in stream.iter_lines():
                    if line.startswith("data: /messages/"):
                        endpoint.put(line[len("data: "):])
                    elif line.startswith("data: {"):
                        arrived.put(line[len("data: "):])

        threading.Thread(target=read, daemon=True).start()
        messages = endpoint.get(timeout=10)
        self.post(messages, token, {"jsonrpc": "2.0", "id": 0, "method": "initialize",
                                    "params": {"protocolVersion": "2024-11-05", "capabilities": {},
                                               "clientInfo": {"name": "test", "version": "1"}}})
        arrived.get(timeout=10)
        self.post(messages, token, {"jsonrpc": "2.0", "method": "notifications/initialized"})
        return messages, arrived

    def post(self, messages: str, token: str | None, message: dict) -> httpx.Response:
        headers = {"Authorization": "Bearer " + token} if token else {}
        return httpx.post(self.url + messages, json=message, headers=headers)

    def probe(self, token: str) -> int:
        """The status GET /sse answers `token` with (a stream opened is closed at once)."""
        with httpx.stream("GET", self.url + "/sse", headers={"Authorization": "Bearer " + token}) as stream:
            return stream.status_code


LIST_REPOS = {"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {"name": "list_repos", "arguments": {}}}


class CorrectVariant(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Variant(set())

    @classmethod
    def tearDownClass(cls):
        cls.server.close()

    def test_takes_an_access_token_of_its_app_client(self):
        self.assertEqual(self.server.probe(cognito_token("alice")), 200)

    def test_refuses_an_id_token_and_another_clients_token(self):
        self.assertEqual(self.server.probe(cognito_token("alice", token_use="id")), 401)
        self.assertEqual(self.server.probe(cognito_token("alice", client=OTHER_CLIENT)), 401)

    def test_a_post_needs_a_token_of_its_own_and_the_sessions_user(self):
        messages, arrived = self.server.open_stream(cognito_token("bob"))
        refused = self.server.post(messages, None, LIST_REPOS)
        self.assertEqual(refused.status_code, 401)
        self.assertNotIn("error=", refused.headers["WWW-Authenticate"])  # the bare challenge
        self.assertEqual(self.server.post(messages, cognito_token("alice"), LIST_REPOS).status_code, 404)
        self.assertTrue(arrived.empty())
        self.assertEqual(self.server.fakes.github_calls, [])
        self.assertEqual(self.server.post(messages, cognito_token("bob"), LIST_REPOS).status_code, 202)
        self.assertIn("repo", arrived.get(timeout=10))
        self.assertEqual(self.server.fakes.github_calls, ["Bearer github-token-of-bob"])


class FlawedVariant(unittest.TestCase):
    def test_id_token_accepted_takes_the_pools_id_token(self):
        server = Variant({"id-token-accepted"})
        self.addCleanup(server.close)
        self.assertEqual(server.probe(cognito_token("alice", token_use="id")), 200)

    def test_client_id_unchecked_takes_another_app_clients_token(self):
        server = Variant({"client-id-unchecked"})
        self.addCleanup(server.close)
        self.assertEqual(server.probe(cognito_token("alice", client=OTHER_CLIENT)), 200)

    def test_stream_only_auth_runs_anyones_post_as_the_streams_user(self):
        server = Variant({"stream-only-auth"})
        self.addCleanup(server.close)
        messages, arrived = server.open_stream(cognito_token("bob"))
        # No token at all, or alice's: bob's session id alone makes the call bob's.
        self.assertEqual(server.post(messages, None, LIST_REPOS).status_code, 202)
        self.assertIn("repo", arrived.get(timeout=10))
        self.assertEqual(server.post(messages, cognito_token("alice"), LIST_REPOS).status_code, 202)
        self.assertIn("repo", arrived.get(timeout=10))
        self.assertEqual(server.fakes.github_calls, ["Bearer github-token-of-bob"] * 2)


if __name__ == "__main__":
    unittest.main()
