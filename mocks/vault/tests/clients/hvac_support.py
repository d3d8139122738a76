"""What the hvac tests share: clients of the Vault under test, names unique to a run, and a JWKS
server of the test's own that signs JWTs (as the C++ contract suite does), so that Vault's JWT
login can be driven without a Keycloak.

The Vault is named by VAULT_ADDR and VAULT_TOKEN, a PostgreSQL for the database engine by
POSTGRES_URL (mocks/common/clients/run sets them: a fresh mock-vault, a fresh real Vault, or the
one MCPH_VAULT_URL names)."""
import http.server
import json
import os
import secrets
import threading
import time

import hvac
import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

VAULT_ADDR = os.environ["VAULT_ADDR"]
ROOT_TOKEN = os.environ["VAULT_TOKEN"]


def root_client():
    return hvac.Client(url=VAULT_ADDR, token=ROOT_TOKEN)


def client_with(token):
    return hvac.Client(url=VAULT_ADDR, token=token)


def unique(prefix):
    """A name no other test or run uses (tests may share one Vault)."""
    return f"{prefix}-{secrets.token_hex(4)}"


class JwksServer:
    """An RSA key and the JWKS of its public half on a free loopback port, like an identity
    provider's certs endpoint; sign() issues JWTs with it."""

    issuer = "https://idp.clients.test/realms/demo"

    def __init__(self):
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = secrets.token_hex(8)
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self._key.public_key()))
        jwk.update({"kid": self.kid, "alg": "RS256", "use": "sig"})
        body = json.dumps({"keys": [jwk]}).encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the stdlib's name)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.jwks_url = f"http://127.0.0.1:{self._server.server_address[1]}/certs"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def sign(self, subject, audience="mcp-client", lifetime=300, key=None, **claims):
        now = int(time.time())
        payload = {"iss": self.issuer, "sub": subject, "aud": audience, "iat": now, "nbf": now - 5,
                   "exp": now + lifetime, **claims}
        signing_key = key if key is not None else self._key
        return jwt.encode(payload, signing_key, algorithm="RS256", headers={"kid": self.kid})

    @staticmethod
    def foreign_key():
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def close(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
