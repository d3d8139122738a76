"""KV v2 through hvac, as services keep per-user credentials in it: versions, listing (hvac sends
Vault's LIST verb), check-and-set, soft delete, undelete, destroy and metadata."""
import unittest

import hvac.exceptions

from hvac_support import root_client, unique


class KvV2(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.kv = root_client().secrets.kv.v2
        cls.base = unique("clients-kv")

    def read(self, path, **kwargs):
        return self.kv.read_secret_version(path=path, mount_point="secret", raise_on_deleted_version=True, **kwargs)

    def test_versions_metadata_and_missing_paths(self):
        path = f"{self.base}/github"
        first = self.kv.create_or_update_secret(path=path, secret={"token": "ghp_first"}, mount_point="secret")
        self.assertEqual(first["data"]["version"], 1)
        self.kv.create_or_update_secret(path=path, secret={"token": "ghp_second"}, mount_point="secret")
        latest = self.read(path)
        self.assertEqual(latest["data"]["data"], {"token": "ghp_second"})
        self.assertEqual(latest["data"]["metadata"]["version"], 2)
        self.assertEqual(latest["data"]["metadata"]["deletion_time"], "")
        self.assertFalse(latest["data"]["metadata"]["destroyed"])
        self.assertEqual(self.read(path, version=1)["data"]["data"], {"token": "ghp_first"})
        metadata = self.kv.read_secret_metadata(path=path, mount_point="secret")["data"]
        self.assertEqual(metadata["current_version"], 2)
        self.assertEqual(metadata["oldest_version"], 0, "Vault leaves it 0 until versions are trimmed")
        self.assertEqual(sorted(metadata["versions"]), ["1", "2"])
        with self.assertRaises(hvac.exceptions.InvalidPath):
            self.read(f"{self.base}/none")
        self.kv.delete_metadata_and_all_versions(path=path, mount_point="secret")
        with self.assertRaises(hvac.exceptions.InvalidPath):
            self.read(path)

    def test_listing_with_the_list_verb(self):
        for name in ("jira", "github", "nested/deeper"):
            self.kv.create_or_update_secret(path=f"{self.base}/users/{name}", secret={"k": "v"}, mount_point="secret")
        listed = self.kv.list_secrets(path=f"{self.base}/users", mount_point="secret")
        self.assertEqual(sorted(listed["data"]["keys"]), ["github", "jira", "nested/"])
        self.assertEqual(self.kv.list_secrets(path=f"{self.base}/users/", mount_point="secret")["data"]["keys"],
                         listed["data"]["keys"], "a trailing slash lists the same")
        with self.assertRaises(hvac.exceptions.InvalidPath):
            self.kv.list_secrets(path=f"{self.base}/nothing-here", mount_point="secret")

    def test_check_and_set(self):
        path = f"{self.base}/cas"
        self.kv.create_or_update_secret(path=path, secret={"v": "1"}, cas=0, mount_point="secret")
        with self.assertRaises(hvac.exceptions.InvalidRequest) as refused:
            self.kv.create_or_update_secret(path=path, secret={"v": "again"}, cas=0, mount_point="secret")
        self.assertIn("check-and-set parameter did not match the current version", str(refused.exception))
        self.kv.create_or_update_secret(path=path, secret={"v": "2"}, cas=1, mount_point="secret")
        self.assertEqual(self.read(path)["data"]["data"], {"v": "2"})

    def test_delete_undelete_and_destroy_versions(self):
        path = f"{self.base}/lifecycle"
        for value in ("a", "b", "c"):
            self.kv.create_or_update_secret(path=path, secret={"v": value}, mount_point="secret")
        self.kv.delete_latest_version_of_secret(path=path, mount_point="secret")
        with self.assertRaises(hvac.exceptions.InvalidPath):
            self.read(path)
        deleted = self.kv.read_secret_version(path=path, mount_point="secret", raise_on_deleted_version=False)
        self.assertIsNone(deleted["data"]["data"])
        self.assertNotEqual(deleted["data"]["metadata"]["deletion_time"], "")
        self.kv.undelete_secret_versions(path=path, versions=[3], mount_point="secret")
        self.assertEqual(self.read(path)["data"]["data"], {"v": "c"})
        self.kv.delete_secret_versions(path=path, versions=[1], mount_point="secret")
        self.kv.destroy_secret_versions(path=path, versions=[2], mount_point="secret")
        versions = self.kv.read_secret_metadata(path=path, mount_point="secret")["data"]["versions"]
        self.assertNotEqual(versions["1"]["deletion_time"], "")
        self.assertFalse(versions["1"]["destroyed"])
        self.assertTrue(versions["2"]["destroyed"])
        self.assertEqual(versions["3"]["deletion_time"], "")
        # A destroyed version is a 404 with its metadata, which hvac raises even so.
        with self.assertRaises(hvac.exceptions.InvalidPath) as destroyed:
            self.kv.read_secret_version(path=path, version=2, mount_point="secret", raise_on_deleted_version=False)
        self.assertIn('"destroyed":true', str(destroyed.exception))

    def test_metadata_settings(self):
        path = f"{self.base}/settings"
        self.kv.create_or_update_secret(path=path, secret={"v": "1"}, mount_point="secret")
        self.kv.update_metadata(path=path, max_versions=2, custom_metadata={"owner": "alice"}, mount_point="secret")
        for value in ("2", "3"):
            self.kv.create_or_update_secret(path=path, secret={"v": value}, mount_point="secret")
        metadata = self.kv.read_secret_metadata(path=path, mount_point="secret")["data"]
        self.assertEqual(metadata["max_versions"], 2)
        self.assertEqual(metadata["custom_metadata"], {"owner": "alice"})
        self.assertEqual(sorted(metadata["versions"]), ["2", "3"], "the oldest version beyond max_versions goes")
        self.assertEqual(metadata["oldest_version"], 2)


if __name__ == "__main__":
    unittest.main(verbosity=2)
