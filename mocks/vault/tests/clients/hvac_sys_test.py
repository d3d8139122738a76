"""Vault's system and token endpoints through hvac: health, tokens, mounts, ACL policies, file
audit devices, and Vault's error answers as hvac's exceptions (status and errors list)."""
import json
import os
import tempfile
import time
import unittest

import hvac.exceptions

from hvac_support import client_with, root_client, unique


class HealthAndTokens(unittest.TestCase):
    def test_health_and_the_root_token(self):
        client = root_client()
        self.assertTrue(client.is_authenticated())
        health = client.sys.read_health_status(method="GET")
        self.assertTrue(health["initialized"])
        self.assertFalse(health["sealed"])
        self.assertFalse(health["standby"])
        self.assertTrue(health["version"].startswith("1.21."), health["version"])
        self.assertTrue(client.sys.is_initialized())
        self.assertFalse(client.sys.is_sealed())
        me = client.auth.token.lookup_self()["data"]
        self.assertEqual(me["policies"], ["root"])
        self.assertEqual(me["display_name"], "token")
        self.assertEqual(me["ttl"], 0)

    def test_child_tokens_lookup_renew_and_revoke(self):
        client = root_client()
        created = client.auth.token.create(policies=["default"], ttl="120s", renewable=True,
                                           meta={"purpose": "clients"}, display_name="clients")["auth"]
        token = created["client_token"]
        self.assertEqual(created["policies"], ["default"])
        self.assertEqual(created["lease_duration"], 120)
        self.assertTrue(created["renewable"])
        looked_up = client.auth.token.lookup(token)["data"]
        self.assertEqual(looked_up["display_name"], "token-clients")
        self.assertEqual(looked_up["meta"], {"purpose": "clients"})
        self.assertEqual(looked_up["accessor"], created["accessor"])
        by_accessor = client.auth.token.lookup_accessor(created["accessor"])["data"]
        self.assertEqual(by_accessor["id"], "", "a lookup by accessor does not reveal the token")
        child = client_with(token)
        self.assertEqual(child.auth.token.lookup_self()["data"]["policies"], ["default"])
        renewed = child.auth.token.renew_self(increment="60s")["auth"]
        self.assertEqual(renewed["client_token"], token)
        self.assertLessEqual(renewed["lease_duration"], 120)
        client.auth.token.revoke(token)
        with self.assertRaises(hvac.exceptions.Forbidden):
            child.auth.token.lookup_self()


class MountsAndPolicies(unittest.TestCase):
    def test_secrets_engines_and_auth_methods(self):
        client = root_client()
        mounts = client.sys.list_mounted_secrets_engines()["data"]
        self.assertEqual(mounts["secret/"]["type"], "kv")
        self.assertEqual(mounts["secret/"]["options"], {"version": "2"})
        self.assertEqual(mounts["sys/"]["type"], "system")
        path = unique("kv")
        client.sys.enable_secrets_engine(backend_type="kv", path=path, options={"version": "2"},
                                         description="clients test")
        mount = client.sys.list_mounted_secrets_engines()["data"][f"{path}/"]
        self.assertEqual(mount["description"], "clients test")
        self.assertTrue(mount["accessor"].startswith("kv_"))
        with self.assertRaises(hvac.exceptions.InvalidRequest) as twice:
            client.sys.enable_secrets_engine(backend_type="kv", path=path)
        self.assertIn("path is already in use", str(twice.exception))
        client.secrets.kv.v2.create_or_update_secret(path="x", secret={"a": "b"}, mount_point=path)
        client.sys.disable_secrets_engine(path=path)
        self.assertNotIn(f"{path}/", client.sys.list_mounted_secrets_engines()["data"])
        auths = client.sys.list_auth_methods()["data"]
        self.assertEqual(auths["token/"]["type"], "token")

    def test_acl_policies_limit_a_token(self):
        client = root_client()
        name = unique("clients-policy")
        rules = f'path "secret/data/{name}/*" {{ capabilities = ["read"] }}\n' \
                f'path "secret/metadata/{name}/*" {{ capabilities = ["list"] }}'
        client.sys.create_or_update_acl_policy(name=name, policy=rules)
        self.assertEqual(client.sys.read_acl_policy(name=name)["data"]["policy"], rules)
        self.assertIn(name, client.sys.list_acl_policies()["data"]["keys"])
        client.secrets.kv.v2.create_or_update_secret(path=f"{name}/jira", secret={"api_token": "t"},
                                                     mount_point="secret")
        token = client.auth.token.create(policies=[name], ttl="60s")["auth"]["client_token"]
        limited = client_with(token).secrets.kv.v2
        read = limited.read_secret_version(path=f"{name}/jira", mount_point="secret", raise_on_deleted_version=True)
        self.assertEqual(read["data"]["data"], {"api_token": "t"})
        self.assertEqual(limited.list_secrets(path=f"{name}/", mount_point="secret")["data"]["keys"], ["jira"])
        with self.assertRaises(hvac.exceptions.Forbidden) as denied:
            limited.read_secret_version(path="elsewhere", mount_point="secret", raise_on_deleted_version=True)
        self.assertEqual(denied.exception.errors, ["1 error occurred:\n\t* permission denied\n\n"])
        with self.assertRaises(hvac.exceptions.Forbidden):
            limited.create_or_update_secret(path=f"{name}/jira", secret={"x": "y"}, mount_point="secret")
        client.sys.delete_acl_policy(name=name)
        self.assertNotIn(name, client.sys.list_acl_policies()["data"]["keys"])
        with self.assertRaises(hvac.exceptions.Forbidden):
            client_with(token).secrets.kv.v2.read_secret_version(path=f"{name}/jira", mount_point="secret",
                                                                 raise_on_deleted_version=True)


class AuditDevices(unittest.TestCase):
    def test_a_file_device_logs_requests_with_hmaced_tokens(self):
        client = root_client()
        path = unique("clients-audit")
        with tempfile.TemporaryDirectory() as directory:
            log = os.path.join(directory, "audit.log")
            client.sys.enable_audit_device(device_type="file", path=path, options={"file_path": log})
            try:
                devices = client.sys.list_enabled_audit_devices()["data"]
                self.assertEqual(devices[f"{path}/"]["type"], "file")
                self.assertEqual(devices[f"{path}/"]["options"]["file_path"], log)
                marker = unique("audited")
                client.secrets.kv.v2.create_or_update_secret(path=marker, secret={"password": "hunter2"},
                                                             mount_point="secret")
                entries = self.entries_for(log, f"secret/data/{marker}")
                self.assertEqual([entry["type"] for entry in entries], ["request", "response"])
                request = entries[0]["request"]
                self.assertEqual(request["operation"], "create", "a new KV path: Vault's existence check")
                self.assertTrue(request["client_token"].startswith("hmac-sha256:"))
                with open(log, encoding="utf-8") as text:
                    self.assertNotIn("hunter2", text.read(), "request data is HMAC'd")
            finally:
                client.sys.disable_audit_device(path=path)
        self.assertNotIn(f"{path}/", client.sys.list_enabled_audit_devices()["data"])

    @staticmethod
    def entries_for(log, request_path):
        # Vault writes the response entry once the response is sent: give it a moment.
        for _ in range(50):
            with open(log, encoding="utf-8") as text:
                entries = [json.loads(line) for line in text if line.strip()]
            matching = [entry for entry in entries if entry.get("request", {}).get("path") == request_path]
            if len(matching) >= 2:
                return matching
            time.sleep(0.1)
        return matching


class Errors(unittest.TestCase):
    def test_vault_errors_become_hvac_exceptions(self):
        client = root_client()
        with self.assertRaises(hvac.exceptions.InvalidRequest) as bad_policy:
            client.sys.create_or_update_acl_policy(name=unique("broken"), policy='path "x" {')
        self.assertTrue(bad_policy.exception.errors[0].startswith("failed to parse policy: "),
                        bad_policy.exception.errors)
        self.assertIsNone(client.read("nowhere/at/all"), "hvac reads a 404 as None")
        with self.assertRaises(hvac.exceptions.InvalidPath) as no_route:
            client.write_data("nowhere/at/all", data={"x": "y"})
        self.assertEqual(no_route.exception.errors, ['no handler for route "nowhere/at/all". route entry not found.'])
        with self.assertRaises(hvac.exceptions.Forbidden) as no_token:
            client_with("not-a-token").auth.token.lookup_self()
        self.assertEqual(no_token.exception.errors, ["2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n"])
        # hvac has no exception of its own for a 405.
        with self.assertRaises(hvac.exceptions.UnexpectedError) as wrong_verb:
            client.adapter.delete("/v1/auth/token/lookup-self")
        self.assertEqual(wrong_verb.exception.errors, ["1 error occurred:\n\t* unsupported operation\n\n"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
