"""Vault's database engine through hvac, as postgres-mcp uses it: a PostgreSQL connection, a role
per user, dynamic credentials that log in to PostgreSQL, and revocation that takes them away. The
PostgreSQL is POSTGRES_URL (a fresh one from lib/postgres's postgres_server); logins are tried
with psql."""
import os
import shutil
import subprocess
import unittest
import urllib.parse

import hvac.exceptions

from hvac_support import root_client, unique

CREATION = [
    "CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'",
    "GRANT CONNECT ON DATABASE mcp_demo TO \"{{name}}\"",
]


def can_log_in(host_port, database, username, password):
    """True when PostgreSQL lets username/password in (psql, with a short connect timeout)."""
    url = f"postgresql://{urllib.parse.quote(username)}:{urllib.parse.quote(password)}@{host_port}/{database}"
    result = subprocess.run([shutil.which("psql"), url, "-tAc", "select current_user"], capture_output=True,
                            text=True, timeout=30, env={**os.environ, "PGCONNECT_TIMEOUT": "5"}, check=False)
    return result.returncode == 0 and result.stdout.strip() == username


class DatabaseEngine(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not shutil.which("psql"):
            raise unittest.SkipTest("psql is not installed (Debian: postgresql-client)")
        postgres = urllib.parse.urlsplit(os.environ["POSTGRES_URL"])
        cls.host_port = f"{postgres.hostname}:{postgres.port}"
        cls.database = postgres.path.lstrip("/")
        cls.client = root_client()
        cls.mount = unique("database")
        cls.client.sys.enable_secrets_engine(backend_type="database", path=cls.mount)
        cls.client.secrets.database.configure(
            name="mcp-demo", plugin_name="postgresql-database-plugin", verify_connection=True,
            allowed_roles=["alice", "bob"], mount_point=cls.mount,
            connection_url=f"postgresql://{{{{username}}}}:{{{{password}}}}@{cls.host_port}/{cls.database}",
            username=postgres.username, password=postgres.password)
        for role in ("alice", "bob"):
            cls.client.secrets.database.create_role(name=role, db_name="mcp-demo", creation_statements=CREATION,
                                                    default_ttl="300", max_ttl="600", mount_point=cls.mount)

    @classmethod
    def tearDownClass(cls):
        cls.client.sys.disable_secrets_engine(path=cls.mount)

    def test_connection_and_roles_read_back_without_the_password(self):
        connection = self.client.secrets.database.read_connection(name="mcp-demo", mount_point=self.mount)["data"]
        self.assertEqual(connection["plugin_name"], "postgresql-database-plugin")
        self.assertEqual(sorted(connection["allowed_roles"]), ["alice", "bob"])
        self.assertNotIn("password", connection["connection_details"])
        self.assertIn("{{password}}", connection["connection_details"]["connection_url"])
        self.assertEqual(self.client.secrets.database.list_connections(mount_point=self.mount)["data"]["keys"],
                         ["mcp-demo"])
        self.assertEqual(sorted(self.client.secrets.database.list_roles(mount_point=self.mount)["data"]["keys"]),
                         ["alice", "bob"])
        role = self.client.secrets.database.read_role(name="alice", mount_point=self.mount)["data"]
        self.assertEqual(role["db_name"], "mcp-demo")
        self.assertEqual(role["creation_statements"], CREATION)
        self.assertEqual(role["default_ttl"], 300)
        self.assertEqual(role["max_ttl"], 600)

    def test_dynamic_credentials_log_in_until_revoked(self):
        creds = self.client.secrets.database.generate_credentials(name="alice", mount_point=self.mount)
        self.assertTrue(creds["lease_id"].startswith(f"{self.mount}/creds/alice/"), creds["lease_id"])
        self.assertEqual(creds["lease_duration"], 300)
        self.assertTrue(creds["renewable"])
        username, password = creds["data"]["username"], creds["data"]["password"]
        self.assertTrue(username.startswith("v-"), username)
        self.assertTrue(can_log_in(self.host_port, self.database, username, password))
        lease = self.client.sys.read_lease(lease_id=creds["lease_id"])["data"]
        self.assertEqual(lease["id"], creds["lease_id"])
        self.assertTrue(lease["renewable"])
        renewed = self.client.sys.renew_lease(lease_id=creds["lease_id"], increment=120)
        self.assertEqual(renewed["lease_duration"], 120)
        self.client.sys.revoke_lease(lease_id=creds["lease_id"])
        self.assertFalse(can_log_in(self.host_port, self.database, username, password))
        with self.assertRaises(hvac.exceptions.InvalidRequest):
            self.client.sys.read_lease(lease_id=creds["lease_id"])

    def test_a_role_the_connection_does_not_allow_is_refused(self):
        database = self.client.secrets.database
        database.create_role(name="mallory", db_name="mcp-demo", creation_statements=CREATION, mount_point=self.mount)
        try:
            # Vault answers this one with a 500.
            with self.assertRaises(hvac.exceptions.InternalServerError) as refused:
                database.generate_credentials(name="mallory", mount_point=self.mount)
            self.assertEqual(refused.exception.errors, ['1 error occurred:\n\t* "mallory" is not an allowed role\n\n'])
        finally:
            database.delete_role(name="mallory", mount_point=self.mount)
        with self.assertRaises(hvac.exceptions.InvalidRequest) as unknown:
            database.generate_credentials(name="nobody", mount_point=self.mount)
        self.assertEqual(unknown.exception.errors, ['unknown role: nobody'])

if __name__ == "__main__":
    unittest.main(verbosity=2)
