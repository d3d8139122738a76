"""mock-vault and Vault 1.21.0 through hvac, the Python Vault client: health, token lookup, KV v2,
ACL policies, identity entities and aliases, audit devices and Vault's error answers as hvac's
exceptions. The same tests run against both; the server is named by VAULT_ADDR and VAULT_TOKEN
(mocks/common/clients/run), fresh for this run. Listing is left out on purpose: hvac lists with
the LIST verb, which mock-vault cannot take (docs/known-differences.md)."""
import os
import secrets
import unittest

import hvac
import hvac.exceptions


class HvacAgainstVault(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.client = hvac.Client(url=os.environ["VAULT_ADDR"], token=os.environ["VAULT_TOKEN"])
        cls.suffix = secrets.token_hex(4)

    def test_health_and_authentication(self):
        self.assertTrue(self.client.is_authenticated())
        health = self.client.sys.read_health_status(method="GET")
        self.assertTrue(health["initialized"])
        self.assertFalse(health["sealed"])
        self.assertEqual(self.client.auth.token.lookup_self()["data"]["policies"], ["root"])

    def test_kv_v2_versions_and_missing_paths(self):
        kv = self.client.secrets.kv.v2
        path = f"clients-{self.suffix}/github"
        kv.create_or_update_secret(path=path, secret={"token": "ghp_first"}, mount_point="secret")
        kv.create_or_update_secret(path=path, secret={"token": "ghp_second"}, mount_point="secret")
        latest = kv.read_secret_version(path=path, mount_point="secret", raise_on_deleted_version=True)
        self.assertEqual(latest["data"]["data"], {"token": "ghp_second"})
        self.assertEqual(latest["data"]["metadata"]["version"], 2)
        first = kv.read_secret_version(path=path, version=1, mount_point="secret", raise_on_deleted_version=True)
        self.assertEqual(first["data"]["data"], {"token": "ghp_first"})
        metadata = kv.read_secret_metadata(path=path, mount_point="secret")
        self.assertEqual(metadata["data"]["current_version"], 2)
        self.assertEqual(sorted(metadata["data"]["versions"]), ["1", "2"])
        with self.assertRaises(hvac.exceptions.InvalidPath):
            kv.read_secret_version(path=f"clients-{self.suffix}/none", mount_point="secret",
                                   raise_on_deleted_version=True)
        kv.delete_metadata_and_all_versions(path=path, mount_point="secret")
        with self.assertRaises(hvac.exceptions.InvalidPath):
            kv.read_secret_version(path=path, mount_point="secret", raise_on_deleted_version=True)

    def test_acl_policy_limits_a_token(self):
        name = f"clients-{self.suffix}"
        rules = f'path "secret/data/{name}/*" {{ capabilities = ["read"] }}'
        self.client.sys.create_or_update_acl_policy(name=name, policy=rules)
        self.assertIn('capabilities = ["read"]', self.client.sys.read_acl_policy(name=name)["data"]["policy"])
        self.client.secrets.kv.v2.create_or_update_secret(path=f"{name}/jira", secret={"api_token": "t"},
                                                         mount_point="secret")
        token = self.client.auth.token.create(policies=[name], ttl="60s")["auth"]["client_token"]
        limited = hvac.Client(url=os.environ["VAULT_ADDR"], token=token)
        read = limited.secrets.kv.v2.read_secret_version(path=f"{name}/jira", mount_point="secret",
                                                         raise_on_deleted_version=True)
        self.assertEqual(read["data"]["data"], {"api_token": "t"})
        with self.assertRaises(hvac.exceptions.Forbidden):
            limited.secrets.kv.v2.read_secret_version(path="elsewhere", mount_point="secret",
                                                     raise_on_deleted_version=True)
        with self.assertRaises(hvac.exceptions.Forbidden):
            hvac.Client(url=os.environ["VAULT_ADDR"], token="not-a-token").auth.token.lookup_self()

    def test_identity_entity_with_an_alias_on_a_jwt_mount(self):
        mount = f"jwt-{self.suffix}"
        self.client.sys.enable_auth_method(method_type="jwt", path=mount)
        accessor = self.client.sys.list_auth_methods()["data"][f"{mount}/"]["accessor"]
        name = f"alice-{self.suffix}"
        created = self.client.secrets.identity.create_or_update_entity(name=name, metadata={"username": name})
        entity_id = created["data"]["id"]
        self.client.secrets.identity.create_or_update_entity_alias(
            name="a0c5e0d2-sub", canonical_id=entity_id, mount_accessor=accessor)
        entity = self.client.secrets.identity.read_entity_by_name(name=name)["data"]
        self.assertEqual(entity["id"], entity_id)
        self.assertEqual(entity["metadata"], {"username": name})
        self.assertEqual([alias["name"] for alias in entity["aliases"]], ["a0c5e0d2-sub"])
        self.assertEqual(entity["aliases"][0]["mount_accessor"], accessor)

    def test_audit_devices_are_listed(self):
        devices = self.client.sys.list_enabled_audit_devices()["data"]
        self.assertTrue(any(device["type"] == "file" for device in devices.values()), devices)

    def test_vault_errors_become_hvac_exceptions(self):
        with self.assertRaises(hvac.exceptions.InvalidRequest):
            self.client.sys.create_or_update_acl_policy(name=f"broken-{self.suffix}", policy='path "x" {')
        self.assertIsNone(self.client.read("nowhere/at/all"), "hvac reads a 404 as None")
        with self.assertRaises(hvac.exceptions.InvalidPath):
            self.client.write_data("nowhere/at/all", data={"x": "y"})


if __name__ == "__main__":
    unittest.main(verbosity=2)
