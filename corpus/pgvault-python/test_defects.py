"""pgvault's own tests, without the harness: each flaw of the flawed variant lets through what the
correct variant refuses. Keycloak and Vault are answered by a stand-in transport (Vault's database
engine makes a role per lease, "v-<user>-<n>", and revoking a user's leases drops her roles);
PostgreSQL by a stand-in of psycopg's AsyncConnection that keeps what these tests look at of a real
session: who it logged in as, its transaction and its read-only default, the advisory locks it holds,
and the refusals PostgreSQL gives (a write in a read-only transaction, a COMMIT inside a transaction
block, a login of a dropped role). The MCP tool itself is called once through the SDK's app."""
import asyncio
import json
import re
import time
import types
import unittest
from unittest import mock

import httpx
import jwt
import psycopg
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.testclient import TestClient

import role_pools
from app import Warehouse, build_app, build_warehouse
from mcp.server.mcpserver.exceptions import ToolError
from settings import Database, Settings

ISSUER = "http://idp.test/realms/mcp"
REALM_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def token(user: str) -> str:
    now = int(time.time())
    return jwt.encode({"iss": ISSUER, "aud": ["postgres-mcp"], "azp": "mcp-client", "sub": f"id-{user}",
                       "preferred_username": user, "scope": "openid postgres-mcp", "iat": now, "exp": now + 300},
                      REALM_KEY, "RS256")


class RealmKeys:
    def get_signing_key_from_jwt(self, _):
        return REALM_KEY.public_key()


class Postgres:
    """The roles that exist, and what every session of them holds."""

    def __init__(self):
        self.roles: dict[str, str] = {}  # role → password
        self.table: list[int] = [1]
        self.sessions: list["Session"] = []

    def locks_held(self) -> int:
        return sum(len(s.locks) for s in self.sessions if not s.closed)


class Vault:
    """Keycloak's token exchange and Vault's JWT login, entities and database engine."""

    def __init__(self, postgres: Postgres):
        self.postgres = postgres
        self.issued = 0
        self.leases: dict[str, list[str]] = {}  # user → her roles

    def revoke(self, user: str) -> None:
        for role in self.leases.pop(user, []):
            self.postgres.roles.pop(role, None)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("/protocol/openid-connect/token"):
            subject = dict(x.split("=", 1) for x in request.content.decode().split("&"))["subject_token"]
            user = jwt.decode(subject, options={"verify_signature": False})["preferred_username"]
            return httpx.Response(200, json={"access_token": "vault-" + user})
        if path == "/v1/auth/jwt/login":
            return httpx.Response(200, json={"auth": {"client_token": json.loads(request.content)["jwt"],
                                                      "lease_duration": 300}})
        user = request.headers.get("x-vault-token", "").removeprefix("vault-")
        if path == "/v1/auth/token/lookup-self":
            return httpx.Response(200, json={"data": {"entity_id": "e-" + user}})
        if path.startswith("/v1/identity/entity/id/"):
            return httpx.Response(200, json={"data": {"name": path.rsplit("/e-", 1)[1]}})
        if path == f"/v1/database/creds/{user}":
            self.issued += 1
            role = f"v-{user}-{self.issued}"
            self.postgres.roles[role] = "pw-" + role
            self.leases.setdefault(user, []).append(role)
            return httpx.Response(200, json={"lease_id": f"database/creds/{user}/{self.issued}", "lease_duration": 300,
                                             "data": {"username": role, "password": "pw-" + role}})
        return httpx.Response(403, json={"errors": ["permission denied"]})


class Cursor:
    def __init__(self, session: "Session"):
        self.session = session
        self.description = None
        self.rows: list[tuple] = []

    def _answer(self, column: str, *rows: tuple) -> None:
        self.description = [types.SimpleNamespace(name=column)]
        self.rows = list(rows)

    async def execute(self, sql: str, params=None):
        s = self.session
        s.begin()
        self.description, self.rows = None, []
        if sql == role_pools.LIVE_ROLE:
            return self._answer("coalesce", (params[0] in s.postgres.roles,))
        if s.info.user not in s.postgres.roles:
            raise psycopg.errors.UndefinedObject("invalid role OID")
        if sql == "SELECT current_user AS who":
            return self._answer("who", (s.info.user,))
        if lock := re.fullmatch(r"SELECT pg_advisory_lock\((\d+)\)", sql):
            s.locks.add(int(lock[1]))
            return self._answer("pg_advisory_lock", ("",))
        if sql.startswith("DO "):  # turns the read-only default off, commits, writes
            if s.in_block:
                raise psycopg.errors.InvalidTransactionTermination("invalid transaction termination")
            s.read_only_default = False
            s.postgres.table.append(2)
            return
        if sql.startswith("INSERT "):
            if s.transaction_read_only:
                raise psycopg.errors.ReadOnlySqlTransaction("cannot execute INSERT in a read-only transaction")
            s.postgres.table.append(int(re.search(r"\((\d+)\)", sql)[1]))
            return
        raise AssertionError(f"the stand-in PostgreSQL does not know {sql!r}")

    async def fetchone(self):
        return self.rows[0] if self.rows else None

    async def fetchall(self):
        return self.rows


class Session:
    """A stand-in of psycopg's AsyncConnection."""

    def __init__(self, postgres: Postgres, user: str, autocommit: bool):
        self.postgres = postgres
        self.info = types.SimpleNamespace(user=user)
        self.autocommit = autocommit
        self.read_only = False
        self.read_only_default = True  # -c default_transaction_read_only=on
        self.in_block = False
        self.transaction_read_only = True
        self.locks: set[int] = set()
        self.closed = self.broken = False

    def begin(self) -> None:
        if self.autocommit:
            self.transaction_read_only = self.read_only_default
        elif not self.in_block:  # psycopg opens the block: BEGIN [READ ONLY]
            self.in_block = True
            self.transaction_read_only = self.read_only or self.read_only_default

    async def set_read_only(self, value: bool):
        self.read_only = value

    async def set_autocommit(self, value: bool):
        self.autocommit = value

    async def rollback(self):
        self.in_block = False

    async def execute(self, sql: str):
        assert sql == "DISCARD ALL" and self.autocommit, sql
        self.locks.clear()
        self.read_only_default = True

    def cursor(self):
        return Cursor(self)

    def pipeline(self):
        return _Nothing()

    async def close(self):
        self.closed = True


class _Nothing:
    async def __aenter__(self):
        return self

    async def __aexit__(self, *_):
        return False


class Stack:
    def __init__(self, test: unittest.TestCase, *flaws: str):
        self.postgres = Postgres()
        self.vault = Vault(self.postgres)
        self.settings = Settings(
            host="127.0.0.1", port=8000, issuer=ISSUER, realm_url=ISSUER, audience="postgres-mcp",
            client_id="postgres-mcp", client_secret="s", vault_url="http://vault.test", vault_role="user",
            database_mount="database", database=Database("db.test", 5432, "mcp_demo"), statement_timeout_ms=3000,
            timeout_s=3, flaws=frozenset(flaws))

        async def connect(*, user, password, autocommit, **_):
            if self.postgres.roles.get(user) != password:
                raise psycopg.OperationalError(f'FATAL:  password authentication failed for user "{user}"')
            session = Session(self.postgres, user, autocommit)
            self.postgres.sessions.append(session)
            return session

        patch = mock.patch.object(psycopg.AsyncConnection, "connect", side_effect=connect)
        patch.start()
        test.addCleanup(patch.stop)
        self.warehouse = build_warehouse(self.settings, httpx.MockTransport(self.vault))

    def run(self, user: str, statement: str) -> dict:
        return asyncio.run(self.warehouse.run(f"id-{user}", token(user), statement, None))

    def who(self, user: str) -> str:
        return self.run(user, "SELECT current_user AS who")["records"][0][0]

    def refused(self, user: str, statement: str) -> str:
        try:
            self.run(user, statement)
        except ToolError as e:
            return str(e)
        return ""


class EachUserHerOwnRole(unittest.TestCase):
    def test_correct_runs_each_user_as_the_role_vault_made_for_her(self):
        stack = Stack(self)
        self.assertEqual((stack.who("alice"), stack.who("bob")), ("v-alice-1", "v-bob-2"))

    def test_shared_pool_runs_bob_as_alices_role(self):
        stack = Stack(self, "shared-pool")
        self.assertEqual((stack.who("alice"), stack.who("bob")), ("v-alice-1", "v-alice-1"))


class RevokedLeases(unittest.TestCase):
    def test_correct_notices_a_dropped_role_and_gets_a_new_one(self):
        stack = Stack(self)
        self.assertEqual(stack.who("user0006"), "v-user0006-1")
        stack.vault.revoke("user0006")  # its pooled session lives on; the role is gone
        self.assertEqual(stack.who("user0006"), "v-user0006-2")

    def test_shared_pool_keeps_serving_a_user_whose_leases_are_all_revoked(self):
        stack = Stack(self, "shared-pool")
        stack.who("alice")
        self.assertEqual(stack.who("user0006"), "v-alice-1")
        stack.vault.revoke("user0006")
        self.assertEqual(stack.who("user0006"), "v-alice-1")


class ReadOnly(unittest.TestCase):
    DO = "DO $$ BEGIN PERFORM set_config('default_transaction_read_only', 'off', false); COMMIT; INSERT … END $$"

    def test_correct_refuses_a_commit_in_a_block_and_every_write_after_it(self):
        stack = Stack(self)
        self.assertIn("invalid transaction termination", stack.refused("alice", self.DO))
        self.assertIn("read-only transaction", stack.refused("alice", "INSERT INTO write_probe VALUES (3)"))
        self.assertEqual(stack.postgres.table, [1])

    def test_autocommit_lets_a_block_commit_and_turn_read_only_off(self):
        stack = Stack(self, "autocommit", "pool-no-reset")
        self.assertEqual(stack.refused("alice", self.DO), "")
        self.assertEqual(stack.refused("alice", "INSERT INTO write_probe VALUES (3)"), "")
        self.assertEqual(stack.postgres.table, [1, 2, 3])


class PooledSessions(unittest.TestCase):
    def test_correct_releases_what_a_call_left_before_pooling_its_session(self):
        stack = Stack(self)
        stack.run("bob", "SELECT pg_advisory_lock(4242)")
        self.assertEqual(stack.postgres.locks_held(), 0)

    def test_pool_no_reset_pools_a_session_still_holding_the_lock(self):
        stack = Stack(self, "pool-no-reset")
        stack.run("bob", "SELECT pg_advisory_lock(4242)")
        self.assertEqual(stack.postgres.locks_held(), 1)


class TheTool(unittest.TestCase):
    def test_run_sql_answers_columns_and_records_as_the_callers_role(self):
        stack = Stack(self)
        with TestClient(build_app(stack.settings, stack.warehouse, RealmKeys()), base_url="http://127.0.0.1:8000") as client:
            answer = client.post("/mcp", headers={"Authorization": "Bearer " + token("alice"),
                                                  "Accept": "application/json, text/event-stream",
                                                  "MCP-Protocol-Version": "2025-11-25"},
                                 json={"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                                       "params": {"name": "run_sql", "arguments": {"statement": "SELECT current_user AS who"}}})
        result = answer.json()["result"]
        self.assertEqual(result["structuredContent"], {"columns": ["who"], "records": [["v-alice-1"]], "row_count": 1})


if __name__ == "__main__":
    unittest.main()
